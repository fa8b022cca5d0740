/** Consumer lag of one partition, as the pipeline's consumer sees it. */
export interface PartitionLag {
  /** The Kafka topic. */
  readonly topic: string;
  /** The partition number. */
  readonly partition: number;
  /** Messages between the consumer's position and the log end offset. */
  readonly lag: number;
}

/**
 * What the embedding pipeline knows about its own health, reported to the dashboard through the
 * optional `health()` callback. Every field is optional: the panel shows what it gets and fills
 * the rest from the warehouse (`max(ingested_at)`, ingest rate, latency, Kafka rejects).
 */
export interface HealthSnapshot {
  /** Consumer lag per partition. */
  readonly consumerLag?: readonly PartitionLag[];
  /** Events consumed per second, recent average. */
  readonly eventsPerSecond?: number;
  /** Messages sent to the dead-letter topic since start. */
  readonly deadLetterCount?: number;
  /** End-to-end latency (event time → row committed), p95, in milliseconds. */
  readonly endToEndLatencyMs?: number;
}
