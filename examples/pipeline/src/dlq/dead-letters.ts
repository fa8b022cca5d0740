import { OrderstreamError, orderEventSchema, resolveOptions } from '@orderstream/core';
import { DEAD_LETTER_HEADERS, ORDER_SINK_DEFAULTS } from '@orderstream/kafka';
import type { IHeaders } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import type { ReadRecord } from './read-to-end.js';
import { headerText, readToEnd } from './read-to-end.js';

/** The header `dlq replay` adds to a replayed record: `<dlq partition>/<offset>`. */
export const REPLAYED_FROM_HEADER = 'x-replayed-from';

/** The marker topic of `dlq replay` for a dead-letter topic: `<dlq>.replayed`. */
export function replayMarkerTopic(deadLetterTopic: string): string {
  return `${deadLetterTopic}.replayed`;
}

const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/);

const commonSchema = z.object({
  brokers: z.array(z.string().min(1)).min(1),
  deadLetterTopic: topicName.default(ORDER_SINK_DEFAULTS.deadLetterTopic),
  timeoutMs: z.number().int().positive().default(60_000),
});

const inspectSchema = commonSchema.extend({
  samples: z.number().int().min(0).default(3),
});

const replaySchema = commonSchema.extend({
  topic: topicName.default(ORDER_SINK_DEFAULTS.topic),
  markerTopic: topicName.optional(),
  code: z.string().min(1).optional(),
  all: z.boolean().default(false),
  dryRun: z.boolean().default(false),
});

/** Options shared by {@link inspectDeadLetters} and {@link replayDeadLetters}. */
export interface DeadLetterCommonOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /**
   * The dead-letter topic.
   * @defaultValue `'orders.dlq'`
   */
  deadLetterTopic?: string;
  /**
   * The longest to wait for the end of the topics, in milliseconds.
   * @defaultValue `60000`
   */
  timeoutMs?: number;
}

/** Options of {@link inspectDeadLetters}. */
export interface InspectDeadLettersOptions extends DeadLetterCommonOptions {
  /**
   * Samples kept per reason code.
   * @defaultValue `3`
   */
  samples?: number;
}

/** One dead letter as shown by `dlq inspect`. */
export interface DeadLetterSample {
  /** `<partition>/<offset>` in the dead-letter topic. */
  readonly position: string;
  readonly originalTopic: string | null;
  readonly originalPartition: number | null;
  readonly originalOffset: string | null;
  readonly reason: string | null;
  /** The first 200 characters of the value; `null` for tombstones and omitted values. */
  readonly value: string | null;
}

/** What {@link inspectDeadLetters} found. */
export interface DeadLetterReport {
  readonly topic: string;
  readonly total: number;
  /** Per `x-error-code` (`(none)` when missing), most frequent first. */
  readonly codes: readonly { code: string; count: number; samples: readonly DeadLetterSample[] }[];
}

/** Options of {@link replayDeadLetters}. */
export interface ReplayDeadLettersOptions extends DeadLetterCommonOptions {
  /**
   * The topic to re-publish to.
   * @defaultValue `'orders'`
   */
  topic?: string;
  /**
   * The compacted topic recording replayed dead-letter positions.
   * @defaultValue `'<deadLetterTopic>.replayed'`
   */
  markerTopic?: string;
  /** Only dead letters with this `x-error-code`. */
  code?: string;
  /**
   * Replay every dead letter with a value, not only those that now pass `orderEventSchema`.
   * @defaultValue `false`
   */
  all?: boolean;
  /**
   * Report what would be replayed; publish nothing.
   * @defaultValue `false`
   */
  dryRun?: boolean;
}

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

// Failures surface as thrown errors; kafkajs's own retry chatter ("coordinator is loading") would
// only drown the report on stderr.
function kafkaFor(brokers: readonly string[]): Kafka {
  return new Kafka({ brokers: [...brokers], clientId: 'orderstream-dlq', logLevel: logLevel.NOTHING });
}

function sample(record: ReadRecord): DeadLetterSample {
  const h = record.headers;
  const partition = headerText(h, DEAD_LETTER_HEADERS.originalPartition);
  return {
    position: `${record.partition}/${record.offset}`,
    originalTopic: headerText(h, DEAD_LETTER_HEADERS.originalTopic) ?? null,
    originalPartition: partition === undefined ? null : Number(partition),
    originalOffset: headerText(h, DEAD_LETTER_HEADERS.originalOffset) ?? null,
    reason: headerText(h, DEAD_LETTER_HEADERS.errorReason) ?? null,
    value: record.value === null ? null : record.value.toString('utf8').slice(0, 200),
  };
}

/**
 * Reads a dead-letter topic from the beginning to its current end and groups it by
 * `x-error-code`.
 *
 * @param options - brokers, topic, samples per code
 * @returns the counts per code with a few samples
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS`, or `KAFKA_CONNECTION_FAILED` when the end is not reached in time
 * @example
 * ```ts
 * const report = await inspectDeadLetters({ brokers: ['127.0.0.1:9092'] });
 * for (const c of report.codes) console.log(c.code, c.count);
 * ```
 */
