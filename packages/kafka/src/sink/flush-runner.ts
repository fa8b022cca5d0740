import type { OrderstreamError } from '@orderstream/core';
import { isOrderstreamError } from '@orderstream/core';
import type { EventEmitter } from 'eventemitter3';
import type { ConsumerClient, ProducerClient } from '../client/kafka-client.js';
import { DeadLetterPublisher } from './dead-letter-publisher.js';
import type { OrderSinkEvents } from './events.js';
import { ExactlyOnceWriter } from './exactly-once-writer.js';
import type { ResolvedOrderSinkOptions } from './options.js';
import type { FlushReason, PartitionBuffers } from './partition-buffers.js';
import type { PartitionPlacement } from './partition-placement.js';
import type { RetrySettings } from './retry-settings.js';
import type { SinkMetrics } from './sink-metrics.js';

type Emit = EventEmitter<OrderSinkEvents>['emit'];

/** What a flush works with and reports to: the sink's parts and its hooks. */
export interface FlushRunnerContext {
  readonly options: ResolvedOrderSinkOptions;
  readonly consumer: ConsumerClient;
  readonly producer: ProducerClient;
  readonly buffers: PartitionBuffers;
  readonly placement: PartitionPlacement;
  readonly metrics: SinkMetrics;
  readonly retry: RetrySettings;
  /** Reports a retried failure. */
  readonly onRetry: (error: unknown) => void;
  readonly emit: Emit;
  /** Wraps a foreign error as the sink's. */
  readonly asSinkError: (error: unknown) => OrderstreamError;
  /** Whether the sink still runs (not stopping) and has not failed. */
  readonly running: () => boolean;
  /** Arms the idle timer for what stays buffered. */
  readonly armTimer: () => void;
  /** Places every partition again at its stored offset (after an offset conflict). */
  readonly replace: () => void;
}

/**
 * One flush, start to end: takes the buffers once one is due, publishes their dead letters, writes rows,
 * rejects and offsets exactly once ({@link ExactlyOnceWriter}), commits the group's offsets
 * (only then: lag stays honest), and reports (`dead-letter`, `flush`, `lag`, metrics).
 */
export class FlushRunner {
  readonly #c: FlushRunnerContext;
  readonly #writer: ExactlyOnceWriter;
  /** The heartbeat of the batch that requested the running flush, for retries. */
  heartbeat: (() => Promise<void>) | null = null;

  /** @param context - the sink's parts and hooks */
  constructor(context: FlushRunnerContext) {
    this.#c = context;
    const o = context.options;
    this.#writer = new ExactlyOnceWriter({
      ...o,
      retry: context.retry,
      publisher: new DeadLetterPublisher(context.producer, o.deadLetterTopic, context.retry, context.onRetry),
      now: () => o.clock.now(),
      onRetry: (error) => {
        context.placement.pause(context.buffers.partitions());
        context.onRetry(error);
      },
    });
  }

  /**
   * Runs a flush.
   *
   * @param reason - why
   * @param all - flush every buffer even when none is due (otherwise: every buffer once one is due)
   * @param heartbeat - the requesting batch's heartbeat
   * @throws the warehouse's or the dead-letter topic's error when it cannot be retried
   */
  async run(reason: FlushReason, all: boolean, heartbeat?: () => Promise<void>): Promise<void> {
    const { options: o, buffers, placement, metrics, emit } = this.#c;
    const generation = placement.generation;
    const started = o.clock.now();
    const taken = buffers.take(started, o, all);
    // Nothing due (a timer that fired a little early): look again later.
    if (taken.length === 0) return this.#c.armTimer();
    // One partition's buffer is due: the others' go in the same transaction. Flushed on their
    // own timers, each partition cost a transaction of its own, and a record waited for the
    // flushes of the partitions ahead of it (p99 1.4 s at 500 events/s on 3); left behind by a
    // flush due by records or bytes, they waited the interval once the topic was drained.
    if (!all) taken.push(...buffers.take(started, o, true));
    if (reason === 'memory') placement.pause(buffers.partitions());
    if (heartbeat) this.heartbeat = heartbeat;
    try {
      const written = await this.#writer.flush(taken, (dead) => {
        metrics.deadLettered++;
        emit('dead-letter', dead.info);
      });
      const current = generation === placement.generation;
      const offsets = taken.map((t) => ({
        topic: o.topic,
        partition: t.state.partition,
        offset: `${t.nextOffset}`,
      }));
      // The warehouse holds the truth; a failed group commit only delays the reported lag.
      const committedToGroup =
        current &&
        (await this.#c.consumer.commitOffsets(offsets).catch((error: unknown) => {
          emit('error', this.#c.asSinkError(error), { fatal: false });
          return false;
        }));
      const committedAt = o.clock.now();
      for (const { state, buffer, nextOffset } of taken) {
        state.fence = nextOffset;
        if (current) state.committed = nextOffset;
        metrics.tombstonesSkipped += buffer.skippedTombstones;
      }
      metrics.flushed(
        committedAt,
        written.rows,
        taken.flatMap((t) => [...t.buffer.events.eventTimes()]),
      );
      const durationMs = committedAt - started;
      emit('flush', { ...written, topic: o.topic, durationMs, reason, committedToGroup });
      emit('lag', { topic: o.topic, partitions: placement.lag() });
      // After a new assignment the pauses belong to it (partitions wait for their positions).
      if (current) placement.resume([...placement.paused]);
    } catch (error) {
      if (!isOrderstreamError(error) || error.code !== 'CORE_OFFSET_CONFLICT') throw error;
      // Another member wrote these partitions since this one took them: its rows are there, so
      // ours are dropped, and every partition is placed again at the stored offsets.
      emit('error', error, { fatal: false });
      if (generation === placement.generation && this.#c.running()) this.#c.replace();
      return;
    } finally {
      // What was taken is written, or neither written nor kept: this member must not go on past it.
      for (const { buffer } of taken) buffers.release(buffer);
    }
    if (buffers.records > 0) this.#c.armTimer();
  }
}
