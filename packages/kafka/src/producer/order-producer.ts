import type { OrderEvent, OrderstreamError } from '@orderstream/core';
import { isOrderstreamError, resolveOptions, untilAborted, withRetry } from '@orderstream/core';
import { EventEmitter } from 'eventemitter3';
import type {
  KafkaClientFactory,
  OutgoingRecord,
  ProducerClient,
  RecordPosition,
} from '../client/kafka-client.js';
import { createKafkaJsClientFactory, isTransientSendError } from '../client/kafkajs-client-factory.js';
import { kafkaError } from '../errors/kafka-error-codes.js';
import { TokenBucket } from '../internal/token-bucket.js';
import { withAdmin } from '../internal/with-admin.js';
import { encodeOrderEvent } from './encode-order-event.js';
import type { OrderProducerOptions, ResolvedOrderProducerOptions } from './options.js';
import { ORDER_PRODUCER_DEFAULTS, orderProducerOptionsSchema } from './options.js';

/** What one acknowledged send wrote. */
export interface SendResult {
  /** Events written. */
  readonly count: number;
  /** Bytes of JSON values written (before compression). */
  readonly bytes: number;
  /** Where they landed, one entry per partition. */
  readonly positions: readonly RecordPosition[];
}

/** Totals since the producer was created. */
export interface OrderProducerStats {
  /** Events acknowledged by the brokers. */
  readonly sent: number;
  /** Bytes of JSON values acknowledged. */
  readonly bytes: number;
  /** Send requests acknowledged. */
  readonly requests: number;
}

/** Options of {@link OrderProducer.connect}. */
export interface ProducerConnectOptions {
  /** Stops connecting: `connect` then rejects at once, and the client stops trying. */
  readonly signal?: AbortSignal;
}

/** Options of {@link OrderProducer.sendStream}. */
export interface SendStreamOptions {
  /** Stops after this many events. */
  readonly limit?: number;
  /** Stops reading the stream (events already sent stay sent). */
  readonly signal?: AbortSignal;
}

/** The events of an {@link OrderProducer}. */
export interface OrderProducerEvents {
  /** A send was acknowledged. */
  sent: (info: { topic: string; count: number; bytes: number; total: number }) => void;
  /** A send failed for a transient reason and is retried (see the `retries` option). */
  retry: (error: OrderstreamError, info: { attempt: number; retriesLeft: number }) => void;
}

/**
 * Publishes order events to Kafka: validated against `orderEventSchema`, keyed by order id,
 * JSON with schema-version/event-type/content-type headers, through an idempotent producer with
 * `acks=-1` (all in-sync replicas) and gzip compression, optionally rate-limited.
 *
 * Events are sent with the `event_id` they carry: the idempotency key every reader de-duplicates
 * on. A seeded `createOrderEventStream` gives the same ids for the same seed, so sending it again
 * is a replay that counts once; a new run of new orders needs a new seed (the `orderstream produce`
 * CLI picks a random one unless `--seed` is given, and prints it).
 *
 * @example
 * ```ts
 * const producer = createOrderProducer({ brokers: ['127.0.0.1:9092'], ratePerSecond: 1000 });
 * await producer.connect();
 * await producer.sendStream(createOrderEventStream({ seed: 42 }), { limit: 10_000 });
 * await producer.disconnect();
 * ```
 */
export class OrderProducer extends EventEmitter<OrderProducerEvents> {
  readonly #options: ResolvedOrderProducerOptions;
  readonly #client: ProducerClient;
  readonly #factory: KafkaClientFactory;
  readonly #bucket: TokenBucket | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #connected = false;
  #sent = 0;
  #bytes = 0;
  #requests = 0;

