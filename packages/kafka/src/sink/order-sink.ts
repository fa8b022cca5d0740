import type { EventTimeWindow, WarehouseValue } from '@orderstream/core';
import {
  isOrderstreamError,
  OrderstreamError,
  resolveOptions,
  toOrderEventRow,
  withRetry,
} from '@orderstream/core';
import { EventEmitter } from 'eventemitter3';
import type {
  AssignedPartitions,
  BatchContext,
  ConsumedBatch,
  ConsumedRecord,
  ConsumerClient,
  ProducerClient,
} from '../client/kafka-client.js';
import { createKafkaJsClientFactory, isRebalanceError } from '../client/kafkajs-client-factory.js';
import { kafkaError } from '../errors/kafka-error-codes.js';
import { decodeOrderRecord } from '../internal/decode-order-record.js';
import { LatencyHistogram } from '../internal/latency-histogram.js';
import { RateWindow } from '../internal/rate-window.js';
import type { DeadLetter } from './dead-letter-publisher.js';
import { DeadLetterPublisher, deadLetterOf } from './dead-letter-publisher.js';
import type {
  FlushedPartition,
  FlushInfo,
  OrderSinkEvents,
  OrderSinkMetrics,
  PartitionLag,
  TopicResetInfo,
} from './events.js';
import { ExactlyOnceWriter } from './exactly-once-writer.js';
import type { OrderSinkOptions, ResolvedOrderSinkOptions } from './options.js';
import { orderSinkOptionsSchema } from './options.js';
import type { RetrySettings } from './retry-settings.js';
import { retrySettings } from './retry-settings.js';

export { DEAD_LETTER_HEADERS } from './dead-letter-publisher.js';

const PARTITIONS_CONSUMED_CONCURRENTLY = 64;

type SinkState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
type FlushReason = FlushInfo['reason'];

interface PartitionBuffer {
  readonly rows: Record<string, WarehouseValue>[];
  /** The record of each row (same index), for the dead letter of a row the warehouse refuses. */
  readonly sources: ConsumedRecord[];
  readonly deadLetters: DeadLetter[];
  readonly eventTimes: number[];
  bytes: number;
  records: number;
  skippedTombstones: number;
  firstAt: number | null;
  fromOffset: bigint | null;
}

interface PartitionState {
  readonly partition: number;
  readonly generation: number;
  /** The next offset to take: after the last buffered record. `null` until known. */
  position: bigint | null;
  /** Whether the start position was checked against the warehouse in this generation. */
  checked: boolean;
  committed: bigint | null;
  /**
   * The offset this member last saw stored in the warehouse for the partition (`null`: none),
   * the fence of its next write; `undefined` until placed.
   */
  fence: bigint | null | undefined;
  highWatermark: bigint | null;
  buffer: PartitionBuffer;
}

const emptyBuffer = (): PartitionBuffer => ({
  rows: [],
  sources: [],
  deadLetters: [],
  eventTimes: [],
  bytes: 0,
  records: 0,
  skippedTombstones: 0,
  firstAt: null,
  fromOffset: null,
});

