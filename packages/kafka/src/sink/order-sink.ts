import type { OrderstreamError } from '@orderstream/core';
import { isOrderstreamError, resolveOptions } from '@orderstream/core';
import { EventEmitter } from 'eventemitter3';
import type { AssignedPartitions, BatchContext, ConsumedBatch } from '../client/kafka-client.js';
import { isRebalanceError } from '../client/kafkajs-client-factory.js';
import { kafkaError } from '../errors/kafka-error-codes.js';
import type { OrderSinkEvents, OrderSinkMetrics } from './events.js';
import type { OrderSinkOptions, ResolvedOrderSinkOptions } from './options.js';
import { orderSinkOptionsSchema } from './options.js';
import type { FlushReason } from './partition-buffers.js';
import { topicResetError, topicResetOf } from './partition-placement.js';
import type { SinkParts } from './sink-parts.js';
import { createSinkParts } from './sink-parts.js';

export { DEAD_LETTER_HEADERS } from './dead-letter-publisher.js';

const PARTITIONS_CONSUMED_CONCURRENTLY = 64;

type SinkState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/**
 * The Kafka → warehouse sink: consumes order events with a consumer group and writes them to
 * `raw_order_events` **exactly once**: each flush writes rows, rejects and every flushed
 * partition's next offset in one warehouse transaction, and every assignment starts each
 * partition at the offset stored in the warehouse. Group offsets are committed only after the
 * warehouse commit, so lag is honest. Invalid records go to the dead-letter topic with the
 * {@link DEAD_LETTER_HEADERS} and to `raw_rejects`; a row the warehouse refuses is isolated and
 * dead-lettered alone (`KAFKA_MESSAGE_REFUSED`); failures of the warehouse itself are retried
 * while fetching is paused. A topic re-created under the sink stops it with `KAFKA_TOPIC_RESET`
 * (after a `topic-reset` event). See docs/architecture.md for the guarantees.
 *
 * It composes small parts: `PartitionBuffers` (buffers, byte budget), `RecordIntake` (decoding),
 * `PartitionPlacement` (stored offsets, pauses), `FlushScheduler`, `FlushRunner` (with the
 * `ExactlyOnceWriter` and the `DeadLetterPublisher`) and `SinkMetrics`.
 *
 * @example
 * ```ts
 * const sink = createOrderSink({ brokers: ['127.0.0.1:9092'], groupId: 'warehouse', warehouse });
 * sink.on('flush', (f) => console.log(`${f.rows} rows`));
 * await sink.start();
 * process.once('SIGTERM', () => void sink.stop());
 * await sink.wait();
 * ```
 */
export class OrderSink extends EventEmitter<OrderSinkEvents> {
  readonly #o: ResolvedOrderSinkOptions;
  readonly #p: SinkParts;
  #state: SinkState = 'new';
  #heartbeat: (() => Promise<void>) | null = null;
  #fatal: OrderstreamError | null = null;
  readonly #done: Promise<void>;
  #settle!: (error?: OrderstreamError) => void;

