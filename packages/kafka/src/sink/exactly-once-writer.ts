import type { ColumnBatch, PartitionOffset, TableWrite, Warehouse, WarehouseValue } from '@orderstream/core';
import { columnarTableWrite, RAW_ORDER_EVENTS, RAW_REJECTS, withRetry } from '@orderstream/core';
import { columnBatchRows } from '@orderstream/core/adapter';
import type { ConsumedRecord } from '../client/kafka-client.js';
import type { DeadLetter, DeadLetterPublisher } from './dead-letter-publisher.js';
import { deadLetterOf } from './dead-letter-publisher.js';
import type { FlushedPartition, FlushInfo } from './events.js';
import type { TakenBuffer } from './partition-buffers.js';
import type { RetrySettings } from './retry-settings.js';
import { classifyWriteFailure } from './write-failure.js';

/** One partition's share of a flush: rows and rejects of the offsets `[fromOffset, nextOffset)`. */
export interface PartitionRange {
  readonly partition: number;
  /** `raw_order_events` rows, in offset order, as column batches. */
  readonly batches: readonly ColumnBatch[];
  /** The rejected records of the range, already published to the dead-letter topic. */
  readonly deadLetters: readonly DeadLetter[];
  /** The first offset of the range. */
  readonly fromOffset: bigint;
  /** The offset after the range: stored with the rows. */
  readonly nextOffset: bigint;
  /** The stored offset this member expects to replace (`null`: none; `undefined`: not fenced). */
  readonly fence: bigint | null | undefined;
}

/** What the writer needs. */
export interface ExactlyOnceWriterOptions {
  readonly warehouse: Warehouse;
  readonly groupId: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly writeMode: 'append' | 'upsert';
  readonly retry: RetrySettings;
  /** Told of each retried failure (pause consumption, report, heartbeat). */
  readonly onRetry: (error: unknown) => void;
  /** Publishes the dead letter of a row the warehouse refuses, before its offset is stored. */
  readonly publisher: DeadLetterPublisher;
  /** The clock of the rejection time. */
  readonly now: () => number;
}

/**
 * Writes rows, rejects and each partition's next offset in one warehouse transaction, so a record
 * is stored exactly once whatever crashes. Retryable failures are retried with backoff.
 *
 * A record can never stop a partition: when the warehouse refuses a value (a failure of kind
 * `record`, see `classifyWriteFailure`), each partition is written again on its own, its range
 * split in halves until the refused row is alone; that row is dead-lettered (code
 * `KAFKA_MESSAGE_REFUSED`, the warehouse's message as the reason) and its reject row stored with
 * the offsets after it. Every sub-write stores its rows with the offset after them, so a crash in
 * the middle loses and repeats nothing.
 */
export class ExactlyOnceWriter {
  readonly #o: ExactlyOnceWriterOptions;

  /** @param options - the warehouse, the group and topics, the retry settings */
  constructor(options: ExactlyOnceWriterOptions) {
    this.#o = options;
  }

  /**
   * Flushes taken buffers: publishes their dead letters (acknowledged: a record's offset counts as
   * done only then), stamps `ingested_at`, writes rows, rejects and offsets exactly once.
   *
   * @param taken - the partitions' buffers and next offsets
   * @param onDeadLetter - told of each published dead letter
   * @returns what was written, per partition and in total
   * @throws as {@link ExactlyOnceWriter.write}, or `KAFKA_DEAD_LETTER_FAILED`
   */
  async flush(
    taken: readonly TakenBuffer[],
    onDeadLetter: (dead: DeadLetter) => void,
  ): Promise<Pick<FlushInfo, 'partitions' | 'rows' | 'rejects'>> {
    const deadLetters = taken.flatMap((t) => t.buffer.deadLetters);
    await this.#o.publisher.publish(deadLetters);
    for (const dead of deadLetters) onDeadLetter(dead);
    const ingestedAt = this.#o.now();
    const refused = await this.write(
      taken.map(({ state, buffer, nextOffset }) => ({
        partition: state.partition,
        batches: buffer.events.take(ingestedAt),
        deadLetters: buffer.deadLetters,
        fromOffset: buffer.fromOffset ?? nextOffset,
        nextOffset,
        fence: state.fence,
      })),
    );
    for (const dead of refused) onDeadLetter(dead);
    const partitions = taken.map(({ state, buffer, nextOffset }): FlushedPartition => {
      const refusedHere = refused.filter((d) => d.info.partition === state.partition).length;
      return {
        partition: state.partition,
        fromOffset: (buffer.fromOffset ?? nextOffset).toString(),
        nextOffset: nextOffset.toString(),
        rows: buffer.events.rows - refusedHere,
        rejected: buffer.deadLetters.length + refusedHere + buffer.skippedTombstones,
      };
    });
    return {
      partitions,
      rows: partitions.reduce((n, p) => n + p.rows, 0),
      rejects: deadLetters.length + refused.length,
    };
  }

