import type { WarehouseValue } from '@orderstream/core';
import { withRetry } from '@orderstream/core';
import type {
  ConsumedRecord,
  OutgoingHeaders,
  OutgoingRecord,
  ProducerClient,
} from '../client/kafka-client.js';
import type { DeadLetterCode } from '../errors/kafka-error-codes.js';
import { kafkaError } from '../errors/kafka-error-codes.js';
import type { DeadLetterInfo } from './events.js';
import type { RetrySettings } from './retry-settings.js';

/** The headers added to a dead-lettered record, besides its own. */
export const DEAD_LETTER_HEADERS = {
  /** The reason code, one of the `KAFKA_MESSAGE_*` codes. */
  errorCode: 'x-error-code',
  /** A sentence saying what is wrong (the first schema issues for invalid events). */
  errorReason: 'x-error-reason',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  /** When the sink rejected it, ISO 8601. */
  failedAt: 'x-failed-at',
  /** Present (`true`) when the value was too large even for the dead-letter topic and was dropped. */
  valueOmitted: 'x-value-omitted',
} as const;

const MAX_REASON_CHARS = 1000;

/** A rejected record: what goes to the dead-letter topic, and its `raw_rejects` row. */
export interface DeadLetter {
  /** The record's offset: the reject is committed with the offset range that holds it. */
  readonly offset: bigint;
  readonly record: OutgoingRecord;
  readonly info: DeadLetterInfo;
  readonly reject: Record<string, WarehouseValue>;
}

/** Why a record is rejected. */
export interface RejectReason {
  readonly code: DeadLetterCode;
  readonly reason: string;
  /** The first offending field path, when known. */
  readonly field: string | null;
  /** The value as text for `raw_rejects.raw`, when small enough to keep. */
  readonly text: string | null;
}

function flattenHeaders(headers: ConsumedRecord['headers']): OutgoingHeaders {
  const out: Record<string, string | Buffer | (string | Buffer)[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? [...value] : (value as string | Buffer);
  }
  return out;
}

/**
 * Builds the dead letter of a record: its key, value and headers plus the
 * {@link DEAD_LETTER_HEADERS}, and its `raw_rejects` row (source `kafka`).
 *
 * @param record - the consumed record
 * @param where - its topic and partition, and the dead-letter topic
 * @param why - the reason
 * @param now - the rejection instant, epoch ms
 * @returns the dead letter
 */
export function deadLetterOf(
  record: ConsumedRecord,
  where: { readonly topic: string; readonly partition: number; readonly deadLetterTopic: string },
  why: RejectReason,
  now: number,
): DeadLetter {
  const failedAt = new Date(now);
  const reason =
    why.reason.length > MAX_REASON_CHARS ? `${why.reason.slice(0, MAX_REASON_CHARS - 1)}…` : why.reason;
  const headers: OutgoingHeaders = {
    ...flattenHeaders(record.headers),
    [DEAD_LETTER_HEADERS.errorCode]: why.code,
    [DEAD_LETTER_HEADERS.errorReason]: reason,
    [DEAD_LETTER_HEADERS.originalTopic]: where.topic,
    [DEAD_LETTER_HEADERS.originalPartition]: String(where.partition),
    [DEAD_LETTER_HEADERS.originalOffset]: record.offset,
    [DEAD_LETTER_HEADERS.failedAt]: failedAt.toISOString(),
  };
  return {
    offset: BigInt(record.offset),
    record: { key: record.key, value: record.value, headers },
    info: {
      topic: where.topic,
      partition: where.partition,
      offset: record.offset,
      code: why.code,
      reason,
      deadLetterTopic: where.deadLetterTopic,
    },
    reject: {
      source: 'kafka',
      source_name: where.topic,
      position: `${where.partition}/${record.offset}`,
      line: 0,
      field: why.field,
      code: why.code,
      reason,
      raw: why.text,
      rejected_at: failedAt,
    },
  };
}

/**
 * Publishes dead letters to the dead-letter topic, acknowledged (retried while the broker says
 * the error is retriable). A batch the broker refuses is sent one by one; a record too large even
 * for the dead-letter topic goes without its value (header `x-value-omitted`).
 */
export class DeadLetterPublisher {
  readonly #producer: ProducerClient;
  readonly #topic: string;
  readonly #retry: RetrySettings;
  readonly #onRetry: (error: unknown) => void;

  /**
   * @param producer - a connected producer
   * @param topic - the dead-letter topic
   * @param retry - the backoff settings
   * @param onRetry - told of each retried failure (to report it and keep the group session alive)
   */
  constructor(
    producer: ProducerClient,
    topic: string,
    retry: RetrySettings,
    onRetry: (error: unknown) => void,
  ) {
    this.#producer = producer;
    this.#topic = topic;
    this.#retry = retry;
    this.#onRetry = onRetry;
  }

  /**
   * Publishes and waits for the acknowledgement.
   *
   * @param deadLetters - what to publish
   * @throws `OrderstreamError` `KAFKA_DEAD_LETTER_FAILED` when a record cannot be published
   */
  async publish(deadLetters: readonly DeadLetter[]): Promise<void> {
    if (deadLetters.length === 0) return;
    const send = (records: readonly OutgoingRecord[]) =>
      this.#producer.send({ topic: this.#topic, records, compression: 'gzip' });
    const retry = <T>(operation: () => Promise<T>) =>
      withRetry(operation, {
        ...this.#retry,
        isRetryable: (error) => (error as { retriable?: unknown } | null)?.retriable === true,
        onRetry: this.#onRetry,
      });
    try {
      await retry(() => send(deadLetters.map((d) => d.record)));
    } catch {
      for (const dead of deadLetters) {
        try {
          await retry(() => send([dead.record]));
        } catch (error) {
          const type = (error as { type?: unknown } | null)?.type;
          if (type !== 'MESSAGE_TOO_LARGE' && type !== 'RECORD_LIST_TOO_LARGE') {
            throw kafkaError(
              'KAFKA_DEAD_LETTER_FAILED',
              `Cannot dead-letter ${dead.info.topic}/${dead.info.partition}@${dead.info.offset}: ${(error as Error).message}`,
              { cause: error, details: { ...dead.info }, retryable: false },
            );
          }
          await retry(() =>
            send([
              {
                key: dead.record.key,
                value: null,
                headers: { ...dead.record.headers, [DEAD_LETTER_HEADERS.valueOmitted]: 'true' },
              },
            ]),
          );
        }
      }
    }
  }
}
