import { readFile } from 'node:fs/promises';
import type { AlertEngine, AlertEngineOptions, HistoryPoint } from '@orderstream/core';
import { createAlertEngine, orderEventSchema } from '@orderstream/core';
import { Kafka, logLevel } from 'kafkajs';
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
 * Starts a plain kafkajs consumer that feeds order events to an alert engine, delivers its alerts,
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

  const kafka = new Kafka({
    clientId: 'orderstream-custom-consumer',
    brokers: config.brokers,
    logLevel: logLevel.WARN,
  });
  const consumer = kafka.consumer({ groupId: config.groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: config.topic, fromBeginning: config.fromBeginning });
  let rejected = 0;
  let lastMessageAt = Number.NEGATIVE_INFINITY;
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      lastMessageAt = now();
      if (message.value === null) return;
      let json: unknown;
      try {
        json = JSON.parse(message.value.toString('utf8'));
      } catch {
        json = undefined;
      }
      const parsed = orderEventSchema.safeParse(json);
      if (!parsed.success) {
        rejected += 1;
        log(
          `skipping an invalid event at ${config.topic}/${partition}@${message.offset} (${rejected} so far)`,
        );
        return;
      }
      engine.ingest(parsed.data);
    },
  });

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
        await consumer.disconnect();
        await saveState(engine, config.stateFile);
        log(`alert state saved to ${config.stateFile}`);
      })();
      return stopped;
    },
  };
}
