import { z } from 'zod';
import { systemClock } from '../clock/clock.js';
import {
  brokersSchema,
  clientFactorySchema,
  clockSchema,
  topicNameSchema,
} from '../internal/shared-schemas.js';

/** The defaults of {@link OrderProducerOptions}. */
export const ORDER_PRODUCER_DEFAULTS = {
  topic: 'orders',
  clientId: 'orderstream-producer',
  compression: 'gzip',
  batchSize: 500,
  sendsPerSecondAtRate: 20,
  retries: 10,
  retryMinTimeoutMs: 250,
  retryMaxTimeoutMs: 10_000,
} as const;

/** The zod schema of {@link OrderProducerOptions}. */
export const orderProducerOptionsSchema = z
  .object({
    /**
     * Bootstrap brokers, `host:port`. Give this or `clientFactory`.
     * @defaultValue none
     */
    brokers: brokersSchema.optional(),
    /**
     * Makes the Kafka connection (see `createKafkaJsClientFactory`); wins over `brokers`.
     * @defaultValue a kafkajs factory on `brokers`
     */
    clientFactory: clientFactorySchema.optional(),
    /**
     * The client id the brokers see.
     * @defaultValue `'orderstream-producer'`
     */
    clientId: z.string().min(1).default(ORDER_PRODUCER_DEFAULTS.clientId),
    /**
     * The topic to publish to.
     * @defaultValue `'orders'`
     */
    topic: topicNameSchema.default(ORDER_PRODUCER_DEFAULTS.topic),
    /**
     * Record batch compression. gzip is built into kafkajs (no native add-on needed).
     * @defaultValue `'gzip'`
     */
    compression: z.enum(['gzip', 'none']).default(ORDER_PRODUCER_DEFAULTS.compression),
    /**
     * The most events one `send` request carries when sending a stream.
     * @defaultValue `500` events
     */
    batchSize: z.int().min(1).max(100_000).default(ORDER_PRODUCER_DEFAULTS.batchSize),
    /**
     * The most events a second (token bucket); unset sends as fast as the brokers acknowledge.
     * With a rate, streams are sent in about 20 requests a second so the flow stays smooth.
     * @defaultValue unlimited
     */
    ratePerSecond: z.number().positive().max(10_000_000).optional(),
    /**
     * The most events the bucket saves up while idle (the burst a rate allows).
     * @defaultValue 50 ms worth of `ratePerSecond` events (one send of a stream), at least 1
     */
    burst: z.int().min(1).optional(),
    /**
     * Retries of a send the brokers did not acknowledge for a transient reason (unreachable,
     * timed out, leader moving), after the client's own retries, with exponential backoff. The
     * same records go through the same idempotent producer, so a request that landed unanswered
     * is not written twice; with several brokers, records of a send that some brokers had already
     * acknowledged may be (the sink's `writeMode: 'upsert'` absorbs that). With the defaults a send
     * outlives about a minute of outage.
     * @defaultValue `10` retries
     */
    retries: z.int().min(0).max(100).default(ORDER_PRODUCER_DEFAULTS.retries),
    /**
     * The first retry delay, in milliseconds.
     * @defaultValue `250` ms
     */
    retryMinTimeoutMs: z.int().min(0).default(ORDER_PRODUCER_DEFAULTS.retryMinTimeoutMs),
    /**
     * The longest retry delay, in milliseconds.
     * @defaultValue `10000` ms
     */
    retryMaxTimeoutMs: z.int().min(0).default(ORDER_PRODUCER_DEFAULTS.retryMaxTimeoutMs),
    /**
     * The time source of the rate control.
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
 * Options of `createOrderProducer`.
 *
 * @interface
 */
export type OrderProducerOptions = z.input<typeof orderProducerOptionsSchema>;
/** {@link OrderProducerOptions} with every default filled in. */
export type ResolvedOrderProducerOptions = z.output<typeof orderProducerOptionsSchema>;
