import type { OrderstreamError } from '@orderstream/core';
import type { EventEmitter } from 'eventemitter3';
import type { ConsumerClient, ProducerClient } from '../client/kafka-client.js';
import { createKafkaJsClientFactory } from '../client/kafkajs-client-factory.js';
import type { OrderSinkEvents } from './events.js';
import { FlushRunner } from './flush-runner.js';
import { FlushScheduler } from './flush-scheduler.js';
import type { ResolvedOrderSinkOptions } from './options.js';
import type { FlushReason } from './partition-buffers.js';
import { PartitionBuffers } from './partition-buffers.js';
import { PartitionPlacement } from './partition-placement.js';
import { RecordIntake } from './record-intake.js';
import { retrySettings } from './retry-settings.js';
import { SinkMetrics } from './sink-metrics.js';

/** The parts an `OrderSink` is made of. */
export interface SinkParts {
  readonly consumer: ConsumerClient;
  /** The dead-letter producer. */
  readonly producer: ProducerClient;
  readonly buffers: PartitionBuffers;
  readonly metrics: SinkMetrics;
  readonly intake: RecordIntake;
  readonly placement: PartitionPlacement;
  readonly scheduler: FlushScheduler;
  readonly runner: FlushRunner;
}

/** What the parts call back into the sink for. */
export interface SinkHooks {
  readonly emit: EventEmitter<OrderSinkEvents>['emit'];
  readonly asSinkError: (error: unknown) => OrderstreamError;
  /** Whether the sink runs (not stopping) and has not failed. */
  readonly running: () => boolean;
  /** The heartbeat of the last batch handled. */
  readonly heartbeat: () => (() => Promise<void>) | null;
  /** Runs one flush (the scheduler calls it). */
  readonly flush: (reason: FlushReason, all: boolean, heartbeat?: () => Promise<void>) => Promise<void>;
  /** Requests a flush in the background. */
  readonly requestFlush: (reason: FlushReason) => void;
  /** Places every assigned partition again at its stored offset. */
  readonly replace: () => void;
}

/**
 * Builds the parts of a sink and wires them to each other and to the sink's hooks, so the sink
 * itself only composes them.
 *
 * @param o - the resolved sink options
 * @param hooks - the sink's callbacks
 * @returns the parts
 */
export function createSinkParts(o: ResolvedOrderSinkOptions, hooks: SinkHooks): SinkParts {
  const factory =
    o.clientFactory ?? createKafkaJsClientFactory({ brokers: o.brokers ?? [], clientId: o.clientId });
  const consumer = factory.consumer(o);
  const producer = factory.producer({ idempotent: true });
  const buffers = new PartitionBuffers();
  const metrics = new SinkMetrics(o.metricsWindowMs);
  const retry = retrySettings(o);
  // A retry reports itself and keeps the group session alive with the flushing batch's heartbeat.
  const onRetry = (error: unknown) => {
    metrics.retries++;
    hooks.emit('error', hooks.asSinkError(error), { fatal: false });
    void (runner.heartbeat ?? hooks.heartbeat())?.().catch(() => undefined);
  };
  const eventTimeWindow = { maxAgeMs: o.maxEventAgeMs, maxAheadMs: o.maxEventAheadMs };
  const intake = new RecordIntake({ ...o, eventTimeWindow }, buffers, metrics);
  const scheduler = new FlushScheduler(hooks.flush, o.clock, o.flushIntervalMs, () => {
    if (hooks.running()) hooks.requestFlush('interval');
  });
  const flushes = () => scheduler.chain;
  const placement = new PartitionPlacement({ ...o, consumer, retry, onRetry, buffers, flushes });
  const runner: FlushRunner = new FlushRunner({
    ...hooks,
    options: o,
    consumer,
    producer,
    buffers,
    placement,
    metrics,
    retry,
    onRetry,
    armTimer: () => {
      if (hooks.running()) scheduler.armTimer(buffers.oldest());
    },
  });
  return { consumer, producer, buffers, metrics, intake, placement, scheduler, runner };
}
