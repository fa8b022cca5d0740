import { randomBytes } from 'node:crypto';
import { isOrderstreamError, OrderstreamError } from '@orderstream/core';
import type { IHeaders, Kafka } from 'kafkajs';

/** A record read by {@link readToEnd}. */
export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/**
 * Reads topics from their low to their high watermarks as they are when called, then stops: a
 * bounded snapshot, whatever arrives meanwhile is left for the next run. Uses a throw-away
 * consumer group that commits nothing and is deleted afterwards. Topics that do not exist read as
 * empty.
 *
 * @param kafka - the kafkajs client
 * @param topics - the topics to read
 * @param timeoutMs - the longest to wait for the end, in milliseconds
 * @returns the records, in offset order per partition
 * @throws `OrderstreamError` `KAFKA_CONNECTION_FAILED` when the brokers fail or the end is not reached in time
 */
export async function readToEnd(
  kafka: Kafka,
  topics: readonly string[],
  timeoutMs: number,
): Promise<ReadRecord[]> {
  try {
    return await read(kafka, topics, timeoutMs);
  } catch (error) {
    if (isOrderstreamError(error)) throw error;
    throw new OrderstreamError(
      'KAFKA_CONNECTION_FAILED',
      `Cannot read ${topics.join(', ')}: ${(error as Error).message}`,
      { cause: error, details: { topics }, retryable: true },
    );
  }
}

async function read(kafka: Kafka, topics: readonly string[], timeoutMs: number): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `orderstream-dlq-reader-${randomBytes(6).toString('hex')}`;
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    const pending = new Map<string, bigint>(); // `topic/partition` → last offset to read
    for (const topic of present) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) pending.set(`${topic}/${p.partition}`, BigInt(p.high) - 1n);
      }
    }
    if (pending.size === 0) return [];
    const records: ReadRecord[] = [];
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      let done: () => void = () => {};
      const finished = new Promise<void>((resolve) => {
        done = resolve;
      });
      await consumer.subscribe({ topics: [...present], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const id = `${batch.topic}/${batch.partition}`;
          const last = pending.get(id);
          if (last === undefined) return;
          for (const message of batch.messages) {
            if (BigInt(message.offset) > last) break;
            records.push({
              topic: batch.topic,
              partition: batch.partition,
              offset: message.offset,
              key: message.key,
              value: message.value,
              headers: message.headers ?? {},
            });
          }
          // lastOffset() counts control records and compacted offsets too: the end of a topic
          // written in transactions is a commit marker, never handed out as a message.
          if (BigInt(batch.lastOffset()) >= last) {
            pending.delete(id);
            if (pending.size === 0) done();
          }
        },
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new OrderstreamError(
                'KAFKA_CONNECTION_FAILED',
                `Did not reach the end of ${[...pending.keys()].join(', ')} within ${timeoutMs} ms`,
                { details: { topics, timeoutMs }, retryable: true },
              ),
            ),
          timeoutMs,
        );
      });
      try {
        await Promise.race([finished, timeout]);
      } finally {
        clearTimeout(timer);
      }
    } finally {
      await consumer.disconnect();
    }
    const order = (a: ReadRecord, b: ReadRecord) =>
      a.topic.localeCompare(b.topic) ||
      a.partition - b.partition ||
      Number(BigInt(a.offset) - BigInt(b.offset));
    return records.sort(order);
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** A header's first value as text. */
export function headerText(headers: IHeaders, name: string): string | undefined {
  const value = headers[name];
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined ? undefined : one.toString();
}
