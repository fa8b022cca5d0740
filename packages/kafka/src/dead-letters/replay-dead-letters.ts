import { orderEventSchema, resolveOptions } from '@orderstream/core';
import type { KafkaClientFactory, OutgoingRecord } from '../client/kafka-client.js';
import { kafkaError } from '../errors/kafka-error-codes.js';
import { readToEnd } from '../internal/read-to-end.js';
import { withAdmin } from '../internal/with-admin.js';
import { DEAD_LETTER_HEADERS } from '../sink/order-sink.js';
import type { ReplayDeadLettersOptions } from './options.js';
import { replayDeadLettersOptionsSchema } from './options.js';
import { factoryFor, toDeadLetter } from './read-dead-letters.js';
import { REPLAYED_FROM_HEADER, replayMarkerTopicFor } from './topic-names.js';

/** What {@link replayDeadLetters} did. */
export interface ReplayReport {
  readonly scanned: number;
  /** Dead-letter positions (`<partition>/<offset>`) re-published (or, in a dry run, that would be). */
  readonly replayed: readonly string[];
  readonly alreadyReplayed: number;
  /** Still not a valid order event (without `all`). */
  readonly stillInvalid: number;
  /** No value to replay (tombstone, or value omitted). */
  readonly noValue: number;
  /** Another `x-error-code` than `code`. */
  readonly otherCode: number;
  readonly dryRun: boolean;
}

const DEAD_LETTER_HEADER_NAMES = new Set<string>([
  ...Object.values(DEAD_LETTER_HEADERS),
  REPLAYED_FROM_HEADER,
]);

function isValidOrderEvent(value: Buffer): boolean {
  try {
    return orderEventSchema.safeParse(JSON.parse(value.toString('utf8'))).success;
  } catch {
    return false;
  }
}

/**
 * Re-publishes dead letters to the orders topic with their original key, value and headers (minus
 * the dead-letter headers) plus `x-replayed-from: <dlq partition>/<offset>`: those that now pass
 * `orderEventSchema`, or all with a value (`all`), optionally of one `code`.
 *
 * Idempotent: every replayed position is recorded in a compacted marker topic (key
 * `<dlq topic>/<partition>/<offset>`) in the same Kafka transaction as the replayed records, so a
 * position is replayed at most once across runs, and a failed run publishes nothing.
 *
 * @param options - brokers or a client factory, topics, filters and dry run
 * @returns what was replayed and skipped
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` (also for a client factory without
 *   transactions), `KAFKA_CONNECTION_FAILED` when the end is not reached in time,
 *   `KAFKA_PRODUCE_FAILED` when the transaction fails (nothing is then published)
 * @example
 * ```ts
 * const report = await replayDeadLetters({ brokers: ['127.0.0.1:9092'], code: 'KAFKA_MESSAGE_INVALID' });
 * console.log(`${report.replayed.length} replayed`);
 * ```
 */