/**
 * The Kafka → warehouse sink: consumes order events with a consumer group and writes them to
 * `raw_order_events` **exactly once**.
 *
 * How: records are buffered per partition and flushed by count, bytes or age; each flush writes
 * the rows, the rejects and every flushed partition's next offset in one warehouse transaction
 * (`writeWithOffsets`). On every assignment the sink starts each partition at the offset stored
 * in the warehouse, so a crash, restart or rebalance never duplicates and never skips. Offsets
 * are committed to the group only after the warehouse commit (no auto-commit), so group lag is
 * honest. Flushes run inside the consumer's batch handling, so a rebalance waits for them.
 *
 * Invalid records (not JSON, not an order event, larger than `maxMessageBytes`, tombstones) go
 * to the dead-letter topic with their key, value and headers plus the {@link DEAD_LETTER_HEADERS},
 * and to `raw_rejects` (source `kafka`) in the same transaction; the dead-letter publish is
 * acknowledged before the transaction, so nothing is lost (a crash in between may publish a
 * dead letter twice). Warehouse errors are retried with backoff while fetching is paused.
 *
 * A partition whose log ends before the sink's position (the topic was deleted and re-created,
 * or truncated) is reported with a `topic-reset` event and the sink stops with
 * `KAFKA_TOPIC_RESET` rather than skip the new topic's records.
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
  readonly #consumer: ConsumerClient;
  readonly #dlq: ProducerClient;
  readonly #retry: RetrySettings;
  readonly #publisher: DeadLetterPublisher;
  readonly #writer: ExactlyOnceWriter;
  #flushHeartbeat: (() => Promise<void>) | undefined;
  #state: SinkState = 'new';
  #generation = 0;
  #assigned = new Map<number, PartitionState>();
  #positionsLoad: Promise<Map<number, bigint>> | null = null;
  #flushChain: Promise<void> = Promise.resolve();
  #scheduled: { promise: Promise<void>; all: boolean } | null = null;
  /** The flush writing now, if any. */
  #running: Promise<void> | null = null;
  #idleTimer: AbortController | null = null;
  #paused = new Set<number>();
  #lastHeartbeat: (() => Promise<void>) | null = null;
  #fatal: OrderstreamError | null = null;
  #done: Promise<void>;
  #resolveDone!: () => void;
  #rejectDone!: (error: unknown) => void;
  // metrics
  #records = 0;
  #batches = 0;
  #deadLettered = 0;
  #tombstonesSkipped = 0;
  #redeliveries = 0;
  #retries = 0;
  #gaps = 0;
  #missingOffsets = 0;
  #bufferedBytes = 0;
  #bufferedRecords = 0;
  readonly #latency = new LatencyHistogram();
  readonly #rate: RateWindow;
  readonly #eventTimeWindow: EventTimeWindow;

  /**
   * @param options - brokers or a client factory, topics, group, warehouse and batching
   * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for invalid options
   */
  constructor(options: OrderSinkOptions) {
    super();
    this.#o = resolveOptions('OrderSink', orderSinkOptionsSchema, options);
    const factory =
      this.#o.clientFactory ??
      createKafkaJsClientFactory({ brokers: this.#o.brokers ?? [], clientId: this.#o.clientId });
    this.#consumer = factory.consumer({
      groupId: this.#o.groupId,
      sessionTimeoutMs: this.#o.sessionTimeoutMs,
      heartbeatIntervalMs: this.#o.heartbeatIntervalMs,
      fetchMaxBytes: this.#o.fetchMaxBytes,
      fetchMaxBytesPerPartition: this.#o.fetchMaxBytesPerPartition,
      fetchMaxWaitMs: this.#o.fetchMaxWaitMs,
    });
    this.#dlq = factory.producer({ idempotent: true });
    this.#retry = retrySettings(this.#o);
    // Retries keep the group session alive with the heartbeat of the batch that started the flush.
    const heartbeat = () => void (this.#flushHeartbeat ?? this.#lastHeartbeat)?.().catch(() => undefined);
    this.#publisher = new DeadLetterPublisher(this.#dlq, this.#o.deadLetterTopic, this.#retry, (error) => {
      this.#reportRetry(error);
      heartbeat();
    });
    this.#writer = new ExactlyOnceWriter({
      warehouse: this.#o.warehouse,
      groupId: this.#o.groupId,
      topic: this.#o.topic,
      deadLetterTopic: this.#o.deadLetterTopic,
      writeMode: this.#o.writeMode,
      retry: this.#retry,
      publisher: this.#publisher,
      now: () => this.#o.clock.now(),
      onRetry: (error) => {
        this.#pause([...this.#assigned.keys()]);
        this.#reportRetry(error);
        heartbeat();
      },
    });
    this.#rate = new RateWindow(this.#o.metricsWindowMs);
    this.#eventTimeWindow = { maxAgeMs: this.#o.maxEventAgeMs, maxAheadMs: this.#o.maxEventAheadMs };
    this.#done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
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
    if (this.#state !== 'new') {
      throw kafkaError('KAFKA_SINK_STATE', `OrderSink.start() called in state ${this.#state}`);
    }
    this.#state = 'starting';
    try {
      await this.#consumer.connect();
      await this.#dlq.connect();
      await this.#consumer.subscribe({ topic: this.#o.topic, fromBeginning: this.#o.fromBeginning });
      this.#state = 'running';
      await this.#consumer.run(
        {
          eachBatch: (batch, context) => this.#eachBatch(batch, context),
          onAssignment: (assignment) => this.#onAssignment(assignment),
          onCrash: (error, restarting) => this.#onCrash(error, restarting),
        },
        { partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY },
      );
    } catch (error) {
      this.#state = 'failed';
      await this.#consumer.disconnect().catch(() => undefined);
      await this.#dlq.disconnect().catch(() => undefined);
      const wrapped = isOrderstreamError(error)
        ? error
        : kafkaError('KAFKA_CONNECTION_FAILED', `Cannot start the sink: ${(error as Error).message}`, {
            cause: error,
            details: { topic: this.#o.topic, groupId: this.#o.groupId },
            retryable: true,
          });
      this.#rejectDone(wrapped);
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
    if (this.#state === 'stopped' || this.#state === 'failed') return this.#done.catch(() => undefined);
    if (this.#state === 'stopping') return this.#done.catch(() => undefined);
    const wasRunning = this.#state === 'running';
    this.#state = 'stopping';
    this.#cancelIdleTimer();
    let failure: unknown = null;
    if (wasRunning && this.#fatal === null) {
      try {
        await this.#flush({ reason: 'stop' });
      } catch (error) {
        failure = error;
      }
    }
    await this.#consumer.stop().catch(() => undefined);
    await this.#consumer.disconnect().catch(() => undefined);
    await this.#dlq.disconnect().catch(() => undefined);
    const fatal = this.#fatal ?? (failure === null ? null : this.#asSinkError(failure));
    if (fatal) {
      this.#state = 'failed';
      this.#rejectDone(fatal);
    } else {
      this.#state = 'stopped';
      this.#resolveDone();
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
   * group offsets committed, or the sink failed (then {@link OrderSink.wait} rejects). Flushes run
   * in the background while consumption goes on; this is the point to wait for them.
   *
   * @returns when no flush is queued or running
   */
  async flushed(): Promise<void> {
    for (;;) {
      const scheduled = this.#scheduled;
      const chain = this.#flushChain;
      await Promise.allSettled([scheduled?.promise, chain]);
      if (this.#scheduled === null && this.#flushChain === chain) return;
    }
  }

  /**
   * A snapshot of the metrics: throughput, flushes, rejects, per-partition lag, end-to-end
   * latency percentiles and offset gaps.
   *
   * @returns the current values
   */
  metrics(): OrderSinkMetrics {
    const now = this.#o.clock.now();
    return {
      records: this.#records,
      recordsPerSecond: this.#rate.perSecond(now, this.#records),
      batches: this.#batches,
      deadLettered: this.#deadLettered,
      tombstonesSkipped: this.#tombstonesSkipped,
      redeliveriesSkipped: this.#redeliveries,
      retries: this.#retries,
      bufferedBytes: this.#bufferedBytes,
      bufferedRecords: this.#bufferedRecords,
      pausedPartitions: [...this.#paused].sort((a, b) => a - b),
      partitions: this.#lag(),
      latencyMs: {
        p50: this.#latency.quantile(0.5),
        p99: this.#latency.quantile(0.99),
        max: this.#latency.max,
        samples: this.#latency.samples,
      },
      offsetGaps: { gaps: this.#gaps, missingOffsets: this.#missingOffsets },
    };
  }

  // ----------------------------------------------------------------- assignment ---

  #onAssignment(assignment: readonly AssignedPartitions[]): void {
    // A new generation: whatever is buffered may now belong to another member. Drop it; each
    // partition restarts from the offset in the warehouse (after our own in-flight flush).
    this.#generation++;
    this.#cancelIdleTimer();
    for (const state of this.#assigned.values()) this.#dropBuffer(state);
    this.#assigned = new Map();
    this.#paused.clear();
    this.#positionsLoad = null;
    const partitions = assignment.find((a) => a.topic === this.#o.topic)?.partitions ?? [];
    for (const partition of partitions) {
      this.#assigned.set(partition, {
        partition,
        generation: this.#generation,
        position: null,
        checked: false,
        committed: null,
        fence: undefined,
        highWatermark: null,
        buffer: emptyBuffer(),
      });
    }
    if (partitions.length === 0 || this.#state !== 'running') return;
    // Nothing is fetched for the new assignment until each partition is placed where the
    // warehouse says, even when the group's own offset is elsewhere (a new or restored
    // warehouse) and no record would ever arrive to notice it.
    this.#pause(partitions);
    const generation = this.#generation;
    this.#loadPositions().then(
      (positions) => {
        if (generation !== this.#generation || this.#state !== 'running') return;
        for (const state of this.#assigned.values()) {
          if (state.checked) continue;
          state.checked = true;
          const stored = positions.get(state.partition);
          state.fence = stored ?? null;
          if (stored !== undefined) {
            state.position = stored;
            this.#consumer.seek(this.#o.topic, state.partition, stored.toString());
          } else if (this.#o.fromBeginning) {
            this.#consumer.seek(this.#o.topic, state.partition, '0');
          }
        }
        this.#resume(partitions);
      },
      (error) => {
        if (generation === this.#generation) this.#fail(error);
      },
    );
  }

  /** Places every assigned partition again at its stored offset, as on a new assignment. */
  #replaceAll(): void {
    this.#onAssignment([{ topic: this.#o.topic, partitions: [...this.#assigned.keys()] }]);
  }

  #loadPositions(): Promise<Map<number, bigint>> {
    if (this.#positionsLoad === null) {
      const load = async () => {
        // Our own flush of the previous generation must land before we read where to start.
        await this.#flushChain.catch(() => undefined);
        const stored = await withRetry(() => this.#o.warehouse.readOffsets(this.#o.groupId, this.#o.topic), {
          ...this.#retry,
          onRetry: (error) => this.#reportRetry(error),
        });
        return new Map(stored.map((o) => [o.partition, BigInt(o.nextOffset)] as const));
      };
      this.#positionsLoad = load();
      this.#positionsLoad.catch(() => undefined);
    }
    return this.#positionsLoad;
  }

  // ----------------------------------------------------------------- consuming ----

  async #eachBatch(batch: ConsumedBatch, context: BatchContext): Promise<void> {
    if (this.#state !== 'running' || this.#fatal !== null || batch.topic !== this.#o.topic) return;
    const state = this.#assigned.get(batch.partition);
    if (state === undefined || batch.records.length === 0) return;
    this.#lastHeartbeat = context.heartbeat;
    const generation = state.generation;
    try {
      if (!state.checked) {
        // This batch was fetched before the partition was placed: check it against the warehouse.
        const positions = await this.#loadPositions();
        if (generation !== this.#generation || this.#state !== 'running') return;
        state.checked = true;
        const stored = positions.get(state.partition) ?? null;
        state.fence = stored;
        if (state.buffer.records === 0) state.position = stored;
        const first = BigInt(batch.records[0]?.offset ?? '0');
        if (this.#topicReset(state, batch)) return;
        if (stored !== null && first !== stored) {
          // The group's offset and the warehouse's differ (a crash between the two commits, or a
          // reset): the warehouse is the truth.
          this.#consumer.seek(this.#o.topic, state.partition, stored.toString());
          return;
        }
        if (stored === null && this.#o.fromBeginning && first > 0n) {
          // Nothing in the warehouse but an offset in the group (e.g. a new warehouse): start over.
          this.#consumer.seek(this.#o.topic, state.partition, '0');
          return;
        }
      }
      if (generation !== this.#generation) return;
      if (this.#topicReset(state, batch)) return;
      this.#take(state, batch);
      const reason = this.#dueReason();
      if (reason === 'memory') {
        // The buffers are full: hold this batch (and so the fetch loop) until they are written.
        await this.#flush({ reason, heartbeat: context.heartbeat });
      } else if (reason !== null) {
        // Write in the background while the next batches are fetched and decoded, one write at a
        // time: while one is still running, this batch (and so the fetch loop) waits for it, so a
        // slow or unavailable warehouse holds consumption back instead of filling the buffers.
        if (this.#running !== null) await this.#running.catch(() => undefined);
        if (generation !== this.#generation || this.#state !== 'running') return;
        this.#flush({ reason, heartbeat: context.heartbeat }).catch((error) => {
          if (!isRebalanceError(error)) this.#fail(error);
        });
      } else {
        this.#armIdleTimer();
      }
    } catch (error) {
      if (isRebalanceError(error)) throw error;
      this.#fail(error);
    }
  }

  /**
   * Reports a partition whose log ends before the sink's position: that is not the log the sink
   * consumed, so the topic was deleted and re-created (or truncated). Without this check the new
   * topic's records would be skipped silently as redeliveries. Offsets cannot tell once the new log
   * has grown past the old position (kafkajs exposes no topic ids); that case is not detected.
   *
   * @returns whether the sink is stopping because of it
   */
  #topicReset(state: PartitionState, batch: ConsumedBatch): boolean {
    if (state.position === null) return false;
    const logEnd = BigInt(batch.highWatermark);
    if (logEnd < 0n || logEnd >= state.position) return false;
    const info: TopicResetInfo = {
      topic: batch.topic,
      partition: state.partition,
      expectedOffset: state.position.toString(),
      logEndOffset: logEnd.toString(),
    };
    this.emit('topic-reset', info);
    this.#fail(
      kafkaError(
        'KAFKA_TOPIC_RESET',
        `${info.topic}/${info.partition} ends at offset ${info.logEndOffset}, before offset ${info.expectedOffset} ` +
          `that group ${this.#o.groupId} already consumed up to: the topic was deleted and re-created (or truncated). ` +
          "The sink stopped without writing records of the new topic; to consume it, delete the group's rows " +
          'from sink_offsets (or use a new group id) and restart.',
        { details: { ...info, groupId: this.#o.groupId }, retryable: false },
      ),
    );
    return true;
  }

  #take(state: PartitionState, batch: ConsumedBatch): void {
    const buffer = state.buffer;
    const now = this.#o.clock.now();
    for (const record of batch.records) {
      const offset = BigInt(record.offset);
      if (state.position !== null) {
        if (offset < state.position) {
          this.#redeliveries++;
          continue;
        }
        if (offset > state.position) {
          this.#gaps++;
          this.#missingOffsets += Number(offset - state.position);
        }
      }
      state.position = offset + 1n;
      if (buffer.fromOffset === null) buffer.fromOffset = offset;
      if (buffer.firstAt === null) buffer.firstAt = now;
      const size = record.value?.length ?? 0;
      buffer.bytes += size;
      buffer.records++;
      this.#bufferedBytes += size;
      this.#bufferedRecords++;
      const decoded = decodeOrderRecord(
        record.value,
        this.#o.maxMessageBytes,
        { key: record.key, headers: record.headers },
        { now, window: this.#eventTimeWindow },
      );
      if (decoded.ok) {
        buffer.rows.push(
          toOrderEventRow(decoded.event, {
            payload: decoded.text,
            origin: {
              topic: batch.topic,
              partition: state.partition,
              offset: Number(record.offset),
              key: record.key === null ? null : record.key.toString('utf8'),
            },
            ingestedAt: null,
          }),
        );
        buffer.sources.push(record);
        buffer.eventTimes.push(decoded.event.event_time.getTime());
        continue;
      }
      if (decoded.code === 'KAFKA_MESSAGE_TOMBSTONE' && this.#o.tombstones === 'skip') {
        buffer.skippedTombstones++;
        continue;
      }
      buffer.deadLetters.push(
        deadLetterOf(
          record,
          { topic: batch.topic, partition: state.partition, deadLetterTopic: this.#o.deadLetterTopic },
          decoded,
          now,
        ),
      );
    }
    const hw = BigInt(batch.highWatermark);
    if (state.highWatermark === null || hw > state.highWatermark) state.highWatermark = hw;
  }

  // ----------------------------------------------------------------- flushing -----

  #dueReason(): FlushReason | null {
    if (this.#bufferedBytes >= this.#o.maxBufferedBytes) return 'memory';
    const now = this.#o.clock.now();
    let reason: FlushReason | null = null;
    for (const state of this.#assigned.values()) {
      const b = state.buffer;
      if (b.records === 0) continue;
      if (b.records >= this.#o.flushMaxRecords) return 'records';
      if (b.bytes >= this.#o.flushMaxBytes) return 'bytes';
      if (b.firstAt !== null && now - b.firstAt >= this.#o.flushIntervalMs) reason = 'interval';
    }
    return reason;
  }

  #isDue(state: PartitionState, now: number, all: boolean): boolean {
    const b = state.buffer;
    if (b.records === 0) return false;
    if (all) return true;
    return (
      b.records >= this.#o.flushMaxRecords ||
      b.bytes >= this.#o.flushMaxBytes ||
      (b.firstAt !== null && now - b.firstAt >= this.#o.flushIntervalMs)
    );
  }

  /**
   * Requests a flush. Requests made before it starts (the batches of one fetch, or of the fetches
   * that arrive while the previous flush is still writing) share one warehouse transaction;
   * flushes run one at a time.
   */
  #flush(request: { reason: FlushReason; heartbeat?: () => Promise<void> }): Promise<void> {
    const all = request.reason === 'memory' || request.reason === 'stop';
    if (this.#scheduled) {
      if (all) this.#scheduled.all = true;
      return this.#scheduled.promise;
    }
    const scheduled = { promise: Promise.resolve(), all };
    scheduled.promise = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      // Requests made until this flush starts join it: one queued flush takes all that is due.
      const run = this.#flushChain.then(() => {
        if (this.#scheduled === scheduled) this.#scheduled = null;
        const running = this.#flushNow(request.reason, scheduled.all, request.heartbeat);
        this.#running = running;
        const done = () => {
          if (this.#running === running) this.#running = null;
        };
        running.then(done, done);
        return running;
      });
      this.#flushChain = run.catch(() => undefined);
      return run;
    });
    this.#scheduled = scheduled;
    return scheduled.promise;
  }

  async #flushNow(reason: FlushReason, all: boolean, heartbeat?: () => Promise<void>): Promise<void> {
    if (this.#fatal !== null) throw this.#fatal;
    const generation = this.#generation;
    const now = this.#o.clock.now();
    const taken: Array<{ state: PartitionState; buffer: PartitionBuffer; nextOffset: bigint }> = [];
    for (const state of this.#assigned.values()) {
      if (!this.#isDue(state, now, all) || state.position === null) continue;
      taken.push({ state, buffer: state.buffer, nextOffset: state.position });
      state.buffer = emptyBuffer();
    }
    if (taken.length === 0) {
      // E.g. a timer that fired a little early: nothing is due yet, so look again later.
      this.#armIdleTimer();
      return;
    }
    const started = now;
    const pauseAll = reason === 'memory';
    if (pauseAll) this.#pause([...this.#assigned.keys()]);
    try {
      // 1. Dead letters first: a record's offset counts as done only once its dead letter is acknowledged.
      this.#flushHeartbeat = heartbeat;
      const deadLetters = taken.flatMap((t) => t.buffer.deadLetters);
      await this.#publisher.publish(deadLetters);
      this.#deadLettered += deadLetters.length;
      for (const dead of deadLetters) this.emit('dead-letter', dead.info);

      // 2. Rows, rejects and offsets in one transaction; a row the warehouse refuses is isolated.
      const ingestedAt = new Date(this.#o.clock.now());
      for (const { buffer } of taken) for (const row of buffer.rows) row.ingested_at = ingestedAt;
      const refused = await this.#writer.write(
        taken.map(({ state, buffer, nextOffset }) => ({
          partition: state.partition,
          rows: buffer.rows,
          records: buffer.sources,
          deadLetters: buffer.deadLetters,
          fromOffset: buffer.fromOffset ?? nextOffset,
          nextOffset,
          fence: state.fence,
        })),
      );
      this.#deadLettered += refused.length;
      for (const dead of refused) this.emit('dead-letter', dead.info);
      const refusedIn = (partition: number) => refused.filter((d) => d.info.partition === partition).length;
      const rows = taken.reduce((n, t) => n + t.buffer.rows.length, 0) - refused.length;
      const rejects = taken.reduce((n, t) => n + t.buffer.deadLetters.length, 0) + refused.length;
      const offsets = taken.map((t) => ({
        topic: this.#o.topic,
        partition: t.state.partition,
        nextOffset: t.nextOffset.toString(),
      }));

      // 3. Only now the group's offsets: lag stays honest.
      let committedToGroup = false;
      if (generation === this.#generation) {
        try {
          committedToGroup = await this.#consumer.commitOffsets(
            offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.nextOffset })),
          );
        } catch (error) {
          // The warehouse holds the truth; a failed group commit only delays the reported lag.
          this.emit('error', this.#asSinkError(error, 'KAFKA_SINK_FAILED'), { fatal: false });
        }
      }

      // 4. Bookkeeping.
      const committedAt = this.#o.clock.now();
      const flushed: FlushedPartition[] = [];
      for (const { state, buffer, nextOffset } of taken) {
        state.fence = nextOffset;
        if (generation === this.#generation) state.committed = nextOffset;
        this.#bufferedBytes -= buffer.bytes;
        this.#bufferedRecords -= buffer.records;
        const written = buffer.rows.length - refusedIn(state.partition);
        this.#records += written;
        this.#tombstonesSkipped += buffer.skippedTombstones;
        for (const eventTime of buffer.eventTimes) this.#latency.record(committedAt - eventTime);
        flushed.push({
          partition: state.partition,
          fromOffset: (buffer.fromOffset ?? nextOffset).toString(),
          nextOffset: nextOffset.toString(),
          rows: written,
          rejected: buffer.deadLetters.length + refusedIn(state.partition) + buffer.skippedTombstones,
        });
      }
      this.#batches++;
      this.#rate.add(committedAt, this.#records);
      this.emit('flush', {
        topic: this.#o.topic,
        partitions: flushed,
        rows,
        rejects,
        durationMs: committedAt - started,
        reason,
        committedToGroup,
      });
      this.emit('lag', { topic: this.#o.topic, partitions: this.#lag() });
      // After a new assignment the pauses belong to it (partitions wait for their positions).
      if (generation === this.#generation) this.#resume([...this.#paused]);
    } catch (error) {
      // What was taken is neither written nor kept: this member must not go on past it.
      for (const { buffer } of taken) {
        this.#bufferedBytes -= buffer.bytes;
        this.#bufferedRecords -= buffer.records;
      }
      if (isOrderstreamError(error) && error.code === 'CORE_OFFSET_CONFLICT') {
        // Another member wrote these partitions since this one took them: its rows are there, so
        // ours are dropped, and every partition is placed again at the stored offsets.
        this.emit('error', error, { fatal: false });
        if (generation === this.#generation && this.#state === 'running') this.#replaceAll();
        return;
      }
      throw error;
    }
    if (this.#bufferedRecords > 0) this.#armIdleTimer();
  }

  #armIdleTimer(): void {
    if (this.#idleTimer !== null || this.#state !== 'running') return;
    let earliest: number | null = null;
    for (const state of this.#assigned.values()) {
      const at = state.buffer.firstAt;
      if (at !== null && (earliest === null || at < earliest)) earliest = at;
    }
    if (earliest === null) return;
    const controller = new AbortController();
    this.#idleTimer = controller;
    // +1 ms: timers may fire a little before the wall clock says the interval is over.
    const delay = Math.max(0, earliest + this.#o.flushIntervalMs - this.#o.clock.now()) + 1;
    this.#o.clock.sleep(delay, controller.signal).then(
      () => {
        if (this.#idleTimer === controller) this.#idleTimer = null;
        if (this.#state !== 'running' || this.#fatal !== null) return;
        // No batch arrived to flush this data: flush it now.
        this.#flush({ reason: 'interval' }).catch((error) => {
          if (!isRebalanceError(error)) this.#fail(error);
        });
      },
      () => undefined,
    );
  }

  #cancelIdleTimer(): void {
    this.#idleTimer?.abort();
    this.#idleTimer = null;
  }

  #pause(partitions: readonly number[]): void {
    const fresh = partitions.filter((p) => !this.#paused.has(p));
    if (fresh.length === 0) return;
    for (const p of fresh) this.#paused.add(p);
    this.#consumer.pause(this.#o.topic, fresh);
  }

  #resume(partitions: readonly number[]): void {
    if (partitions.length === 0) return;
    for (const p of partitions) this.#paused.delete(p);
    this.#consumer.resume(this.#o.topic, partitions);
  }

  #dropBuffer(state: PartitionState): void {
    this.#bufferedBytes -= state.buffer.bytes;
    this.#bufferedRecords -= state.buffer.records;
    state.buffer = emptyBuffer();
  }

  #lag(): PartitionLag[] {
    return [...this.#assigned.values()]
      .sort((a, b) => a.partition - b.partition)
      .map((s) => ({
        partition: s.partition,
        highWatermark: s.highWatermark?.toString() ?? null,
        committedOffset: s.committed?.toString() ?? null,
        lag: s.highWatermark !== null && s.committed !== null ? Number(s.highWatermark - s.committed) : null,
      }));
  }

  // ----------------------------------------------------------------- errors -------

  #reportRetry(error: unknown): void {
    this.#retries++;
    this.emit('error', this.#asSinkError(error), { fatal: false });
  }

  #asSinkError(error: unknown, code: 'KAFKA_SINK_FAILED' = 'KAFKA_SINK_FAILED'): OrderstreamError {
    if (isOrderstreamError(error)) return error;
    return kafkaError(code, `Sink error: ${(error as Error | undefined)?.message ?? String(error)}`, {
      cause: error,
      details: { topic: this.#o.topic, groupId: this.#o.groupId },
    });
  }

  #fail(error: unknown): void {
    if (this.#fatal !== null) return;
    const fatal = this.#asSinkError(error);
    this.#fatal = fatal;
    this.emit('error', fatal, { fatal: true });
    // Not awaited: stop() waits for the running batch handlers, and this may run inside one.
    void this.stop();
  }

  #onCrash(error: unknown, restarting: boolean): void {
    if (restarting) {
      this.emit('error', this.#asSinkError(error), { fatal: false });
      return;
    }
    if (this.#state === 'running') {
      this.#fail(
        isOrderstreamError(error)
          ? error
          : new OrderstreamError('KAFKA_SINK_FAILED', `The consumer crashed: ${(error as Error).message}`, {
              cause: error,
              details: { topic: this.#o.topic, groupId: this.#o.groupId },
            }),
      );
    }
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
