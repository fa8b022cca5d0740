import type { EventTimeWindow } from '@orderstream/core';
import { toOrderEventRow } from '@orderstream/core';
import type { ConsumedBatch } from '../client/kafka-client.js';
import { decodeOrderRecord } from '../internal/decode-order-record.js';
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

/**
 * Takes a fetched batch into a partition's buffer: skips redeliveries below the position, counts
 * offset gaps, decodes and validates each record into a `raw_order_events` row, or a dead letter
 * with its reason (or a skipped tombstone).
 */
export class RecordIntake {
  readonly #o: RecordIntakeOptions;
  readonly #buffers: PartitionBuffers;
  readonly #metrics: SinkMetrics;

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
    const where = {
      topic: batch.topic,
      partition: state.partition,
      deadLetterTopic: this.#o.deadLetterTopic,
    };
    const eventTime = { now, window: this.#o.eventTimeWindow };
    for (const record of batch.records) {
      const offset = BigInt(record.offset);
      if (state.position !== null) {
        if (offset < state.position) {
          this.#metrics.redeliveries++;
          continue;
        }
        if (offset > state.position) this.#metrics.gap(Number(offset - state.position));
      }
      state.position = offset + 1n;
      this.#buffers.count(state, offset, record.value?.length ?? 0, now);
      const buffer = state.buffer;
      const decoded = decodeOrderRecord(
        record.value,
        this.#o.maxMessageBytes,
        { key: record.key, headers: record.headers },
        eventTime,
      );
      if (decoded.ok) {
        buffer.rows.push(
          toOrderEventRow(decoded.event, {
            payload: decoded.text,
            origin: {
              topic: batch.topic,
              partition: state.partition,
              offset: Number(record.offset),
              key: record.key === null ? null : record.key.toString('utf8'),
            },
            ingestedAt: null,
          }),
        );
        buffer.eventTimes.push(decoded.event.event_time.getTime());
      } else if (decoded.code === 'KAFKA_MESSAGE_TOMBSTONE' && this.#o.tombstones === 'skip') {
        buffer.skippedTombstones++;
      } else {
        buffer.deadLetters.push(deadLetterOf(record, where, decoded, now));
      }
    }
    const hw = BigInt(batch.highWatermark);
    if (state.highWatermark === null || hw > state.highWatermark) state.highWatermark = hw;
  }
}
