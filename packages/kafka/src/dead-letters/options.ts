import { z } from 'zod';
import { brokersSchema, clientFactorySchema, topicNameSchema } from '../internal/shared-schemas.js';
import { DEFAULT_ORDERS_TOPIC, deadLetterTopicFor } from './topic-names.js';

/** The defaults of {@link ReadDeadLettersOptions} and {@link ReplayDeadLettersOptions}. */
export const DEAD_LETTERS_DEFAULTS = {
  clientId: 'orderstream-dlq',
  topic: DEFAULT_ORDERS_TOPIC,
  deadLetterTopic: deadLetterTopicFor(DEFAULT_ORDERS_TOPIC),
  timeoutMs: 60_000,
  all: false,
  dryRun: false,
} as const;

const connectionShape = {
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
   * @defaultValue `'orderstream-dlq'`
   */
  clientId: z.string().min(1).default(DEAD_LETTERS_DEFAULTS.clientId),
  /**
   * The dead-letter topic.
   * @defaultValue `'orders.dlq'`
   */
  deadLetterTopic: topicNameSchema.default(DEAD_LETTERS_DEFAULTS.deadLetterTopic),
  /**
   * The longest to wait for the end of the topics, in milliseconds.
   * @defaultValue `60000` ms
   */
  timeoutMs: z.int().positive().default(DEAD_LETTERS_DEFAULTS.timeoutMs),
};

const brokersOrFactory = {
  check: (o: { brokers?: unknown; clientFactory?: unknown }) =>
    o.brokers !== undefined || o.clientFactory !== undefined,
  message: { message: 'give brokers or clientFactory', path: ['brokers'] as string[] },
};

/** The zod schema of {@link ReadDeadLettersOptions}. */
export const readDeadLettersOptionsSchema = z
  .object({
    ...connectionShape,
    /**
     * Only dead letters written at or after this time, in milliseconds since the epoch.
     * @defaultValue the whole topic
     */
    sinceMs: z.number().int().min(0).optional(),
  })
  .strict()
  .refine(brokersOrFactory.check, brokersOrFactory.message);

/**
 * Options of `readDeadLetters`.
 *
 * @interface
 */
export type ReadDeadLettersOptions = z.input<typeof readDeadLettersOptionsSchema>;
/** {@link ReadDeadLettersOptions} with every default filled in. */
export type ResolvedReadDeadLettersOptions = z.output<typeof readDeadLettersOptionsSchema>;

/** The zod schema of {@link ReplayDeadLettersOptions}. */
export const replayDeadLettersOptionsSchema = z
  .object({
    ...connectionShape,
    /**
     * The topic to re-publish to.
     * @defaultValue `'orders'`
     */
    topic: topicNameSchema.default(DEAD_LETTERS_DEFAULTS.topic),
    /**
     * The compacted topic recording replayed dead-letter positions.
     * @defaultValue `'<deadLetterTopic>.replayed'`
     */
    markerTopic: topicNameSchema.optional(),
    /**
     * Only dead letters with this `x-error-code`.
     * @defaultValue every code
     */
    code: z.string().min(1).optional(),
    /**
     * Replay every dead letter with a value, not only those that now pass `orderEventSchema`.
     * @defaultValue `false`
     */
    all: z.boolean().default(DEAD_LETTERS_DEFAULTS.all),
    /**
     * Report what would be replayed; publish nothing.
     * @defaultValue `false`
     */
    dryRun: z.boolean().default(DEAD_LETTERS_DEFAULTS.dryRun),
  })
  .strict()
  .refine(brokersOrFactory.check, brokersOrFactory.message);

/**
 * Options of `replayDeadLetters`.
 *
 * @interface
 */
export type ReplayDeadLettersOptions = z.input<typeof replayDeadLettersOptionsSchema>;
/** {@link ReplayDeadLettersOptions} with every default filled in. */
export type ResolvedReplayDeadLettersOptions = z.output<typeof replayDeadLettersOptionsSchema>;
