import type { OrderEvent } from '@orderstream/core';
import { z } from 'zod';
import type { KafkaLogger } from '../client/kafka-logger.js';
import { brokersSchema, clientFactorySchema, topicNameSchema } from '../internal/shared-schemas.js';

/** Where a consumed order event came from, handed to the handler with the event. */
export interface OrderRecordPosition {
  readonly topic: string;
  readonly partition: number;
  /** The record's offset, as a decimal string. */
  readonly offset: string;
  /** The record's timestamp, in milliseconds since the epoch. */
  readonly timestampMs: number;
}

/**
 * Handles one valid order event. The consumer commits a record's offset only after the handler
 * resolved for it and every record before it (at-least-once): after a crash or a rebalance a
 * record may be handled again, never skipped. A handler that throws (or whose promise rejects)
 * stops the consumer. What it returns is otherwise ignored (a promise is waited for).
 */
export type OrderHandler = (event: OrderEvent, position: OrderRecordPosition) => unknown;

/** The defaults of {@link OrderConsumerOptions}. */
export const ORDER_CONSUMER_DEFAULTS = {
  clientId: 'orderstream-consumer',
  topic: 'orders',
  fromBeginning: false,
  maxMessageBytes: 1024 * 1024,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  fetchMaxBytes: 8 * 1024 * 1024,
  fetchMaxBytesPerPartition: 1024 * 1024,
  fetchMaxWaitMs: 500,
  partitionsConsumedConcurrently: 1,
} as const;

const loggerSchema = z.custom<KafkaLogger>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as KafkaLogger).warn === 'function' &&
    typeof (value as KafkaLogger).error === 'function',
  'expected a logger with warn() and error()',
);

/** The zod schema of {@link OrderConsumerOptions}. */
export const orderConsumerOptionsSchema = z
  .object({
    /**
     * Bootstrap brokers, `host:port`. Give this or `clientFactory`.
     * @defaultValue none
     */
    brokers: brokersSchema.optional(),
    /**
     * Makes the Kafka connection; wins over `brokers`.
     * @defaultValue a kafkajs factory on `brokers`
     */
    clientFactory: clientFactorySchema.optional(),
    /**
     * The client id the brokers see.
     * @defaultValue `'orderstream-consumer'`
     */
    clientId: z.string().min(1).default(ORDER_CONSUMER_DEFAULTS.clientId),
    /**
     * The topic to consume.
     * @defaultValue `'orders'`
     */
    topic: topicNameSchema.default(ORDER_CONSUMER_DEFAULTS.topic),
    /**
     * The consumer group. Use one of your own: a group shares its partitions among its members, so
     * joining the warehouse sink's group (`orderstream-sink`) would take partitions away from it.
     */
    groupId: z.string().min(1).max(255),
    /** Called with each valid order event, in offset order per partition. */
    onOrder: z.custom<OrderHandler>((value) => typeof value === 'function', 'expected a function'),
    /**
     * Where a partition with no committed offset starts: the earliest record (`true`) or the next
     * new one.
     * @defaultValue `false`
     */
    fromBeginning: z.boolean().default(ORDER_CONSUMER_DEFAULTS.fromBeginning),
    /**
     * Record values larger than this, in bytes, are reported invalid (`KAFKA_MESSAGE_OVERSIZE`).
     * @defaultValue `1048576` bytes (1 MiB)
     */
    maxMessageBytes: z.int().min(1).default(ORDER_CONSUMER_DEFAULTS.maxMessageBytes),
    /**
     * Milliseconds without heartbeat after which the group evicts this member.
     * @defaultValue `30000` ms
     */
    sessionTimeoutMs: z.int().min(1000).default(ORDER_CONSUMER_DEFAULTS.sessionTimeoutMs),
    /**
     * Milliseconds between heartbeats, also while a long batch is handled.
     * @defaultValue `3000` ms
     */
    heartbeatIntervalMs: z.int().min(100).default(ORDER_CONSUMER_DEFAULTS.heartbeatIntervalMs),
    /**
     * The most bytes one fetch returns.
     * @defaultValue `8388608` bytes (8 MiB)
     */
    fetchMaxBytes: z.int().min(1024).default(ORDER_CONSUMER_DEFAULTS.fetchMaxBytes),
    /**
     * The most bytes one fetch returns per partition.
     * @defaultValue `1048576` bytes (1 MiB)
     */
    fetchMaxBytesPerPartition: z.int().min(1024).default(ORDER_CONSUMER_DEFAULTS.fetchMaxBytesPerPartition),
    /**
     * The longest a fetch waits for new records, in milliseconds.
     * @defaultValue `500` ms
     */
    fetchMaxWaitMs: z.int().min(0).max(60_000).default(ORDER_CONSUMER_DEFAULTS.fetchMaxWaitMs),
    /**
     * Partitions handled at the same time (the handler may then run concurrently for different
     * partitions; within a partition it always runs in offset order).
     * @defaultValue `1`
     */
    partitionsConsumedConcurrently: z
      .int()
      .min(1)
      .max(64)
      .default(ORDER_CONSUMER_DEFAULTS.partitionsConsumedConcurrently),
    /**
     * Where invalid records (when nobody listens to the `invalid` event), a failing handler (when
     * nobody listens to `error`) and the Kafka client's own warnings are reported.
     * @defaultValue text lines on stderr
     */
    logger: loggerSchema.optional(),
  })
  .strict()
  .refine((o) => o.brokers !== undefined || o.clientFactory !== undefined, {
    message: 'give brokers or clientFactory',
    path: ['brokers'],
  });

/**
 * Options of `createOrderConsumer`.
 *
 * @interface
 */
export type OrderConsumerOptions = z.input<typeof orderConsumerOptionsSchema>;
/** {@link OrderConsumerOptions} with every default filled in. */
export type ResolvedOrderConsumerOptions = z.output<typeof orderConsumerOptionsSchema>;
