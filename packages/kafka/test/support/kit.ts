import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDbWarehouse } from '@orderstream/duckdb';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import type { ConsumedRecord } from '@orderstream/kafka';
import { createKafkaJsClientFactory, ensureTopics } from '@orderstream/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { inject } from 'vitest';

/** The brokers the global setup provides. */
export function brokers(): string[] {
  return inject('kafkaBrokers').split(',');
}

/** A name no other test (or earlier run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Creates a fresh orders topic and its dead-letter topic. */
export async function freshTopics(partitions: number): Promise<{ topic: string; dlq: string }> {
  const topic = uniqueName('it-orders');
  const dlq = `${topic}.dlq`;
  const report = await ensureTopics({
    brokers: brokers(),
    ordersTopic: topic,
    deadLetterTopic: dlq,
    partitions,
  });
  if (report.topics.some((t) => t.status !== 'created'))
    throw new Error(`topics not fresh: ${JSON.stringify(report)}`);
  return { topic, dlq };
}

/** A DuckDB warehouse in a temporary folder, migrated; `dispose` closes and deletes it. */
export async function tempWarehouse(): Promise<{
  warehouse: DuckDbWarehouse;
  path: string;
  reopen: () => Promise<DuckDbWarehouse>;
  dispose: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-kafka-it-'));
  const path = join(dir, 'warehouse.duckdb');
  const opened: DuckDbWarehouse[] = [];
  const open = async () => {
    const w = await createDuckDbWarehouse({ path, config: { threads: '2' } });
    await w.migrate();
    opened.push(w);
    return w;
  };
  const warehouse = await open();
  return {
    warehouse,
    path,
    reopen: open,
    dispose: async () => {
      for (const w of opened) await w.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns true, or throws after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Reads a whole topic from the beginning (until `count` records arrived or `timeoutMs`). */
export async function readTopic(
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<Array<ConsumedRecord & { partition: number }>> {
  const kafka = new Kafka({ brokers: brokers(), clientId: 'it-reader', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('it-reader') });
  const records: Array<ConsumedRecord & { partition: number }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        records.push({ ...message, partition });
      },
    });
    await waitFor(() => records.length >= count, timeoutMs, `${count} records on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** The group's committed offsets and the topic's high watermarks. */
export async function groupLag(
  groupId: string,
  topic: string,
): Promise<{ partition: number; lag: number }[]> {
  const admin = createKafkaJsClientFactory({ brokers: brokers() }).admin();
  await admin.connect();
  try {
    const marks = await admin.fetchWatermarks(topic);
    const committed = await admin.fetchCommittedOffsets(groupId, topic);
    return marks
      .sort((a, b) => a.partition - b.partition)
      .map((m) => {
        const c = committed.find((x) => x.partition === m.partition)?.offset ?? '-1';
        return { partition: m.partition, lag: Number(m.high) - Math.max(0, Number(c)) };
      });
  } finally {
    await admin.disconnect();
  }
}

/** Header value as text. */
export function header(record: ConsumedRecord, name: string): string | undefined {
  const value = record.headers?.[name];
  if (value === undefined) return undefined;
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined ? undefined : one.toString();
}

/** The value, or a test failure naming what was missing. */
export function defined<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what} to be defined`);
  return value;
}