  /**
   * Writes the ranges.
   *
   * @param ranges - one per partition
   * @returns the dead letters of rows the warehouse refused (already published and stored as rejects)
   * @throws the warehouse's error for a failure of the warehouse, or `CORE_OFFSET_CONFLICT`
   */
  async write(ranges: readonly PartitionRange[]): Promise<DeadLetter[]> {
    try {
      await this.#commit(
        columnarTableWrite(
          RAW_ORDER_EVENTS,
          ranges.flatMap((r) => r.batches),
          this.#o.writeMode,
        ),
        ranges.flatMap((r) => r.deadLetters.map((d) => d.reject)),
        ranges.map((r) => this.#offset(r.partition, r.nextOffset, r.fence)),
      );
      return [];
    } catch (error) {
      if (classifyWriteFailure(error) !== 'record') throw error;
    }
    const refused: DeadLetter[] = [];
    for (const range of ranges) await this.#isolate(range, refused);
    return refused;
  }

  /** Writes one partition's range in halves until each refused row is alone, and dead-letters it. */
  async #isolate(range: PartitionRange, refused: DeadLetter[]): Promise<void> {
    const deadLetters = [...range.deadLetters];
    // Rare: the rows as objects, to split and to word a dead letter from.
    const rows = range.batches.flatMap((batch) => columnBatchRows(batch, RAW_ORDER_EVENTS));
    let fence = range.fence;
    const offsetOf = (index: number): bigint => {
      const offset = rows[index]?.kafka_offset;
      return typeof offset === 'number' ? BigInt(offset) : range.nextOffset;
    };
    const commit = async (lo: number, hi: number, from: bigint, to: bigint): Promise<void> => {
      const rejects = deadLetters.filter((d) => d.offset >= from && d.offset < to).map((d) => d.reject);
      const write = { table: RAW_ORDER_EVENTS.name, rows: rows.slice(lo, hi), mode: this.#o.writeMode };
      await this.#commit(write, rejects, [this.#offset(range.partition, to, fence)]);
      fence = to;
    };
    const attempt = async (lo: number, hi: number, from: bigint, to: bigint): Promise<void> => {
      try {
        await commit(lo, hi, from, to);
        return;
      } catch (error) {
        // Nothing left to split (the rejects themselves are refused), or not the data's fault.
        if (classifyWriteFailure(error) !== 'record' || hi === lo) throw error;
        if (hi - lo === 1) {
          const dead = this.#refuse(range.partition, rows[lo] as Record<string, WarehouseValue>, error);
          await this.#o.publisher.publish([dead]);
          deadLetters.push(dead);
          refused.push(dead);
          await commit(lo, lo, from, to);
          return;
        }
      }
      const mid = (lo + hi) >>> 1;
      await attempt(lo, mid, from, offsetOf(mid));
      await attempt(mid, hi, offsetOf(mid), to);
    };
    await attempt(0, rows.length, range.fromOffset, range.nextOffset);
  }

  #refuse(partition: number, row: Record<string, WarehouseValue>, error: unknown): DeadLetter {
    // The record is not kept while buffered (it would hold its whole fetch in memory): its dead
    // letter carries the value as stored (the payload) and the key.
    const payload = typeof row.payload === 'string' ? row.payload : null;
    const record: ConsumedRecord = {
      offset: String(row.kafka_offset),
      key: typeof row.kafka_key === 'string' ? Buffer.from(row.kafka_key) : null,
      value: payload === null ? null : Buffer.from(payload),
      headers: {},
      timestamp: '0',
    };
    const details = (error as { details?: { column?: unknown } }).details;
    return deadLetterOf(
      record,
      { topic: this.#o.topic, partition, deadLetterTopic: this.#o.deadLetterTopic },
      {
        code: 'KAFKA_MESSAGE_REFUSED',
        reason: `the warehouse refused the row: ${(error as Error).message}`,
        field: typeof details?.column === 'string' ? details.column : null,
        text: payload,
      },
      this.#o.now(),
    );
  }

  #offset(partition: number, nextOffset: bigint, fence: bigint | null | undefined): PartitionOffset {
    return {
      consumerGroup: this.#o.groupId,
      topic: this.#o.topic,
      partition,
      nextOffset: nextOffset.toString(),
      topicId: null,
      // Refused if another member wrote the partition since (a rebalance while this flush waited).
      ...(fence === undefined ? {} : { expectedNextOffset: fence?.toString() ?? null }),
    };
  }

  async #commit(
    events: TableWrite,
    rejects: readonly Record<string, WarehouseValue>[],
    offsets: readonly PartitionOffset[],
  ): Promise<void> {
    const writes: TableWrite[] = [];
    const rows = events.columns?.reduce((n, batch) => n + batch.rowCount, 0) ?? events.rows.length;
    if (rows > 0) writes.push(events);
    if (rejects.length > 0) writes.push({ table: RAW_REJECTS.name, rows: rejects });
    await withRetry(() => this.#o.warehouse.writeWithOffsets(writes, offsets), {
      ...this.#o.retry,
      onRetry: this.#o.onRetry,
    });
  }
}
