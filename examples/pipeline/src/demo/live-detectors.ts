import type { Alert, AlertEngine, Warehouse } from '@orderstream/core';
import { createAlertEngine, toAlertRow } from '@orderstream/core';
import { createOrderConsumer } from '@orderstream/kafka';
import type { WarmStartOptions } from './warm-start.js';
import { warmStartDetectors } from './warm-start.js';

/** Options of {@link startLiveDetectors}. */
export interface LiveDetectorsOptions {
  brokers: string[];
  topic: string;
  groupId: string;
  warehouse: Warehouse;
  /** How often empty minutes are closed by wall-clock time, in milliseconds. */
  tickMs?: number;
  /** Lateness allowed before a minute closes by wall clock, in milliseconds. */
  wallClockLatenessMs?: number;
  /**
   * Seeds the baselines before the first event from the warehouse's history scaled to this live
   * rate (see {@link warmStartDetectors}), so alerts are meaningful from the first minute.
   * @defaultValue no warm start: the detectors learn for two hours first
   */
  warmStart?: Omit<WarmStartOptions, 'warehouse'>;
  log: (line: string) => void;
}

/** The running detectors. */
export interface LiveDetectors {
  readonly engine: AlertEngine;
  /** Alerts persisted since start. */
  persisted(): number;
  stop(): Promise<void>;
}

/**
 * Feeds the alert engine from the live order topic with a consumer group of its own (the pattern
 * of `examples/custom-consumer`) and persists every alert change to the warehouse's `alerts`
 * table, where the dashboard reads it. Minutes also close by wall clock, so an outage — no events at
 * all — still reaches the silence detector.
 */
export async function startLiveDetectors(options: LiveDetectorsOptions): Promise<LiveDetectors> {
  const engine = createAlertEngine();
  // Invalid records are the sink's to dead-letter; the detectors only count valid orders.
  const consumer = createOrderConsumer({
    clientId: 'orderstream-detectors',
    brokers: options.brokers,
    topic: options.topic,
    groupId: options.groupId,
    onOrder: (event) => engine.ingest(event),
    logger: { warn: options.log, error: options.log },
  });
  consumer.on('invalid', () => undefined);
  let persisted = 0;
  let writes = Promise.resolve();

  const persist = (alert: Alert) => {
    writes = writes
      .then(() => options.warehouse.write([{ table: 'alerts', rows: [toAlertRow(alert)], mode: 'upsert' }]))
      .then(() => {
        persisted += 1;
      })
      .catch((error: unknown) => options.log(`alerts: could not persist ${alert.id}: ${String(error)}`));
  };
  engine.on('alert', (alert) => {
    options.log(`ALERT ${alert.severity} ${alert.rule} on ${alert.series}: ${alert.explanation}`);
    persist(alert);
  });
  engine.on('resolved', (alert) => {
    options.log(`resolved ${alert.rule} on ${alert.series}`);
    persist(alert);
  });

  if (options.warmStart !== undefined) {
    const summary = await warmStartDetectors(engine, { ...options.warmStart, warehouse: options.warehouse });
    options.log(
      `detectors: warm start from ${summary.source}, ${summary.points} hours at ` +
        `${summary.ordersPerMinute.toFixed(1)} orders/min now (${summary.seeded} rules seeded)`,
    );
  }

  // Our downtime is not the shop's silence: minutes pass as known (zeros included) only while the
  // consumer runs; before it started, after it stopped or crashed, they are unknown to the engine.
  let consuming = false;
  consumer.on('batch', () => {
    consuming = true;
  });
  consumer.on('error', () => {
    consuming = false;
  });
  engine.on('gap', (gap) =>
    options.log(
      `detectors: ${gap.minutes} minutes of unknown data (pipeline ${gap.reason}), no alerts for them`,
    ),
  );

  await consumer.start();
  consuming = true;

  const latenessMs = options.wallClockLatenessMs ?? 60_000;
  const timer = setInterval(() => {
    const watermark = new Date(Date.now() - latenessMs);
    if (consuming) engine.advance(watermark);
    else engine.markUnknown(watermark);
  }, options.tickMs ?? 5_000);
  timer.unref();

  return {
    engine,
    persisted: () => persisted,
    async stop() {
      clearInterval(timer);
      await consumer.stop();
      await writes;
    },
  };
}
