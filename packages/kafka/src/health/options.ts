import { z } from 'zod';
import { systemClock } from '../clock/clock.js';
import { deadLetterTopicFor } from '../dead-letters/topic-names.js';
import {
  brokersSchema,
  clientFactorySchema,
  clockSchema,
  topicNameSchema,
} from '../internal/shared-schemas.js';

/** The defaults of {@link ConsumerGroupHealthOptions}. */
export const CONSUMER_GROUP_HEALTH_DEFAULTS = {
  clientId: 'orderstream-health',
  topic: 'orders',
  deadLetterTopic: deadLetterTopicFor('orders'),
  deadLetterWindowMs: 300_000,
  progressWindowMs: 0,
  pollIntervalMs: 1_000,
  timeoutMs: 30_000,
} as const;

/** The zod schema of {@link ConsumerGroupHealthOptions}. */
export const consumerGroupHealthOptionsSchema = z
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
     * The client id the brokers see.
     * @defaultValue `'orderstream-health'`
     */
    clientId: z.string().min(1).default(CONSUMER_GROUP_HEALTH_DEFAULTS.clientId),
    /**
     * The topic the group consumes.
     * @defaultValue `'orders'`
     */
    topic: topicNameSchema.default(CONSUMER_GROUP_HEALTH_DEFAULTS.topic),
    /** The consumer group, e.g. the sink's `orderstream-sink`. */
    groupId: z.string().min(1).max(255),
    /**
     * The dead-letter topic of `topic`.
     * @defaultValue `'orders.dlq'`
     */
    deadLetterTopic: topicNameSchema.default(CONSUMER_GROUP_HEALTH_DEFAULTS.deadLetterTopic),
    /**
     * How far back dead letters are counted (and repeats looked for), in milliseconds.
     * @defaultValue `300000` ms (5 minutes)
     */
    deadLetterWindowMs: z.int().min(1).default(CONSUMER_GROUP_HEALTH_DEFAULTS.deadLetterWindowMs),
    /**
     * How long to watch the group for progress and restarts, in milliseconds: the committed
     * offsets are read at the start and the end, the members every `pollIntervalMs` in between.
     * `0` takes one snapshot (no `progress`, no `membership`). Not waited for when the group has
     * no lag at the start: there is nothing to make progress on.
     * @defaultValue `0` ms
     */
    progressWindowMs: z.int().min(0).max(3_600_000).default(CONSUMER_GROUP_HEALTH_DEFAULTS.progressWindowMs),
    /**
     * How often the group's members are read during the window, in milliseconds.
     * @defaultValue `1000` ms
     */
    pollIntervalMs: z.int().min(10).default(CONSUMER_GROUP_HEALTH_DEFAULTS.pollIntervalMs),
    /**
     * The longest to read the dead letters of the window, in milliseconds.
     * @defaultValue `30000` ms
     */
    timeoutMs: z.int().positive().default(CONSUMER_GROUP_HEALTH_DEFAULTS.timeoutMs),
    /**
     * The time source of the window and its wait.
     * @defaultValue `systemClock`
     */
    clock: clockSchema.default(systemClock),
  })
  .strict()
  .refine((o) => o.brokers !== undefined || o.clientFactory !== undefined, {
    message: 'give brokers or clientFactory',
    path: ['brokers'],
  });

/**
 * Options of `readConsumerGroupHealth`.
 *
 * @interface
 */
export type ConsumerGroupHealthOptions = z.input<typeof consumerGroupHealthOptionsSchema>;
/** {@link ConsumerGroupHealthOptions} with every default filled in. */
export type ResolvedConsumerGroupHealthOptions = z.output<typeof consumerGroupHealthOptionsSchema>;
