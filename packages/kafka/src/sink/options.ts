import type { Warehouse } from '@orderstream/core';
import { EVENT_TIME_WINDOW_DEFAULTS } from '@orderstream/core';
import { z } from 'zod';
import { systemClock } from '../clock/clock.js';
import {
  brokersSchema,
  clientFactorySchema,
  clockSchema,
  topicNameSchema,
} from '../internal/shared-schemas.js';

/** The defaults of {@link OrderSinkOptions}. */
export const ORDER_SINK_DEFAULTS = {
  clientId: 'orderstream-sink',
  topic: 'orders',
  deadLetterTopic: 'orders.dlq',
  fromBeginning: true,
  flushMaxRecords: 10_000,
  flushMaxBytes: 8 * 1024 * 1024,
  flushIntervalMs: 500,
  maxBufferedBytes: 64 * 1024 * 1024,
  warehouseMemoryBytes: (64 * 1024 * 1024) as number | null,
  maxMessageBytes: 1024 * 1024,
  tombstones: 'dead-letter',
  writeMode: 'append',
  retries: 8,
  retryMinTimeoutMs: 200,
  retryMaxTimeoutMs: 10_000,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  fetchMaxBytes: 8 * 1024 * 1024,
  fetchMaxBytesPerPartition: 1024 * 1024,
  fetchMaxWaitMs: 100,
  metricsWindowMs: 10_000,
  maxEventAgeMs: EVENT_TIME_WINDOW_DEFAULTS.maxAgeMs,
  maxEventAheadMs: EVENT_TIME_WINDOW_DEFAULTS.maxAheadMs,
} as const;

const warehouseSchema = z.custom<Warehouse>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Warehouse).writeWithOffsets === 'function' &&
    typeof (value as Warehouse).readOffsets === 'function',
  'expected a Warehouse (writeWithOffsets and readOffsets)',
);

