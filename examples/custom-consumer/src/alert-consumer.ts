import { readFile } from 'node:fs/promises';
import type { AlertEngine, AlertEngineOptions, HistoryPoint } from '@orderstream/core';
import { createAlertEngine } from '@orderstream/core';
import { createOrderConsumer } from '@orderstream/kafka';
import { createNotifier } from './notifier.js';
import type { RestoreOutcome } from './state-file.js';
import { restoreState, saveState } from './state-file.js';

/** What the consumer needs to know; `main.ts` reads it from the environment. */
export interface AlertConsumerConfig {
  brokers: string[];
  topic: string;
  groupId: string;
  /** Read the topic from the start when the group has no committed offsets. */
  fromBeginning: boolean;
  /** Where the engine's state is read on start and written on stop. */
  stateFile: string;
  /** Hourly history for a warm start: `{ "orders": [{ "at": ISO, "value": n }], "revenue": [...] }`. */
  historyFile?: string;
  /** POST alerts here; print them when absent. */
  webhookUrl?: string;
  /** How often the wall clock moves the watermark, in milliseconds. */
  advanceEveryMs: number;
  /** The engine's rules and lateness; the defaults when absent. */
  engine?: AlertEngineOptions;
  /** The wall clock, in epoch milliseconds (injectable for tests). */
  now?: () => number;
  /** Where progress lines go. */
  log?: (line: string) => void;
}

/** A running consumer. */
export interface AlertConsumer {
  readonly engine: AlertEngine;
  /** What was found in the state file on start. */
  readonly restored: RestoreOutcome;
  /** Stops consuming and saves the engine's state. */
  stop(): Promise<void>;
}

/**
 * Starts an order consumer (`createOrderConsumer`) that feeds order events to an alert engine, delivers its alerts,
 * moves its watermark with the wall clock, and saves its state on stop.
 *
 * @param config - brokers, topic, files and webhook
 * @returns the running consumer
 */
export async function startAlertConsumer(config: AlertConsumerConfig): Promise<AlertConsumer> {
  const log = config.log ?? console.log;
  const now = config.now ?? Date.now;
  const engine = createAlertEngine(config.engine);
  const notify = createNotifier({ webhookUrl: config.webhookUrl, log });
  engine.on('alert', (alert) => void notify(alert));
  engine.on('resolved', (alert) => void notify(alert));
  engine.on('late', (late) => {
    if (late.lateEvents % 100 === 1) log(`${late.lateEvents} late event(s) so far, latest ${late.eventId}`);
  });

  const restored = await restoreState(engine, config.stateFile, log);
  if (restored !== 'restored' && config.historyFile !== undefined) {
    // First start (or a bad state file): seed the baselines from hourly history.
    const text = await readFile(config.historyFile, 'utf8');
    const history = JSON.parse(text) as Record<string, { at: string; value: number }[]>;
    for (const [series, points] of Object.entries(history)) {
      const parsed: HistoryPoint[] = points.map((p) => ({ at: new Date(p.at), value: p.value }));
      log(`warm start ${series}: ${parsed.length} hours, ${engine.warmStart(series, parsed)} rule(s)`);
    }
  }
  log(`alert state: ${restored}; watermark ${engine.watermark?.toISOString() ?? 'none yet'}`);

  let lastMessageAt = Number.NEGATIVE_INFINITY;
  // Typed, validated events; offsets are committed once the engine has taken them.
  const consumer = createOrderConsumer({
    clientId: 'orderstream-custom-consumer',
    brokers: config.brokers,
    topic: config.topic,
    groupId: config.groupId,
    fromBeginning: config.fromBeginning,
    onOrder: (event) => {
      lastMessageAt = now();
      engine.ingest(event);
    },
    logger: { warn: log, error: log },
  });
  consumer.on('invalid', (record) => {
    lastMessageAt = now();
    log(
      `skipping an invalid event at ${record.topic}/${record.partition}@${record.offset}: ${record.reason} (${consumer.stats().invalid + 1} so far)`,
    );
  });
  consumer.on('error', (error) => log(`consumer stopped: ${error.message}`));
  await consumer.start();

  // Event time only moves with events; this timer closes minutes when none arrive, so an outage
  // shows. Only when idle: while catching up on a backlog, the events' own times lead, and moving
  // the watermark to the wall clock would turn the whole backlog into late events.
  const timer = setInterval(() => {
    if (now() - lastMessageAt >= config.advanceEveryMs) {
      engine.advance(new Date(now() - engine.options.allowedLatenessMs));
    }
  }, config.advanceEveryMs);

  let stopped: Promise<void> | undefined;
  return {
    engine,
    restored,
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        await consumer.stop();
        await saveState(engine, config.stateFile);
        log(`alert state saved to ${config.stateFile}`);
      })();
      return stopped;
    },
  };
}
