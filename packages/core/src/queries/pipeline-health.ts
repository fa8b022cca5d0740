import type { QueryContext } from './internal/query-context.js';
import { instantParam } from './internal/sql.js';
import { toCount, toIso, toNullableNumber } from './internal/values.js';
import type { QueryScope } from './query-scope.js';

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
 * What a running pipeline knows about its own health, handed to the pipeline-health query (the
 * dashboard's `health()` callback). Every field is optional: the query fills what is missing from
 * the warehouse (ingest rate, latency, Kafka rejects).
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

/** The committed position of one partition, from `sink_offsets`. */
export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: string;
  readonly updatedAt: string | null;
}

/** Pipeline health: what the pipeline reports (when embedded) and what the warehouse shows. */
export interface PipelineHealthPayload {
  /** `max(ingested_at)`: when the newest event landed; the page shows "updated N s ago". */
  readonly lastIngestedAt: string | null;
  /** Events per second: from the pipeline when reported, else landed in the last minute / 60. */
  readonly eventsPerSecond: number;
  /** End-to-end latency p95 (event time → landed), ms: reported, else over the last 5 minutes. */
  readonly endToEndLatencyMs: number | null;
  /** Dead letters: reported, else Kafka messages in the quarantine (`raw_rejects`). */
  readonly deadLetterCount: number;
  /** Consumer lag per partition, when the pipeline reports it. */
  readonly consumerLag: readonly PartitionLag[] | null;
  /** The sink's committed offsets. */
  readonly committedOffsets: readonly CommittedOffset[];
  /** Whether the figures come from the embedding pipeline (`true`) or the warehouse only. */
  readonly reportedByPipeline: boolean;
}

const MINUTE_MS = 60_000;

/** Pipeline health: lag, rate, dead letters, latency and data freshness. */
export async function readPipelineHealth(
  { warehouse, tables, dialect }: QueryContext,
  { now }: QueryScope,
  reported: HealthSnapshot | undefined,
): Promise<PipelineHealthPayload> {
  // Each statement prunes by its own WHERE (rows land in ingest order), so none scans the table.
  const [newest] = await warehouse.query(`SELECT max(ingested_at) AS last_ingested_at FROM ${tables.events}`);
  const [recent] = await warehouse.query(
    `SELECT coalesce(sum(CASE WHEN ingested_at >= ${dialect.instant} THEN 1 ELSE 0 END), 0) AS landed_last_minute,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY ${dialect.millisecondsBetween('event_time', 'ingested_at')}) AS latency_p95_ms
     FROM ${tables.events}
     WHERE ingested_at >= ${dialect.instant}`,
    [
      instantParam(new Date(now.getTime() - MINUTE_MS)),
      instantParam(new Date(now.getTime() - 5 * MINUTE_MS)),
    ],
  );
  const [rejects] = await warehouse.query(
    `SELECT count(*) AS n FROM ${tables.rejects} WHERE source = 'kafka'`,
  );
  const offsets = await warehouse.query(
    `SELECT topic, ${dialect.column('partition')} AS partition_no, next_offset, updated_at FROM ${tables.offsets}
     ORDER BY topic, partition_no LIMIT 256`,
  );
  return {
    lastIngestedAt: toIso(newest?.last_ingested_at),
    eventsPerSecond: reported?.eventsPerSecond ?? toCount(recent?.landed_last_minute) / 60,
    endToEndLatencyMs: reported?.endToEndLatencyMs ?? toNullableNumber(recent?.latency_p95_ms),
    deadLetterCount: reported?.deadLetterCount ?? toCount(rejects?.n),
    consumerLag: reported?.consumerLag ?? null,
    committedOffsets: offsets.map((row) => ({
      topic: String(row.topic),
      partition: toCount(row.partition_no),
      nextOffset: String(row.next_offset),
      updatedAt: toIso(row.updated_at),
    })),
    reportedByPipeline: reported !== undefined,
  };
}
