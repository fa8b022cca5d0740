import { isOrderstreamError, resolveOptions } from '@orderstream/core';
import { EventEmitter } from 'eventemitter3';
import type { BatchContext, ConsumedBatch, ConsumerClient } from '../client/kafka-client.js';
import type { KafkaLogger } from '../client/kafka-logger.js';
import { stderrKafkaLogger } from '../client/kafka-logger.js';
import { createKafkaJsClientFactory } from '../client/kafkajs-client-factory.js';
import type { KafkaError } from '../errors/kafka-error-codes.js';
import { kafkaError } from '../errors/kafka-error-codes.js';
import { decodeOrderRecord } from '../internal/decode-order-record.js';
import type { InvalidOrderRecord, OrderConsumerEvents, OrderConsumerStats } from './events.js';
import type { OrderConsumerOptions, ResolvedOrderConsumerOptions } from './options.js';
import { orderConsumerOptionsSchema } from './options.js';

type ConsumerState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/**
 * A consumer-group member that hands typed, validated order events to your handler: the way to
 * embed the alert detectors (or anything else) in a service of your own without touching kafkajs.
 *
 * - **Validated**: each record goes through the same checks as the sink (size, strict UTF-8, JSON,
 *   `orderEventSchema`, key and headers against the event). An invalid record is reported with its
 *   position and reason through the `invalid` event (or the logger, when nobody listens), counted,
 *   and skipped — never dropped silently.
 * - **At-least-once**: offsets are committed per partition batch, only up to the last record whose
 *   handler resolved. A handler that throws stops the consumer (the `error` event, and
 *   {@link OrderConsumer.wait} rejects); its record and those after it are consumed again on restart.
 *
 * @example
 * ```ts
 * const engine = createAlertEngine();
 * const consumer = createOrderConsumer({
 *   brokers: ['127.0.0.1:9092'],
 *   groupId: 'my-alerts',
 *   onOrder: (event) => engine.ingest(event),
 * });
 * await consumer.start();
 * process.once('SIGTERM', () => void consumer.stop());
 * ```
 */
export class OrderConsumer extends EventEmitter<OrderConsumerEvents> {
  readonly #o: ResolvedOrderConsumerOptions;
  readonly #client: ConsumerClient;
  readonly #logger: KafkaLogger;
  #state: ConsumerState = 'new';
  #orders = 0;
  #invalid = 0;
  #batches = 0;
  #done: Promise<void>;
  #resolveDone!: () => void;
  #rejectDone!: (error: unknown) => void;

