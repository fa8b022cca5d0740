import type { OrderstreamError } from '@orderstream/core';
import type { DeadLetterCode } from '../errors/kafka-error-codes.js';

/** One partition's part of a flush. */
export interface FlushedPartition {
  readonly partition: number;
  /** The first offset of the flushed range. */
  readonly fromOffset: string;
  /** The next offset to consume, now stored in the warehouse and committed to the group. */
  readonly nextOffset: string;
  /** Rows written to `raw_order_events`. */
  readonly rows: number;
  /** Records rejected (dead-lettered, or skipped tombstones). */
  readonly rejected: number;
}

/** Payload of the `flush` event: one warehouse transaction. */
export interface FlushInfo {
  readonly topic: string;
  readonly partitions: readonly FlushedPartition[];
  /** Rows written to `raw_order_events` in this transaction. */
  readonly rows: number;
  /** Rows written to `raw_rejects`. */
  readonly rejects: number;
  /** Milliseconds from the start of the flush to the Kafka commit. */
  readonly durationMs: number;
  /** Why it flushed. */
  readonly reason: 'records' | 'bytes' | 'interval' | 'memory' | 'stop';
  /** Whether the offsets were also committed to the group (false while it rebalances). */
  readonly committedToGroup: boolean;
}

/** Payload of the `dead-letter` event: a record published to the dead-letter topic. */
export interface DeadLetterInfo {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly code: DeadLetterCode;
  readonly reason: string;
  readonly deadLetterTopic: string;
}

/** One partition's lag: how far the group's committed offset is behind the log end. */
export interface PartitionLag {
  readonly partition: number;
  /** The high watermark at the last fetch, or `null` before any. */
  readonly highWatermark: string | null;
  /** The committed next offset, or `null` before any flush. */
  readonly committedOffset: string | null;
  /** `highWatermark - committedOffset`, or `null` when either is unknown. */
  readonly lag: number | null;
}

/** Payload of the `lag` event, emitted after each flush. */
export interface LagInfo {
  readonly topic: string;
  readonly partitions: readonly PartitionLag[];
}

/**
 * Payload of the `topic-reset` event: a partition's log ends before the offset the sink already
 * consumed up to, so the topic was deleted and re-created (or truncated) under the sink.
 */
export interface TopicResetInfo {
  readonly topic: string;
  readonly partition: number;
  /** The next offset the sink expected (stored in the warehouse, or taken since), as a decimal string. */
  readonly expectedOffset: string;
  /** The partition's high watermark (log end) the broker reported, as a decimal string. */
  readonly logEndOffset: string;
}

/** Context of an `error` event. */
export interface SinkErrorContext {
  /** `true` when the sink stops because of it; `false` when it is being retried or was tolerated. */
  readonly fatal: boolean;
}

/** A snapshot of the sink's metrics (see `OrderSink.metrics()`). */
export interface OrderSinkMetrics {
  /** Rows written to `raw_order_events` since start. */
  readonly records: number;
  /** Records per second written over the metrics window. */
  readonly recordsPerSecond: number;
  /** Warehouse transactions (flushes) since start. */
  readonly batches: number;
  /** Records dead-lettered since start. */
  readonly deadLettered: number;
  /** Tombstones skipped (with `tombstones: 'skip'`). */
  readonly tombstonesSkipped: number;
  /** Records received again below the stored offset and skipped (redeliveries). */
  readonly redeliveriesSkipped: number;
  /** Warehouse or dead-letter retries since start. */
  readonly retries: number;
  /** Bytes of record values buffered now. */
  readonly bufferedBytes: number;
  /** Records buffered now. */
  readonly bufferedRecords: number;
  /** Partitions whose fetching is paused now (memory budget or retries). */
  readonly pausedPartitions: readonly number[];
  /** Lag per assigned partition. */
  readonly partitions: readonly PartitionLag[];
  /** End-to-end latency, event time to group commit, in milliseconds. */
  readonly latencyMs: {
    readonly p50: number | null;
    readonly p99: number | null;
    readonly max: number | null;
    readonly samples: number;
  };
  /** Offsets skipped inside a partition (compaction, transaction markers, retention). */
  readonly offsetGaps: { readonly gaps: number; readonly missingOffsets: number };
}

/** The events of an `OrderSink`. */
export interface OrderSinkEvents {
  /** Rows and offsets were committed to the warehouse (and to the group). */
  flush: (info: FlushInfo) => void;
  /** A record was published to the dead-letter topic. */
  'dead-letter': (info: DeadLetterInfo) => void;
  /** Per-partition lag after a flush. */
  lag: (info: LagInfo) => void;
  /**
   * A partition's log ends before the sink's position: the topic was re-created. Emitted before
   * the sink stops with `KAFKA_TOPIC_RESET`; nothing of the new topic is written.
   */
  'topic-reset': (info: TopicResetInfo) => void;
  /** An error: retried (`fatal: false`) or stopping the sink (`fatal: true`). */
  error: (error: OrderstreamError, context: SinkErrorContext) => void;
}
