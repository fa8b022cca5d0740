import { z } from 'zod';
import { DEFAULT_ORDERS_TOPIC, deadLetterTopicFor } from '../dead-letters/topic-names.js';
import { brokersSchema, clientFactorySchema, topicNameSchema } from '../internal/shared-schemas.js';

/** The defaults of {@link EnsureTopicsOptions}. */
export const ENSURE_TOPICS_DEFAULTS = {
  ordersTopic: DEFAULT_ORDERS_TOPIC,
  deadLetterTopic: deadLetterTopicFor(DEFAULT_ORDERS_TOPIC),
  partitions: 3,
  deadLetterPartitions: 1,
  replicationFactor: 1,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  deadLetterRetentionMs: 30 * 24 * 60 * 60 * 1000,
  maxMessageBytes: 8 * 1024 * 1024,
} as const;

/** The zod schema of {@link EnsureTopicsOptions}. */
export const ensureTopicsOptionsSchema = z
  .object({
    /**
     * Bootstrap brokers, `host:port`. Give this or `clientFactory`.
     * @defaultValue none
     */
    brokers: brokersSchema.optional(),
    /**
     * Makes the admin connection; wins over `brokers`.
     * @defaultValue a kafkajs factory on `brokers`
     */
    clientFactory: clientFactorySchema.optional(),
    /**
     * The orders topic.
     * @defaultValue `'orders'`
     */
    ordersTopic: topicNameSchema.default(ENSURE_TOPICS_DEFAULTS.ordersTopic),
    /**
     * The dead-letter topic.
     * @defaultValue `'orders.dlq'`
     */
    deadLetterTopic: topicNameSchema.default(ENSURE_TOPICS_DEFAULTS.deadLetterTopic),
    /**
     * Partitions of the orders topic (the most sink instances that can share the work).
     * @defaultValue `3` partitions
     */
    partitions: z.int().min(1).max(10_000).default(ENSURE_TOPICS_DEFAULTS.partitions),
    /**
     * Partitions of the dead-letter topic.
     * @defaultValue `1` partition
     */
    deadLetterPartitions: z.int().min(1).max(10_000).default(ENSURE_TOPICS_DEFAULTS.deadLetterPartitions),
    /**
     * Replicas of each partition (1 for a single dev broker; 3 in production).
     * @defaultValue `1` replica
     */
    replicationFactor: z.int().min(1).max(32).default(ENSURE_TOPICS_DEFAULTS.replicationFactor),
    /**
     * How long the orders topic keeps records, in milliseconds (`retention.ms`); `-1` keeps forever.
     * @defaultValue `604800000` ms (7 days)
     */
    retentionMs: z.int().min(-1).default(ENSURE_TOPICS_DEFAULTS.retentionMs),
    /**
     * How long the dead-letter topic keeps records, in milliseconds; `-1` keeps forever.
     * @defaultValue `2592000000` ms (30 days)
     */
    deadLetterRetentionMs: z.int().min(-1).default(ENSURE_TOPICS_DEFAULTS.deadLetterRetentionMs),
    /**
     * The largest record batch both topics accept, in bytes (`max.message.bytes`). Large enough
     * that an oversize order (rejected by the sink) can still be dead-lettered intact.
     * @defaultValue `8388608` bytes (8 MiB)
     */
    maxMessageBytes: z.int().min(1024).default(ENSURE_TOPICS_DEFAULTS.maxMessageBytes),
    /**
     * Throw `KAFKA_TOPIC_MISMATCH` when an existing topic has another partition count, instead of
     * only reporting it.
     * @defaultValue `false`
     */
    failOnMismatch: z.boolean().default(false),
  })
  .strict()
  .refine((o) => o.brokers !== undefined || o.clientFactory !== undefined, {
    message: 'give brokers or clientFactory',
    path: ['brokers'],
  })
  .refine((o) => o.ordersTopic !== o.deadLetterTopic, {
    message: 'the dead-letter topic must differ from the orders topic',
    path: ['deadLetterTopic'],
  });

/**
 * Options of `ensureTopics`.
 *
 * @interface
 */
export type EnsureTopicsOptions = z.input<typeof ensureTopicsOptionsSchema>;
/** {@link EnsureTopicsOptions} with every default filled in. */
export type ResolvedEnsureTopicsOptions = z.output<typeof ensureTopicsOptionsSchema>;