  /**
   * @param options - brokers or a client factory, topic, group and handler
   * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for invalid options
   */
  constructor(options: OrderConsumerOptions) {
    super();
    this.#o = resolveOptions('OrderConsumer', orderConsumerOptionsSchema, options);
    this.#logger = this.#o.logger ?? stderrKafkaLogger;
    const factory =
      this.#o.clientFactory ??
      createKafkaJsClientFactory({
        brokers: this.#o.brokers ?? [],
        clientId: this.#o.clientId,
        logger: this.#logger,
      });
    this.#client = factory.consumer({
      groupId: this.#o.groupId,
      sessionTimeoutMs: this.#o.sessionTimeoutMs,
      heartbeatIntervalMs: this.#o.heartbeatIntervalMs,
      fetchMaxBytes: this.#o.fetchMaxBytes,
      fetchMaxBytesPerPartition: this.#o.fetchMaxBytesPerPartition,
      fetchMaxWaitMs: this.#o.fetchMaxWaitMs,
    });
    this.#done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    this.#done.catch(() => undefined);
  }

  /** The resolved options. */
  get options(): ResolvedOrderConsumerOptions {
    return this.#o;
  }

  /**
   * Connects, joins the group and starts consuming; resolves once the consumer loop runs.
   *
   * @throws `OrderstreamError` `KAFKA_CONSUMER_FAILED` when called twice
   * @throws `OrderstreamError` `KAFKA_CONNECTION_FAILED` when the brokers cannot be reached
   */
  async start(): Promise<void> {
    if (this.#state !== 'new')
      throw kafkaError('KAFKA_CONSUMER_FAILED', `OrderConsumer.start() called in state ${this.#state}`);
    this.#state = 'starting';
    try {
      await this.#client.connect();
      await this.#client.subscribe({ topic: this.#o.topic, fromBeginning: this.#o.fromBeginning });
      this.#state = 'running';
      await this.#client.run(
        {
          eachBatch: (batch, context) => this.#eachBatch(batch, context),
          onAssignment: () => undefined,
          onCrash: (error, restarting) => {
            if (!restarting) void this.#fail(error, 'the Kafka consumer crashed');
          },
        },
        { partitionsConsumedConcurrently: this.#o.partitionsConsumedConcurrently },
      );
    } catch (error) {
      this.#state = 'failed';
      await this.#client.disconnect().catch(() => undefined);
      const wrapped = isOrderstreamError(error)
        ? (error as KafkaError)
        : kafkaError('KAFKA_CONNECTION_FAILED', `Cannot start the consumer: ${(error as Error).message}`, {
            cause: error,
            details: { topic: this.#o.topic, groupId: this.#o.groupId },
            retryable: true,
          });
      this.#rejectDone(wrapped);
      throw wrapped;
    }
  }

  /**
   * Stops fetching, waits for the batch being handled (its offsets are committed), leaves the
   * group and disconnects. Idempotent.
   *
   * @returns once stopped
   */
  async stop(): Promise<void> {
    if (this.#state === 'new') {
      this.#state = 'stopped';
      this.#resolveDone();
    }
    if (this.#state === 'stopped' || this.#state === 'failed' || this.#state === 'stopping')
      return this.#done.catch(() => undefined);
    this.#state = 'stopping';
    await this.#client.stop().catch(() => undefined);
    await this.#client.disconnect().catch(() => undefined);
    this.#state = 'stopped';
    this.#resolveDone();
  }

  /**
   * Resolves when the consumer stopped after {@link OrderConsumer.stop}; rejects when it stopped
   * on an error.
   *
   * @throws `OrderstreamError` `KAFKA_CONSUMER_FAILED` when the handler threw (the cause is attached)
   *   or the client crashed for good
   */
  wait(): Promise<void> {
    return this.#done;
  }

  /**
   * The running totals.
   *
   * @returns orders handled, invalid records reported, batches committed
   */
  stats(): OrderConsumerStats {
    return { orders: this.#orders, invalid: this.#invalid, batches: this.#batches };
  }

  async #eachBatch(batch: ConsumedBatch, context: BatchContext): Promise<void> {
    if (this.#state !== 'running') return;
    const { topic, partition } = batch;
    let next: string | null = null;
    let orders = 0;
    let invalid = 0;
    let lastBeat = Date.now();
    let failure: unknown = null;
    for (const record of batch.records) {
      if (this.#state !== 'running') break;
      const decoded = decodeOrderRecord(record.value, this.#o.maxMessageBytes, {
        key: record.key,
        ...(record.headers ? { headers: record.headers } : {}),
      });
      if (decoded.ok) {
        try {
          await this.#o.onOrder(decoded.event, {
            topic,
            partition,
            offset: record.offset,
            timestampMs: Number(record.timestamp),
          });
        } catch (error) {
          failure = error;
          break;
        }
        orders += 1;
      } else {
        invalid += 1;
        this.#report({
          topic,
          partition,
          offset: record.offset,
          code: decoded.code,
          reason: decoded.reason,
          field: decoded.field,
        });
      }
      next = (BigInt(record.offset) + 1n).toString();
      if (Date.now() - lastBeat >= this.#o.heartbeatIntervalMs) {
        lastBeat = Date.now();
        // Rejects while the group rebalances: the commit below is then refused, and the new
        // owner of the partition consumes these records again (at-least-once).
        await context.heartbeat().catch(() => undefined);
      }
    }
    this.#orders += orders;
    this.#invalid += invalid;
    let committedOffset: string | null = null;
    if (next !== null) {
      try {
        if (await this.#client.commitOffsets([{ topic, partition, offset: next }])) committedOffset = next;
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== null) {
      await this.#fail(failure, `the handler failed at ${topic}/${partition}`);
      return;
    }
    if (next === null) return;
    this.#batches += 1;
    this.emit('batch', { topic, partition, orders, invalid, committedOffset });
  }

  #report(record: InvalidOrderRecord): void {
    if (this.listenerCount('invalid') > 0) {
      this.emit('invalid', record);
      return;
    }
    this.#logger.warn(
      `skipped an invalid order event at ${record.topic}/${record.partition}@${record.offset}: ${record.code} ${record.reason}`,
      { event: 'invalid-order', ...record },
    );
  }

  async #fail(error: unknown, what: string): Promise<void> {
    if (this.#state === 'failed' || this.#state === 'stopped') return;
    this.#state = 'failed';
    const wrapped = kafkaError(
      'KAFKA_CONSUMER_FAILED',
      `Consumer ${this.#o.groupId} on ${this.#o.topic} stopped: ${what}: ${(error as Error)?.message ?? String(error)}`,
      { cause: error, details: { topic: this.#o.topic, groupId: this.#o.groupId } },
    );
    if (this.listenerCount('error') > 0) this.emit('error', wrapped);
    else this.#logger.error(wrapped.message, { event: 'consumer-failed', code: wrapped.code });
    // Stopping from inside a batch handler would wait for that handler: let it return first.
    setImmediate(() => {
      void (async () => {
        await this.#client.stop().catch(() => undefined);
        await this.#client.disconnect().catch(() => undefined);
        this.#rejectDone(wrapped);
      })();
    });
  }
}

/**
 * Creates an {@link OrderConsumer}.
 *
 * @param options - brokers or a client factory, topic, group and handler
 * @returns the consumer, not yet started
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for invalid options
 * @example
 * ```ts
 * const consumer = createOrderConsumer({
 *   brokers: ['127.0.0.1:9092'],
 *   groupId: 'order-mailer',
 *   onOrder: async (event) => sendReceipt(event.order.order_id),
 * });
 * consumer.on('invalid', (r) => console.warn(`${r.topic}/${r.partition}@${r.offset}: ${r.reason}`));
 * await consumer.start();
 * ```
 */
export function createOrderConsumer(options: OrderConsumerOptions): OrderConsumer {
  return new OrderConsumer(options);
}
