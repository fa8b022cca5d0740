import { randomBytes } from 'node:crypto';
import { isOrderstreamError } from '@orderstream/core';
import type { IncomingHeaders, KafkaClientFactory } from '../client/kafka-client.js';
import { stderrKafkaLogger } from '../client/kafka-logger.js';
import { kafkaError } from '../errors/kafka-error-codes.js';
import { withAdmin } from './with-admin.js';

/** A record read by {@link readToEnd}. */
export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestampMs: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IncomingHeaders;
}

/**
 * Reads topics from their low watermarks (or the first offset at or after `sinceMs`) to their
 * high watermarks as they are when called, then stops: a bounded snapshot; whatever arrives
 * meanwhile is left for the next run. Uses a throw-away consumer group that commits nothing and
 * is deleted afterwards (a failure to delete it is a warning on the factory's `logger`). Topics
 * that do not exist read as empty.
 *
 * @returns the records, sorted by topic, partition and offset
 * @throws `OrderstreamError` `KAFKA_CONNECTION_FAILED` when the brokers fail or the end is not reached in time
 */
export async function readToEnd(
  factory: KafkaClientFactory,
  topics: readonly string[],
  options: { readonly timeoutMs: number; readonly sinceMs?: number | undefined },
): Promise<ReadRecord[]> {
  try {
    return await read(factory, topics, options.timeoutMs, options.sinceMs);
  } catch (error) {
    if (isOrderstreamError(error)) throw error;
    throw kafkaError(
      'KAFKA_CONNECTION_FAILED',
      `Cannot read ${topics.join(', ')}: ${(error as Error).message}`,
      {
        cause: error,
        details: { topics },
        retryable: true,
      },
    );
  }
}

async function read(
  factory: KafkaClientFactory,
  topics: readonly string[],
  timeoutMs: number,
  sinceMs: number | undefined,
): Promise<ReadRecord[]> {
  const groupId = `orderstream-reader-${randomBytes(6).toString('hex')}`;
  let joined = false;
  return withAdmin(factory, async (admin) => {
    try {
      const existing = new Set(await admin.listTopics());
      const present = topics.filter((t) => existing.has(t));
      const first = new Map<string, bigint>(); // `topic/partition` → first offset to read
      const pending = new Map<string, bigint>(); // `topic/partition` → last offset to read
      for (const topic of present) {
        const starts =
          sinceMs === undefined ? undefined : await admin.fetchOffsetsByTimestamp(topic, sinceMs);
        for (const p of await admin.fetchWatermarks(topic)) {
          const since = starts?.find((s) => s.partition === p.partition)?.offset;
          const from = since === undefined ? BigInt(p.low) : maxOf(BigInt(since), BigInt(p.low));
          if (BigInt(p.high) > from) {
            first.set(`${topic}/${p.partition}`, from);
            pending.set(`${topic}/${p.partition}`, BigInt(p.high) - 1n);
          }
        }
      }
      if (pending.size === 0) return [];
      const records: ReadRecord[] = [];
      const consumer = factory.consumer({
        groupId,
        sessionTimeoutMs: 30_000,
        heartbeatIntervalMs: 3_000,
        fetchMaxBytes: 8 * 1024 * 1024,
        fetchMaxBytesPerPartition: 1024 * 1024,
        fetchMaxWaitMs: 100,
      });
      await consumer.connect();
      joined = true;
      try {
        let done: () => void = () => {};
        let failed: (error: unknown) => void = () => {};
        const finished = new Promise<void>((resolve, reject) => {
          done = resolve;
          failed = reject;
        });
        for (const topic of present) await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run(
          {
            onAssignment: (assignment) => {
              if (sinceMs === undefined) return;
              for (const { topic, partitions } of assignment)
                for (const partition of partitions) {
                  const from = first.get(`${topic}/${partition}`);
                  if (from !== undefined) consumer.seek(topic, partition, from.toString());
                }
            },
            onCrash: (error, restarting) => {
              if (!restarting) failed(error);
            },
            eachBatch: async (batch) => {
              const id = `${batch.topic}/${batch.partition}`;
              const last = pending.get(id);
              if (last === undefined) return;
              const from = first.get(id) ?? 0n;
              for (const message of batch.records) {
                const offset = BigInt(message.offset);
                if (offset > last) break;
                if (offset < from) continue;
                records.push({
                  topic: batch.topic,
                  partition: batch.partition,
                  offset: message.offset,
                  timestampMs: Number(message.timestamp),
                  key: message.key,
                  value: message.value,
                  headers: message.headers ?? {},
                });
              }
              // The last offset counts transaction markers and compacted offsets too: the end of a
              // topic written in transactions is a commit marker, never handed out as a record.
              const reached = batch.lastOffset ?? batch.records.at(-1)?.offset;
              if (reached !== undefined && BigInt(reached) >= last) {
                pending.delete(id);
                if (pending.size === 0) done();
              }
            },
          },
          { partitionsConsumedConcurrently: 1 },
        );
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                kafkaError(
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
        await consumer.stop().catch(() => undefined);
        await consumer.disconnect();
      }
      const order = (a: ReadRecord, b: ReadRecord) =>
        a.topic.localeCompare(b.topic) ||
        a.partition - b.partition ||
        Number(BigInt(a.offset) - BigInt(b.offset));
      return records.sort(order);
    } finally {
      // The read is done (or failed on its own): a group left behind is reported, not raised.
      if (joined)
        await admin.deleteGroups([groupId]).catch((error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          (factory.logger ?? stderrKafkaLogger).warn(
            `Could not delete the temporary consumer group ${groupId} after reading ${topics.join(', ')}: ${reason}`,
            { groupId, topics: [...topics] },
          );
        });
    }
  });
}

function maxOf(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** A header's first value as text. */
export function headerText(headers: IncomingHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined ? undefined : one.toString();
}
