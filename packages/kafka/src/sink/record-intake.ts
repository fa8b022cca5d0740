import type { EventTimeWindow } from '@orderstream/core';
import { ORDER_EVENT_SCHEMA_VERSION, OrderEventScanner, toOrderEventRow } from '@orderstream/core';
import type { ConsumedBatch, ConsumedRecord } from '../client/kafka-client.js';
import { decodeOrderRecord } from '../internal/decode-order-record.js';
import { ORDER_EVENT_CONTENT_TYPE, ORDER_EVENT_HEADERS } from '../producer/headers.js';
import { deadLetterOf } from './dead-letter-publisher.js';
import type { PartitionBuffers, PartitionState } from './partition-buffers.js';
import type { SinkMetrics } from './sink-metrics.js';

/** What the intake needs to decode and judge records. */
export interface RecordIntakeOptions {
  readonly deadLetterTopic: string;
  readonly maxMessageBytes: number;
  readonly tombstones: 'dead-letter' | 'skip';
  readonly eventTimeWindow: EventTimeWindow;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const SCHEMA_VERSION = utf8(String(ORDER_EVENT_SCHEMA_VERSION));
const CONTENT_TYPE = utf8(ORDER_EVENT_CONTENT_TYPE);
const EVENT_TYPE_FIELD = 1;
const ORDER_ID_FIELD = 3;

/** Whether `bytes` equals `value[from, to)`. */
function equalBytes(bytes: Uint8Array, value: Uint8Array, from: number, to: number): boolean {
  if (bytes.length !== to - from) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== value[from + i]) return false;
  return true;
}

const copyBytes = (bytes: Buffer | null): Buffer | null => (bytes === null ? null : Buffer.from(bytes));
const copyHeader = (value: string | Buffer): string | Buffer =>
  typeof value === 'string' ? value : Buffer.from(value);

/**
 * A copy of a record's bytes, for a dead letter kept until the flush: the fetched batch is released
 * once taken (see `ConsumedBatch.release`), and a view of it would hold all of it meanwhile.
 */
function ownedCopy(record: ConsumedRecord): ConsumedRecord {
  const headers: Record<string, string | Buffer | (string | Buffer)[] | undefined> = {};
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.map(copyHeader) : copyHeader(value as string | Buffer);
  }
  return { ...record, key: copyBytes(record.key), value: copyBytes(record.value), headers };
}

/**
 * Whether the key and the order event headers of a scanned record plainly agree with the event
 * (the key is the `order_id`, each header present is one buffer holding the expected bytes).
 * Anything else goes the slow way, which words the reason when they disagree.
 */
function plainEnvelope(record: ConsumedRecord, scanner: OrderEventScanner, value: Uint8Array): boolean {
  const { starts, ends } = scanner;
  if (
    record.key !== null &&
    !equalBytes(record.key, value, starts[ORDER_ID_FIELD] ?? 0, ends[ORDER_ID_FIELD] ?? 0)
  ) {
    return false;
  }
  const headers = record.headers;
  if (headers === undefined) return true;
  const version = headers[ORDER_EVENT_HEADERS.schemaVersion];
  const type = headers[ORDER_EVENT_HEADERS.eventType];
  const content = headers[ORDER_EVENT_HEADERS.contentType];
  return (
    (version === undefined || (Buffer.isBuffer(version) && version.equals(SCHEMA_VERSION))) &&
    (type === undefined ||
      (Buffer.isBuffer(type) &&
        equalBytes(type, value, starts[EVENT_TYPE_FIELD] ?? 0, ends[EVENT_TYPE_FIELD] ?? 0))) &&
    (content === undefined || (Buffer.isBuffer(content) && content.equals(CONTENT_TYPE)))
  );
}

/**
 * Takes a fetched batch into a partition's buffer: skips redeliveries below the position, counts
 * offset gaps, decodes and validates each record into a `raw_order_events` row, or a dead letter
 * with its reason (or a skipped tombstone).
 *
 * An event whose bytes the {@link OrderEventScanner} accepts, with a plain envelope and an
 * `event_time` inside the window, goes straight into the buffer's columns; every other record is
 * decoded the slow way (`decodeOrderRecord`: strict UTF-8, `JSON.parse`, zod), which decides and
 * words the reason.
 */
