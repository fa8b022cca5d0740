/**
 * An order consumer of its own (`createOrderConsumer`) that embeds the orderstream alert engine: it reads order events from
 * Kafka, feeds them to the engine, prints alerts or POSTs them to a webhook, and keeps its
 * baselines across restarts in a snapshot file. See README.md.
 */
import { startAlertConsumer } from './alert-consumer.js';

const env = process.env;
const consumer = await startAlertConsumer({
  brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim()),
  topic: env.ORDERS_TOPIC ?? 'orders',
  groupId: env.GROUP_ID ?? 'orderstream-alerts',
  fromBeginning: env.FROM_BEGINNING === 'true',
  stateFile: env.STATE_FILE ?? 'alert-state.json',
  historyFile: env.HISTORY_FILE,
  webhookUrl: env.WEBHOOK_URL,
  advanceEveryMs: Number(env.ADVANCE_EVERY_MS ?? 10_000),
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: stopping`);
    consumer.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
