import { resolveOptions } from '@orderstream/core';
import type { IncomingHeaders, KafkaClientFactory } from '../client/kafka-client.js';
import { createKafkaJsClientFactory } from '../client/kafkajs-client-factory.js';
import type { ReadRecord } from '../internal/read-to-end.js';
import { headerText, readToEnd } from '../internal/read-to-end.js';
import { DEAD_LETTER_HEADERS } from '../sink/order-sink.js';
import type { ReadDeadLettersOptions } from './options.js';
import { readDeadLettersOptionsSchema } from './options.js';

/** One record of a dead-letter topic, with its reason headers read out. */
export interface DeadLetter {
  /** `<partition>/<offset>` in the dead-letter topic. */
  readonly position: string;
  readonly partition: number;
  readonly offset: string;
  /** When it was dead-lettered (the record's timestamp), in milliseconds since the epoch. */
  readonly timestampMs: number;
  /** The `x-error-code` header (`KAFKA_MESSAGE_INVALID`, …), `null` when missing. */
  readonly code: string | null;
  /** The `x-error-reason` header. */
  readonly reason: string | null;
  readonly originalTopic: string | null;
  readonly originalPartition: number | null;
  readonly originalOffset: string | null;
  /** Whether the value was too large for the dead-letter topic and was left out. */
  readonly valueOmitted: boolean;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IncomingHeaders;
}

/** One dead letter as a sample of {@link DeadLetterSummary}. */
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

/** Dead letters counted by reason code. */
export interface DeadLetterSummary {
  readonly topic: string;
  readonly total: number;
  /** Per `x-error-code` (`(none)` when missing), most frequent first. */
  readonly codes: readonly { code: string; count: number; samples: readonly DeadLetterSample[] }[];
}

/** @internal The factory an operation uses: the caller's, or a kafkajs one on its brokers. */
export function factoryFor(o: {
  clientFactory?: KafkaClientFactory | undefined;
  brokers?: string[] | undefined;
  clientId: string;
}): KafkaClientFactory {
  return o.clientFactory ?? createKafkaJsClientFactory({ brokers: o.brokers ?? [], clientId: o.clientId });
}

/** @internal A read record as a {@link DeadLetter}. */
export function toDeadLetter(record: ReadRecord): DeadLetter {
  const h = record.headers;
  const partition = headerText(h, DEAD_LETTER_HEADERS.originalPartition);
  return {
    position: `${record.partition}/${record.offset}`,
    partition: record.partition,
    offset: record.offset,
    timestampMs: record.timestampMs,
    code: headerText(h, DEAD_LETTER_HEADERS.errorCode) ?? null,
    reason: headerText(h, DEAD_LETTER_HEADERS.errorReason) ?? null,
    originalTopic: headerText(h, DEAD_LETTER_HEADERS.originalTopic) ?? null,
    originalPartition: partition === undefined ? null : Number(partition),
    originalOffset: headerText(h, DEAD_LETTER_HEADERS.originalOffset) ?? null,
    valueOmitted: headerText(h, DEAD_LETTER_HEADERS.valueOmitted) === 'true',
    key: record.key,
    value: record.value,
    headers: h,
  };
}

/**
 * Reads a dead-letter topic from the beginning (or from `sinceMs`) to its current end: a bounded
 * snapshot; what arrives meanwhile is left for the next read. Commits nothing (a throw-away
 * consumer group, deleted afterwards). A topic that does not exist reads as empty.
 *
 * @param options - brokers or a client factory, the topic, a start time and a timeout
 * @returns the dead letters, by partition and offset
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS`, or `KAFKA_CONNECTION_FAILED` when the end is not reached in time
 * @example
 * ```ts
 * const deadLetters = await readDeadLetters({ brokers: ['127.0.0.1:9092'], sinceMs: Date.now() - 3_600_000 });
 * for (const d of deadLetters) console.log(d.position, d.code, d.reason);
 * ```
 */
export async function readDeadLetters(options: ReadDeadLettersOptions): Promise<DeadLetter[]> {
  const o = resolveOptions('ReadDeadLetters', readDeadLettersOptionsSchema, options);
  const records = await readToEnd(factoryFor(o), [o.deadLetterTopic], {
    timeoutMs: o.timeoutMs,
    sinceMs: o.sinceMs,
  });
  return records.map(toDeadLetter);
}

/**
 * Counts dead letters by `x-error-code`, keeping a few samples of each.
 *
 * @param topic - the dead-letter topic, for the report
 * @param deadLetters - what {@link readDeadLetters} returned
 * @param samples - samples kept per code
 * @returns the counts per code, most frequent first
 * @example
 * ```ts
 * const summary = summarizeDeadLetters('orders.dlq', await readDeadLetters({ brokers }), 3);
 * for (const c of summary.codes) console.log(c.code, c.count);
 * ```
 */
export function summarizeDeadLetters(
  topic: string,
  deadLetters: readonly DeadLetter[],
  samples = 3,
): DeadLetterSummary {
  const codes = new Map<string, { code: string; count: number; samples: DeadLetterSample[] }>();
  for (const d of deadLetters) {
    const code = d.code ?? '(none)';
    let entry = codes.get(code);
    if (!entry) {
      entry = { code, count: 0, samples: [] };
      codes.set(code, entry);
    }
    entry.count++;
    if (entry.samples.length < samples)
      entry.samples.push({
        position: d.position,
        originalTopic: d.originalTopic,
        originalPartition: d.originalPartition,
        originalOffset: d.originalOffset,
        reason: d.reason,
        value: d.value === null ? null : d.value.toString('utf8').slice(0, 200),
      });
  }
  return {
    topic,
    total: deadLetters.length,
    codes: [...codes.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
  };
}