  /**
   * @param options - brokers or a client factory, topics, group, warehouse and batching
   * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for invalid options
   */
  constructor(options: OrderSinkOptions) {
    super();
    this.#o = resolveOptions('OrderSink', orderSinkOptionsSchema, options);
    this.#p = createSinkParts(this.#o, {
      emit: this.emit.bind(this),
      asSinkError: (error) => this.#asSinkError(error),
      running: () => this.#state === 'running' && this.#fatal === null,
      heartbeat: () => this.#heartbeat,
      flush: async (reason, all, heartbeat) => {
        if (this.#fatal !== null) throw this.#fatal;
        await this.#p.runner.run(reason, all, heartbeat);
      },
      requestFlush: (reason) => this.#requestFlush(reason),
      replace: () => this.#assign([{ topic: this.#o.topic, partitions: this.#p.buffers.partitions() }]),
    });
    this.#done = new Promise<void>((resolve, reject) => {
      this.#settle = (error) => (error ? reject(error) : resolve());
    });
    // wait() may never be called; do not turn a fatal error into an unhandled rejection.
    this.#done.catch(() => undefined);
  }

  /** The resolved options. */
  get options(): ResolvedOrderSinkOptions {
    return this.#o;
  }

  /**
   * Connects, subscribes and starts consuming. Resolves once the consumer loop runs.
   *
   * @throws `OrderstreamError` `KAFKA_SINK_STATE` when called twice
   * @throws `OrderstreamError` `KAFKA_CONNECTION_FAILED` when the brokers cannot be reached
   */
  async start(): Promise<void> {
    if (this.#state !== 'new')
      throw kafkaError('KAFKA_SINK_STATE', `OrderSink.start() called in state ${this.#state}`);
    this.#state = 'starting';
    try {
      await this.#p.consumer.connect();
      await this.#p.producer.connect();
      await this.#p.consumer.subscribe({ topic: this.#o.topic, fromBeginning: this.#o.fromBeginning });
      this.#state = 'running';
      await this.#p.consumer.run(
        {
          eachBatch: (batch, context) => this.#eachBatch(batch, context),
          onAssignment: (assignment) => this.#assign(assignment),
          onCrash: (error, restarting) => {
            if (restarting) this.emit('error', this.#asSinkError(error), { fatal: false });
            else if (this.#state === 'running') this.#fail(error, 'The consumer crashed: ');
          },
        },
        { partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY },
      );
    } catch (error) {
      this.#state = 'failed';
      await this.#p.consumer.disconnect().catch(() => undefined);
      await this.#p.producer.disconnect().catch(() => undefined);
      const wrapped = isOrderstreamError(error)
        ? error
        : kafkaError('KAFKA_CONNECTION_FAILED', `Cannot start the sink: ${(error as Error).message}`, {
            cause: error,
            details: { topic: this.#o.topic, groupId: this.#o.groupId },
            retryable: true,
          });
      this.#settle(wrapped);
      throw wrapped;
    }
  }

  /**
   * Stops gracefully: stops taking records, flushes and commits what is buffered, leaves the
   * group and disconnects. The warehouse is left open (it belongs to the caller). Idempotent.
   *
   * @returns once stopped
   */
  async stop(): Promise<void> {
    if (this.#state === 'new' || this.#state === 'starting' || this.#state === 'running') {
      const wasRunning = this.#state === 'running';
      this.#state = 'stopping';
      this.#p.scheduler.cancelTimer();
      let failure: OrderstreamError | null = null;
      if (wasRunning && this.#fatal === null) {
        await this.#p.scheduler.request('stop').catch((error: unknown) => {
          failure = this.#asSinkError(error);
        });
      }
      await this.#p.consumer.stop().catch(() => undefined);
      await this.#p.consumer.disconnect().catch(() => undefined);
      await this.#p.producer.disconnect().catch(() => undefined);
      const fatal = this.#fatal ?? failure;
      this.#state = fatal ? 'failed' : 'stopped';
      this.#settle(fatal ?? undefined);
    }
    return this.#done.catch(() => undefined);
  }

  /**
   * Resolves when the sink stopped after {@link OrderSink.stop}; rejects when it stopped on an
   * error it could not retry.
   *
   * @throws `OrderstreamError` `KAFKA_SINK_FAILED` (or the warehouse's error) after a fatal error;
   *   `KAFKA_TOPIC_RESET` when the topic was re-created under it (see the `topic-reset` event)
   */
  wait(): Promise<void> {
    return this.#done;
  }

  /**
   * Resolves once every flush requested so far has finished: its rows and offsets written and the
   * group offsets committed, or the sink failed (then {@link OrderSink.wait} rejects).
   *
   * @returns when no flush is queued or running
   */
  flushed(): Promise<void> {
    return this.#p.scheduler.settled();
  }

  /**
   * A snapshot of the metrics: throughput, flushes, rejects, per-partition lag, end-to-end
   * latency percentiles and offset gaps.
   *
   * @returns the current values
   */
  metrics(): OrderSinkMetrics {
    return this.#p.metrics.snapshot(this.#o.clock.now(), {
      bufferedBytes: this.#p.buffers.bytes,
      bufferedRecords: this.#p.buffers.records,
      pausedPartitions: [...this.#p.placement.paused].sort((a, b) => a - b),
      partitions: this.#p.placement.lag(),
    });
  }

  #assign(assignment: readonly AssignedPartitions[]): void {
    this.#p.scheduler.cancelTimer();
    const partitions = assignment.find((a) => a.topic === this.#o.topic)?.partitions ?? [];
    const placed = this.#p.placement.assign(partitions, this.#state === 'running');
    const generation = this.#p.placement.generation;
    placed.catch((error) => {
      if (generation === this.#p.placement.generation && this.#state === 'running') this.#fail(error);
    });
  }

  async #eachBatch(batch: ConsumedBatch, context: BatchContext): Promise<void> {
    if (this.#state !== 'running' || this.#fatal !== null || batch.topic !== this.#o.topic) return;
    const state = this.#p.buffers.get(batch.partition);
    if (state === undefined || batch.records.length === 0) return;
    this.#heartbeat = context.heartbeat;
    try {
      if (!(await this.#p.placement.check(state, batch, () => this.#state === 'running'))) return;
      if (state.generation !== this.#p.placement.generation) return;
      const reset = topicResetOf(state, batch);
      if (reset !== null) {
        this.emit('topic-reset', reset);
        this.#fail(topicResetError(reset, this.#o.groupId));
        return;
      }
      // A flush is writing and what is buffered is already due: wait for the write before taking
      // more (with several partitions in one fetch, the others' batches would otherwise all be
      // taken before the first handler to find a due buffer holds consumption).
      if (
        this.#p.scheduler.running !== null &&
        this.#p.buffers.dueReason(this.#o.clock.now(), this.#o) !== null
      ) {
        await this.#p.scheduler.running.catch(() => undefined);
        if (state.generation !== this.#p.placement.generation || this.#state !== 'running') return;
      }
      this.#p.intake.take(state, batch, this.#o.clock.now());
      // What the buffers keep is copied: the fetched bytes go now, not at the next full collection.
      batch.release?.();
      const reason = this.#p.buffers.dueReason(this.#o.clock.now(), this.#o);
      if (reason === 'memory') {
        // The buffers are full: hold this batch (and so the fetch loop) until they are written.
        await this.#p.scheduler.request(reason, context.heartbeat);
      } else if (reason !== null) {
        // Write in the background while the next batches are fetched and decoded, one write at a
        // time: a slow warehouse holds consumption back instead of filling the buffers.
        await this.#p.scheduler.running?.catch(() => undefined);
        if (state.generation !== this.#p.placement.generation || this.#state !== 'running') return;
        this.#requestFlush(reason, context.heartbeat);
      } else {
        this.#p.scheduler.armTimer(this.#p.buffers.oldest());
      }
    } catch (error) {
      if (isRebalanceError(error)) throw error;
      this.#fail(error);
    }
  }

  #requestFlush(reason: FlushReason, heartbeat?: () => Promise<void>): void {
    this.#p.scheduler.request(reason, heartbeat).catch((error) => {
      if (!isRebalanceError(error)) this.#fail(error);
    });
  }

  #asSinkError(error: unknown, prefix = 'Sink error: '): OrderstreamError {
    if (isOrderstreamError(error)) return error;
    return kafkaError(
      'KAFKA_SINK_FAILED',
      `${prefix}${(error as Error | undefined)?.message ?? String(error)}`,
      {
        cause: error,
        details: { topic: this.#o.topic, groupId: this.#o.groupId },
      },
    );
  }

  #fail(error: unknown, prefix?: string): void {
    if (this.#fatal !== null) return;
    this.#fatal = this.#asSinkError(error, prefix);
    this.emit('error', this.#fatal, { fatal: true });
    // Not awaited: stop() waits for the running batch handlers, and this may run inside one.
    void this.stop();
  }
}

/**
 * Creates an {@link OrderSink}.
 *
 * @param options - brokers or a client factory, topics, group id, warehouse and batching
 * @returns the sink; call `start()`
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for invalid options
 * @example
 * ```ts
 * const warehouse = await createDuckDbWarehouse({ path: './data/orderstream.duckdb' });
 * await warehouse.migrate();
 * const sink = createOrderSink({ brokers: ['127.0.0.1:9092'], groupId: 'warehouse', warehouse });
 * await sink.start();
 * ```
 */
export function createOrderSink(options: OrderSinkOptions): OrderSink {
  return new OrderSink(options);
}