/** The zod schema of {@link OrderSinkOptions}. */
export const orderSinkOptionsSchema = z
  .object({
    /**
     * Bootstrap brokers, `host:port`. Give this or `clientFactory`.
     * @defaultValue none
     */
    brokers: brokersSchema.optional(),
    /**
     * Makes the Kafka connections; wins over `brokers`.
     * @defaultValue a kafkajs factory on `brokers`
     */
    clientFactory: clientFactorySchema.optional(),
    /**
     * The client id the brokers see.
     * @defaultValue `'orderstream-sink'`
     */
    clientId: z.string().min(1).default(ORDER_SINK_DEFAULTS.clientId),
    /**
     * The topic to consume.
     * @defaultValue `'orders'`
     */
    topic: topicNameSchema.default(ORDER_SINK_DEFAULTS.topic),
    /**
     * Where rejected records go, with their reason headers.
     * @defaultValue `'orders.dlq'`
     */
    deadLetterTopic: topicNameSchema.default(ORDER_SINK_DEFAULTS.deadLetterTopic),
    /** The consumer group; also the key of the offsets stored in the warehouse. */
    groupId: z.string().min(1).max(255),
    /** Where rows and offsets go, in one transaction per flush. */
    warehouse: warehouseSchema,
    /**
     * Where a partition with no offset in the warehouse and none in the group starts: the
     * earliest record (`true`) or the next new one.
     * @defaultValue `true`
     */
    fromBeginning: z.boolean().default(ORDER_SINK_DEFAULTS.fromBeginning),
    /**
     * A partition's buffer is flushed when it holds this many records (the other partitions'
     * buffers go into the same transaction, whatever they hold).
     * @defaultValue `10000` records
     */
    flushMaxRecords: z.int().min(1).max(1_000_000).default(ORDER_SINK_DEFAULTS.flushMaxRecords),
    /**
     * ... or this many bytes buffered: the decoded rows' columns (the payload and the other
     * fields) and the values of rejected records.
     * @defaultValue `8388608` bytes (8 MiB)
     */
    flushMaxBytes: z.int().min(1).default(ORDER_SINK_DEFAULTS.flushMaxBytes),
    /**
     * ... or when its oldest record has waited this long, in milliseconds.
     * @defaultValue `500` ms
     */
    flushIntervalMs: z.int().min(1).max(3_600_000).default(ORDER_SINK_DEFAULTS.flushIntervalMs),
    /**
     * The memory budget: bytes buffered over all partitions (decoded rows' columns and rejected
     * records' values, counted until their flush is over). When reached,
     * fetching pauses and everything is flushed; fetching resumes once drained.
     * @defaultValue `67108864` bytes (64 MiB)
     */
    maxBufferedBytes: z.int().min(1024).default(ORDER_SINK_DEFAULTS.maxBufferedBytes),
    /**
     * The memory the warehouse's engine may use in this process, set before the sink first reads
     * the warehouse (its first assignment; retried like that read) when the warehouse can bound it
     * (`Warehouse.limitMemory`: DuckDB's `memory_limit`, for the whole instance, which other users
     * of the same file in the process share); `null` leaves the warehouse as it is.
     * Without a limit DuckDB allows itself 80 % of the machine and keeps the blocks the stream
     * writes cached: a long-running sink grew with its file. With `maxBufferedBytes` and the fetch
     * sizes it makes up the sink's memory budget.
     * @defaultValue `67108864` bytes (64 MiB)
     */
    warehouseMemoryBytes: z
      .int()
      .min(16 * 1024 * 1024)
      .nullable()
      .default(ORDER_SINK_DEFAULTS.warehouseMemoryBytes),
    /**
     * Record values larger than this, in bytes, are dead-lettered as `KAFKA_MESSAGE_OVERSIZE`.
     * @defaultValue `1048576` bytes (1 MiB)
     */
    maxMessageBytes: z.int().min(1).default(ORDER_SINK_DEFAULTS.maxMessageBytes),
    /**
     * What to do with a tombstone (a `null` value): send it to the dead-letter topic, or skip it
     * and count it in the metrics.
     * @defaultValue `'dead-letter'`
     */
    tombstones: z.enum(['dead-letter', 'skip']).default(ORDER_SINK_DEFAULTS.tombstones),
    /**
     * How rows go into `raw_order_events`. `append`: exactly-once comes from the offsets stored in
     * the same transaction, so each Kafka record is written once. `upsert` also replaces rows with
     * the same `event_id` (for producers that may send one event twice), at the cost of a keyed
     * merge per flush that grows with the table.
     * @defaultValue `'append'`
     */
    writeMode: z.enum(['append', 'upsert']).default(ORDER_SINK_DEFAULTS.writeMode),
    /**
     * Retries of a failed warehouse write or dead-letter publish (retryable errors only), with
     * exponential backoff; consumption is paused meanwhile. When exhausted the sink stops.
     * @defaultValue `8` retries
     */
    retries: z.int().min(0).max(100).default(ORDER_SINK_DEFAULTS.retries),
    /**
     * The first retry delay, in milliseconds.
     * @defaultValue `200` ms
     */
    retryMinTimeoutMs: z.int().min(0).default(ORDER_SINK_DEFAULTS.retryMinTimeoutMs),
    /**
     * The longest retry delay, in milliseconds.
     * @defaultValue `10000` ms
     */
    retryMaxTimeoutMs: z.int().min(0).default(ORDER_SINK_DEFAULTS.retryMaxTimeoutMs),
    /**
     * Milliseconds without heartbeat after which the group evicts this member.
     * @defaultValue `30000` ms
     */
    sessionTimeoutMs: z.int().min(1000).default(ORDER_SINK_DEFAULTS.sessionTimeoutMs),
    /**
     * Milliseconds between heartbeats.
     * @defaultValue `3000` ms
     */
    heartbeatIntervalMs: z.int().min(100).default(ORDER_SINK_DEFAULTS.heartbeatIntervalMs),
    /**
     * The most bytes one fetch returns (compressed, as stored: with gzip a fetch may decode to
     * several times this). Together with `maxBufferedBytes` it bounds the sink's memory.
     * @defaultValue `8388608` bytes (8 MiB)
     */
    fetchMaxBytes: z.int().min(1024).default(ORDER_SINK_DEFAULTS.fetchMaxBytes),
    /**
     * The most bytes one fetch returns per partition (compressed, as stored).
     * @defaultValue `1048576` bytes (1 MiB)
     */
    fetchMaxBytesPerPartition: z.int().min(1024).default(ORDER_SINK_DEFAULTS.fetchMaxBytesPerPartition),
    /**
     * The longest a fetch waits for new records, in milliseconds. kafkajs also sleeps this long
     * when none of its partitions can be fetched, as after every assignment while the sink reads
     * the stored offsets: the sink starts (and resumes after a rebalance) that much later. Records
     * arriving end a waiting fetch at once, so lower costs only more requests on an idle topic.
     * @defaultValue `100` ms
     */
    fetchMaxWaitMs: z.int().min(0).max(60_000).default(ORDER_SINK_DEFAULTS.fetchMaxWaitMs),
    /**
     * The window of the records-per-second metric, in milliseconds.
     * @defaultValue `10000` ms
     */
    metricsWindowMs: z.int().min(100).default(ORDER_SINK_DEFAULTS.metricsWindowMs),
    /**
     * An event whose `event_time` is older than this, in milliseconds before the clock, is
     * dead-lettered (`KAFKA_MESSAGE_INVALID`, field `event_time`): a time in 1970 would skew the
     * latency metric and the time buckets. Raise it to sink a replay of historical event times.
     * @defaultValue `31536000000` ms (365 days)
     */
    maxEventAgeMs: z.int().min(0).default(ORDER_SINK_DEFAULTS.maxEventAgeMs),
    /**
     * ... or later than this, in milliseconds after the clock (producers' clocks drift a little).
     * @defaultValue `86400000` ms (one day)
     */
    maxEventAheadMs: z.int().min(0).default(ORDER_SINK_DEFAULTS.maxEventAheadMs),
    /**
     * The time source of batching, `ingested_at`, `x-failed-at`, latency and the `event_time` window.
     * @defaultValue `systemClock`
     */
    clock: clockSchema.default(systemClock),
  })
  .strict()
  .refine((o) => o.brokers !== undefined || o.clientFactory !== undefined, {
    message: 'give brokers or clientFactory',
    path: ['brokers'],
  })
  .refine((o) => o.topic !== o.deadLetterTopic, {
    message: 'the dead-letter topic must differ from the consumed topic',
    path: ['deadLetterTopic'],
  });

/**
 * Options of `createOrderSink`.
 *
 * @interface
 */
export type OrderSinkOptions = z.input<typeof orderSinkOptionsSchema>;
/** {@link OrderSinkOptions} with every default filled in. */
export type ResolvedOrderSinkOptions = z.output<typeof orderSinkOptionsSchema>;