export async function replayDeadLetters(options: ReplayDeadLettersOptions): Promise<ReplayReport> {
  const o = resolveOptions('ReplayDeadLetters', replayDeadLettersOptionsSchema, options);
  const factory = factoryFor(o);
  const markerTopic = o.markerTopic ?? replayMarkerTopicFor(o.deadLetterTopic);
  const records = await readToEnd(factory, [o.deadLetterTopic, markerTopic], { timeoutMs: o.timeoutMs });
  const markerPrefix = `${o.deadLetterTopic}/`;
  const done = new Set(
    records
      .filter((r) => r.topic === markerTopic && r.value !== null)
      .map((r) => r.key?.toString('utf8') ?? '')
      .filter((k) => k.startsWith(markerPrefix))
      .map((k) => k.slice(markerPrefix.length)),
  );
  const report = {
    scanned: 0,
    replayed: [] as string[],
    alreadyReplayed: 0,
    stillInvalid: 0,
    noValue: 0,
    otherCode: 0,
    dryRun: o.dryRun,
  };
  const messages: OutgoingRecord[] = [];
  for (const record of records) {
    if (record.topic !== o.deadLetterTopic) continue;
    const d = toDeadLetter(record);
    report.scanned++;
    if (o.code !== undefined && d.code !== o.code) {
      report.otherCode++;
    } else if (done.has(d.position)) {
      report.alreadyReplayed++;
    } else if (d.value === null || d.valueOmitted) {
      report.noValue++;
    } else if (!o.all && !isValidOrderEvent(d.value)) {
      report.stillInvalid++;
    } else {
      const headers: Record<string, string | Buffer | (string | Buffer)[]> = {};
      for (const [name, value] of Object.entries(d.headers)) {
        if (!DEAD_LETTER_HEADER_NAMES.has(name) && value !== undefined)
          headers[name] = Array.isArray(value) ? [...value] : (value as string | Buffer);
      }
      headers[REPLAYED_FROM_HEADER] = d.position;
      messages.push({ key: d.key, value: d.value, headers });
      report.replayed.push(d.position);
    }
  }
  if (o.dryRun || messages.length === 0) return report;

  const transactionalId = `orderstream-dlq-replay-${o.deadLetterTopic}`;
  const markers = await publish(factory, transactionalId, o.topic, markerTopic, messages, () =>
    report.replayed.map((position) => ({
      key: `${markerPrefix}${position}`,
      value: JSON.stringify({ replayedTo: o.topic, at: new Date().toISOString() }),
    })),
  );
  await waitUntilVisible(factory, markerTopic, markers, o.timeoutMs);
  return report;
}

async function publish(
  factory: KafkaClientFactory,
  transactionalId: string,
  topic: string,
  markerTopic: string,
  records: readonly OutgoingRecord[],
  markerRecords: () => OutgoingRecord[],
): Promise<{ partition: number; lastOffset: bigint }[]> {
  if (factory.transactionalProducer === undefined)
    throw kafkaError(
      'KAFKA_PRODUCE_FAILED',
      'Replaying dead letters needs Kafka transactions; the client factory has no transactionalProducer()',
      { details: { topic } },
    );
  try {
    await withAdmin(factory, async (admin) => {
      if (!(await admin.listTopics()).includes(markerTopic))
        await admin.createTopics([
          {
            name: markerTopic,
            partitions: 1,
            replicationFactor: -1,
            config: { 'cleanup.policy': 'compact' },
          },
        ]);
    });
    // One transaction for the records and their markers: both land, or neither. The fixed
    // transactional id fences a concurrent replay of the same dead-letter topic.
    const producer = factory.transactionalProducer({ transactionalId });
    await producer.connect();
    try {
      const markers = markerRecords();
      const [, written = []] = await producer.sendInTransaction([
        { topic, records },
        { topic: markerTopic, records: markers },
      ]);
      return written.map((m) => ({
        partition: m.partition,
        lastOffset: BigInt(m.baseOffset === '-1' ? '0' : m.baseOffset) + BigInt(markers.length) - 1n,
      }));
    } finally {
      await producer.disconnect();
    }
  } catch (error) {
    throw kafkaError(
      'KAFKA_PRODUCE_FAILED',
      `Replay to ${topic} failed (its transaction is aborted; run it again): ${(error as Error).message}`,
      { cause: error, details: { topic, markerTopic }, retryable: true },
    );
  }
}

/**
 * Waits until committed readers see the markers: the broker writes the commit markers after the
 * commit returns, and until then the last stable offset stays before them, so a replay started
 * right after would not see them.
 */
async function waitUntilVisible(
  factory: KafkaClientFactory,
  topic: string,
  markers: readonly { partition: number; lastOffset: bigint }[],
  timeoutMs: number,
): Promise<void> {
  await withAdmin(factory, async (admin) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ends = await admin.fetchWatermarks(topic);
      const visible = markers.every((m) =>
        ends.some((e) => e.partition === m.partition && BigInt(e.high) > m.lastOffset),
      );
      if (visible) return;
      if (Date.now() > deadline)
        throw kafkaError(
          'KAFKA_CONNECTION_FAILED',
          `Replayed, but the markers on ${topic} did not become visible within ${timeoutMs} ms`,
          { details: { topic, timeoutMs }, retryable: true },
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  });
}