export async function inspectDeadLetters(options: InspectDeadLettersOptions): Promise<DeadLetterReport> {
  const o = resolveOptions('InspectDeadLetters', inspectSchema, options);
  const records = await readToEnd(kafkaFor(o.brokers), [o.deadLetterTopic], o.timeoutMs);
  const codes = new Map<string, { code: string; count: number; samples: DeadLetterSample[] }>();
  for (const record of records) {
    const code = headerText(record.headers, DEAD_LETTER_HEADERS.errorCode) ?? '(none)';
    let entry = codes.get(code);
    if (!entry) {
      entry = { code, count: 0, samples: [] };
      codes.set(code, entry);
    }
    entry.count++;
    if (entry.samples.length < o.samples) entry.samples.push(sample(record));
  }
  return {
    topic: o.deadLetterTopic,
    total: records.length,
    codes: [...codes.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
  };
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
 * @param options - brokers, topics, filters and dry run
 * @returns what was replayed and skipped
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS`, or `KAFKA_CONNECTION_FAILED` when the end is not
 *   reached in time, `KAFKA_PRODUCE_FAILED` when the transaction fails (nothing is then published)
 * @example
 * ```ts
 * const report = await replayDeadLetters({ brokers: ['127.0.0.1:9092'], code: 'KAFKA_MESSAGE_INVALID' });
 * console.log(`${report.replayed.length} replayed`);
 * ```
 */
export async function replayDeadLetters(options: ReplayDeadLettersOptions): Promise<ReplayReport> {
  const o = resolveOptions('ReplayDeadLetters', replaySchema, options);
  const markerTopic = o.markerTopic ?? replayMarkerTopic(o.deadLetterTopic);
  const kafka = kafkaFor(o.brokers);
  const records = await readToEnd(kafka, [o.deadLetterTopic, markerTopic], o.timeoutMs);
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
  const messages: { key: Buffer | null; value: Buffer; headers: IHeaders }[] = [];
  for (const record of records) {
    if (record.topic !== o.deadLetterTopic) continue;
    report.scanned++;
    const position = `${record.partition}/${record.offset}`;
    if (o.code !== undefined && headerText(record.headers, DEAD_LETTER_HEADERS.errorCode) !== o.code) {
      report.otherCode++;
    } else if (done.has(position)) {
      report.alreadyReplayed++;
    } else if (
      record.value === null ||
      headerText(record.headers, DEAD_LETTER_HEADERS.valueOmitted) === 'true'
    ) {
      report.noValue++;
    } else if (!o.all && !isValidOrderEvent(record.value)) {
      report.stillInvalid++;
    } else {
      const headers: IHeaders = {};
      for (const [name, value] of Object.entries(record.headers)) {
        if (!DEAD_LETTER_HEADER_NAMES.has(name) && value !== undefined) headers[name] = value;
      }
      headers[REPLAYED_FROM_HEADER] = position;
      messages.push({ key: record.key, value: record.value, headers });
      report.replayed.push(position);
    }
  }
  if (o.dryRun || messages.length === 0) return report;

  let markers: { partition: number; lastOffset: bigint }[] = [];
  try {
    const admin = kafka.admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(markerTopic))
        await admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic: markerTopic,
              numPartitions: 1,
              configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
            },
          ],
        });
    } finally {
      await admin.disconnect();
    }
    // One transaction for the records and their markers: both land, or neither. The fixed
    // transactional id fences a concurrent replay of the same dead-letter topic.
    const producer = kafka.producer({
      transactionalId: `orderstream-dlq-replay-${o.deadLetterTopic}`,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    try {
      const transaction = await producer.transaction();
      try {
        await transaction.send({ topic: o.topic, acks: -1, messages });
        const written = await transaction.send({
          topic: markerTopic,
          acks: -1,
          messages: report.replayed.map((position) => ({
            key: `${markerPrefix}${position}`,
            value: JSON.stringify({ replayedTo: o.topic, at: new Date().toISOString() }),
          })),
        });
        markers = written.map((m) => ({
          partition: m.partition,
          lastOffset: BigInt(m.baseOffset ?? '0') + BigInt(report.replayed.length) - 1n,
        }));
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        throw error;
      }
    } finally {
      await producer.disconnect();
    }
  } catch (error) {
    throw new OrderstreamError(
      'KAFKA_PRODUCE_FAILED',
      `Replay to ${o.topic} failed (its transaction is aborted; run it again): ${(error as Error).message}`,
      { cause: error, details: { topic: o.topic, markerTopic }, retryable: true },
    );
  }
  await waitUntilVisible(kafka, markerTopic, markers, o.timeoutMs);
  return report;
}

/**
 * Waits until committed readers see the markers: the broker writes the commit markers after the
 * commit returns, and until then the last stable offset (what {@link readToEnd} reads up to)
 * stays before them, so a replay started right after would not see them.
 */
async function waitUntilVisible(
  kafka: Kafka,
  topic: string,
  markers: readonly { partition: number; lastOffset: bigint }[],
  timeoutMs: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ends = await admin.fetchTopicOffsets(topic);
      const visible = markers.every((m) =>
        ends.some((e) => e.partition === m.partition && BigInt(e.high) > m.lastOffset),
      );
      if (visible) return;
      if (Date.now() > deadline)
        throw new OrderstreamError(
          'KAFKA_CONNECTION_FAILED',
          `Replayed, but the markers on ${topic} did not become visible within ${timeoutMs} ms`,
          { details: { topic, timeoutMs }, retryable: true },
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await admin.disconnect();
  }
}