export class RecordIntake {
  readonly #o: RecordIntakeOptions;
  readonly #buffers: PartitionBuffers;
  readonly #metrics: SinkMetrics;
  readonly #scanner = new OrderEventScanner();
  #topic: { readonly name: string; readonly bytes: Buffer } = { name: '', bytes: Buffer.alloc(0) };

  /**
   * @param options - the dead-letter topic and what is accepted
   * @param buffers - where records go (and the byte budget they count in)
   * @param metrics - redeliveries and gaps are counted here
   */
  constructor(options: RecordIntakeOptions, buffers: PartitionBuffers, metrics: SinkMetrics) {
    this.#o = options;
    this.#buffers = buffers;
    this.#metrics = metrics;
  }

  /**
   * Takes the batch's records at or after the partition's position.
   *
   * @param state - the partition
   * @param batch - the fetched records
   * @param now - the clock, epoch ms (`x-failed-at` and the `event_time` window)
   */
  take(state: PartitionState, batch: ConsumedBatch, now: number): void {
    if (this.#topic.name !== batch.topic) this.#topic = { name: batch.topic, bytes: utf8(batch.topic) };
    const origin = { topic: this.#topic.bytes, partition: state.partition, offset: 0 };
    const { maxAgeMs, maxAheadMs } = this.#o.eventTimeWindow;
    const earliest = now - maxAgeMs;
    const latest = now + maxAheadMs;
    const scanner = this.#scanner;
    // Offsets as numbers (exact below 2^53, which a partition does not reach in practice); the
    // partition's position stays a bigint.
    let position = state.position === null ? -1 : Number(state.position);
    try {
      for (const record of batch.records) {
        const offset = Number(record.offset);
        if (!Number.isSafeInteger(offset)) throw new RangeError(`offset ${record.offset} is beyond 2^53`);
        if (position >= 0) {
          if (offset < position) {
            this.#metrics.redeliveries++;
            continue;
          }
          if (offset > position) this.#metrics.gap(offset - position);
        }
        position = offset + 1;
        origin.offset = offset;
        const value = record.value;
        const size =
          value !== null &&
          value.length <= this.#o.maxMessageBytes &&
          scanner.scan(value) &&
          scanner.eventTimeMs >= earliest &&
          scanner.eventTimeMs <= latest &&
          plainEnvelope(record, scanner, value)
            ? state.buffer.events.addScanned(value, scanner, origin, record.key !== null)
            : this.#slow(state, batch.topic, record, now);
        this.#buffers.count(state, offset, size, now);
      }
    } finally {
      if (position >= 0) state.position = BigInt(position);
    }
    const hw = BigInt(batch.highWatermark);
    if (state.highWatermark === null || hw > state.highWatermark) state.highWatermark = hw;
  }

  /** Decodes a record the slow way into a row or a dead letter; returns the bytes it keeps. */
  #slow(state: PartitionState, topic: string, record: ConsumedRecord, now: number): number {
    const buffer = state.buffer;
    const decoded = decodeOrderRecord(
      record.value,
      this.#o.maxMessageBytes,
      { key: record.key, headers: record.headers },
      { now, window: this.#o.eventTimeWindow },
    );
    if (decoded.ok) {
      return buffer.events.addRow(
        toOrderEventRow(decoded.event, {
          payload: decoded.text,
          origin: {
            topic,
            partition: state.partition,
            offset: Number(record.offset),
            key: record.key === null ? null : record.key.toString('utf8'),
          },
          ingestedAt: null,
        }),
      );
    }
    if (decoded.code === 'KAFKA_MESSAGE_TOMBSTONE' && this.#o.tombstones === 'skip') {
      buffer.skippedTombstones++;
    } else {
      const where = { topic, partition: state.partition, deadLetterTopic: this.#o.deadLetterTopic };
      buffer.deadLetters.push(deadLetterOf(ownedCopy(record), where, decoded, now));
    }
    return record.value?.length ?? 0;
  }
}