  /**
   * @param options - brokers or a client factory, topic, compression and rate
   * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for invalid options
   */
  constructor(options: OrderProducerOptions) {
    super();
    this.#options = resolveOptions('OrderProducer', orderProducerOptionsSchema, options);
    const factory =
      this.#options.clientFactory ??
      createKafkaJsClientFactory({ brokers: this.#options.brokers ?? [], clientId: this.#options.clientId });
    this.#factory = factory;
    this.#client = factory.producer({ idempotent: true });
    const rate = this.#options.ratePerSecond;
    this.#bucket =
      rate === undefined
        ? undefined
        : new TokenBucket(
            rate,
            this.#options.burst ??
              Math.max(1, Math.ceil(rate / ORDER_PRODUCER_DEFAULTS.sendsPerSecondAtRate)),
            this.#options.clock,
          );
  }

  /** The resolved options. */
  get options(): ResolvedOrderProducerOptions {
    return this.#options;
  }

  /** Totals since creation. */
  get stats(): OrderProducerStats {
    return { sent: this.#sent, bytes: this.#bytes, requests: this.#requests };
  }

  /**
   * Connects to the brokers and checks that the topic exists.
   *
   * @param options - `signal` stops the attempt: while the brokers cannot be reached the client
   *   keeps trying for a while (kafkajs: about a minute), and a stopping program should not wait
   * @throws `OrderstreamError` `KAFKA_CONNECTION_FAILED` when they cannot be reached or the signal
   *   stopped the attempt ("Stopped while connecting"), `KAFKA_TOPIC_MISSING` when the topic does
   *   not exist
   */
  async connect(options: ProducerConnectOptions = {}): Promise<void> {
    if (this.#connected) return;
    const { signal } = options;
    try {
      await untilAborted(this.#client.connect(), signal);
      await untilAborted(this.#checkTopic(), signal);
    } catch (error) {
      // Ends the client's attempt too, if it is still trying.
      await this.#client.disconnect().catch(() => undefined);
      if (signal?.aborted) {
        throw kafkaError(
          'KAFKA_CONNECTION_FAILED',
          'Stopped while connecting to the brokers: nothing was sent',
          {
            cause: signal.reason,
            details: { topic: this.#options.topic },
            retryable: true,
          },
        );
      }
      if (isOrderstreamError(error)) throw error;
      throw kafkaError(
        'KAFKA_CONNECTION_FAILED',
        `Cannot connect the producer: ${(error as Error).message}`,
        {
          cause: error,
          retryable: true,
        },
      );
    }
    this.#connected = true;
  }

  /**
   * Fails fast when the topic is missing: brokers never create it for a producer, and a send would
   * otherwise retry "unknown topic" until every retry is spent.
   */
  async #checkTopic(): Promise<void> {
    const { topic } = this.#options;
    let found: boolean;
    try {
      found = await withAdmin(this.#factory, async (admin) =>
        (await admin.describeTopics([topic])).some((t) => t.name === topic),
      );
    } catch (error) {
      throw kafkaError(
        'KAFKA_CONNECTION_FAILED',
        `Cannot look up topic "${topic}": ${(error as Error).message}`,
        {
          cause: error,
          details: { topic },
          retryable: true,
        },
      );
    }
    if (!found)
      throw kafkaError(
        'KAFKA_TOPIC_MISSING',
        `Topic "${topic}" does not exist: create it first (ensureTopics, or \`orderstream topics\`)`,
        { details: { topic }, retryable: false },
      );
  }

  /**
   * Validates and sends events in one request, waiting for the rate limit and for the
   * acknowledgement of all in-sync replicas. Nothing is sent when any event is invalid.
   *
   * @param events - one event or several
   * @returns what was written
   * @throws `OrderstreamError` `KAFKA_INVALID_EVENT` (with zod issues) before anything is sent
   * @throws `OrderstreamError` `KAFKA_PRODUCE_FAILED` when the brokers refuse, or stay unreachable through the `retries`
   */
  async send(
    events: OrderEvent | readonly OrderEvent[],
    options: { signal?: AbortSignal } = {},
  ): Promise<SendResult> {
    const list: readonly OrderEvent[] = Array.isArray(events) ? events : [events as OrderEvent];
    const records = list.map(encodeOrderEvent);
    await this.#bucket?.take(records.length, options.signal);
    return this.#sendRecords(records, options.signal);
  }

  /**
   * Sends a stream of events (e.g. the generator or a replay) in batches, at the configured rate.
   * With a rate, batches are small (about 20 a second) so the flow is smooth.
   *
   * @param events - a sync or async iterable of events
   * @param options - a limit and an abort signal
   * @returns the totals of this call
   * @throws `OrderstreamError` `KAFKA_INVALID_EVENT` on the first invalid event (events before
   *   it in earlier batches were sent)
   * @throws `OrderstreamError` `KAFKA_PRODUCE_FAILED` when the brokers refuse, or stay unreachable through the `retries`
   */
  async sendStream(
    events: Iterable<OrderEvent> | AsyncIterable<OrderEvent>,
    options: SendStreamOptions = {},
  ): Promise<{ sent: number; bytes: number }> {
    const rate = this.#options.ratePerSecond;
    const chunkSize =
      rate === undefined
        ? this.#options.batchSize
        : Math.max(
            1,
            Math.min(
              this.#options.batchSize,
              Math.floor(rate / ORDER_PRODUCER_DEFAULTS.sendsPerSecondAtRate),
            ),
          );
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const iterator =
      Symbol.asyncIterator in events
        ? (events as AsyncIterable<OrderEvent>)[Symbol.asyncIterator]()
        : (events as Iterable<OrderEvent>)[Symbol.iterator]();
    let sent = 0;
    let bytes = 0;
    let taken = 0;
    let inFlight: Promise<SendResult> | undefined;
    const settle = async () => {
      if (!inFlight) return;
      const done = await inFlight;
      inFlight = undefined;
      sent += done.count;
      bytes += done.bytes;
    };
    try {
      let exhausted = false;
      while (!exhausted && taken < limit && !options.signal?.aborted) {
        const want = Math.min(chunkSize, limit - taken);
        // Wait for the rate first and draw the events after, so their event times are fresh.
        await this.#bucket?.take(want, options.signal);
        const chunk: OutgoingRecord[] = [];
        while (chunk.length < want) {
          const next = await iterator.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          chunk.push(encodeOrderEvent(next.value));
        }
        taken += chunk.length;
        // At most one send pending: the next chunk is drawn and encoded while this one is in flight.
        await settle();
        if (chunk.length > 0) inFlight = this.#sendRecords(chunk, options.signal);
      }
      await settle();
    } finally {
      if (inFlight) await inFlight.catch(() => undefined);
      await iterator.return?.();
    }
    return { sent, bytes };
  }

  /** Flushes nothing (every send is acknowledged before it resolves) and disconnects. Idempotent. */
  async disconnect(): Promise<void> {
    await this.#chain.catch(() => undefined);
    if (!this.#connected) return;
    this.#connected = false;
    await this.#client.disconnect();
  }

  /**
   * One send, retried while the failure is transient; the same records each time. An abort ends
   * the waiting between attempts: the records count as not sent (`KAFKA_PRODUCE_FAILED`).
   */
  async #sendWithRetry(records: readonly OutgoingRecord[], signal?: AbortSignal): Promise<RecordPosition[]> {
    const { topic, compression, retries, retryMinTimeoutMs, retryMaxTimeoutMs } = this.#options;
    const attempt = async () => {
      try {
        return await this.#client.send({ topic, records, compression });
      } catch (error) {
        throw kafkaError(
          'KAFKA_PRODUCE_FAILED',
          `Sending ${records.length} events to ${topic} failed: ${(error as Error).message}`,
          { cause: error, details: { topic, count: records.length }, retryable: isTransientSendError(error) },
        );
      }
    };
    let last: unknown;
    try {
      return await withRetry(attempt, {
        retries,
        minTimeoutMs: retryMinTimeoutMs,
        maxTimeoutMs: retryMaxTimeoutMs,
        ...(signal ? { signal } : {}),
        onRetry: (error, attemptNumber, retriesLeft) => {
          last = error;
          this.emit('retry', error as OrderstreamError, { attempt: attemptNumber, retriesLeft });
        },
      });
    } catch (error) {
      if (!signal?.aborted || last === undefined) throw error;
      throw kafkaError(
        'KAFKA_PRODUCE_FAILED',
        `Stopped while retrying: ${records.length} events to ${topic} were not acknowledged (last failure: ${(last as Error).message})`,
        { cause: last, details: { topic, count: records.length }, retryable: true },
      );
    }
  }

  #sendRecords(records: readonly OutgoingRecord[], signal?: AbortSignal): Promise<SendResult> {
    const run = async (): Promise<SendResult> => {
      if (!this.#connected) await this.connect();
      const bytes = records.reduce(
        (sum, r) => sum + (typeof r.value === 'string' ? Buffer.byteLength(r.value) : 0),
        0,
      );
      const positions = await this.#sendWithRetry(records, signal);
      this.#sent += records.length;
      this.#bytes += bytes;
      this.#requests++;
      this.emit('sent', { topic: this.#options.topic, count: records.length, bytes, total: this.#sent });
      return { count: records.length, bytes, positions };
    };
    // One request at a time keeps the idempotent producer's sequence numbers in order.
    const next = this.#chain.then(run, run);
    this.#chain = next.catch(() => undefined);
    return next;
  }
}

/**
 * Creates an {@link OrderProducer}.
 *
 * @param options - brokers or a client factory, topic, compression and rate
 * @returns the producer (call `connect()` or just send)
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for invalid options
 * @example
 * ```ts
 * const producer = createOrderProducer({ brokers: ['127.0.0.1:9092'] });
 * await producer.send(event);
 * ```
 */
export function createOrderProducer(options: OrderProducerOptions): OrderProducer {
  return new OrderProducer(options);
}
