import type { WarehouseRow } from '@orderstream/core';
import { RAW_ORDER_EVENTS } from '@orderstream/core';
import { columnBatchRows } from '@orderstream/core/adapter';
import type { DeadLetter } from './dead-letter-publisher.js';
import type { FlushInfo } from './events.js';
import { OrderEventColumns } from './order-event-columns.js';

/** Why a flush runs. */
export type FlushReason = FlushInfo['reason'];

/** When a partition's buffer is due, and the memory budget over all of them. */
export interface FlushLimits {
  readonly flushMaxRecords: number;
  readonly flushMaxBytes: number;
  readonly flushIntervalMs: number;
  /** Bytes buffered over all partitions (decoded rows and rejected values). */
  readonly maxBufferedBytes: number;
}

/** What one partition has taken since its last flush. */
export class PartitionBuffer {
  /** `raw_order_events` rows, in offset order, as columns. */
  readonly events = new OrderEventColumns();
  readonly deadLetters: DeadLetter[] = [];
  /** Bytes taken: the decoded rows' columns and the values of rejected records. */
  bytes = 0;
  /** Records taken (rows, rejects and skipped tombstones). */
  records = 0;
  skippedTombstones = 0;
  /** When the first record was taken, epoch ms. */
  firstAt: number | null = null;
  fromOffset: bigint | null = null;

  /** The rows as objects, built from the columns on each read (for inspection). */
  get rows(): WarehouseRow[] {
    return this.events.take(0).flatMap((batch) => columnBatchRows(batch, RAW_ORDER_EVENTS));
  }

  /** Whether it must be flushed now (`all`: whenever it holds anything). */
  isDue(now: number, limits: FlushLimits, all: boolean): boolean {
    if (this.records === 0) return false;
    return (
      all ||
      this.records >= limits.flushMaxRecords ||
      this.bytes >= limits.flushMaxBytes ||
      (this.firstAt !== null && now - this.firstAt >= limits.flushIntervalMs)
    );
  }
}

/** An assigned partition: where it is, what is stored, and its buffer. */
export interface PartitionState {
  readonly partition: number;
  readonly generation: number;
  /** The next offset to take: after the last buffered record. `null` until known. */
  position: bigint | null;
  /** Whether the start position was checked against the warehouse in this generation. */
  checked: boolean;
  committed: bigint | null;
  /**
   * The offset this member last saw stored in the warehouse for the partition (`null`: none),
   * the fence of its next write; `undefined` until placed.
   */
  fence: bigint | null | undefined;
  highWatermark: bigint | null;
  buffer: PartitionBuffer;
}

/** A buffer taken for a flush, with the partition's next offset at that moment. */
export interface TakenBuffer {
  readonly state: PartitionState;
  readonly buffer: PartitionBuffer;
  readonly nextOffset: bigint;
}

/**
 * The assigned partitions and their buffers, with the byte budget over all of them: a taken
 * buffer stays counted until its flush is over ({@link PartitionBuffers.release}), so memory is
 * bounded while it is written.
 */
export class PartitionBuffers {
  #states = new Map<number, PartitionState>();
  /** Bytes buffered or being flushed (see {@link PartitionBuffer.bytes}). */
  bytes = 0;
  /** Records buffered or being flushed. */
  records = 0;

  /**
   * Replaces the assignment: every buffer is dropped (it may now belong to another member).
   *
   * @param partitions - the new partitions
   * @param generation - the assignment's number
   */
  assign(partitions: readonly number[], generation: number): void {
    for (const state of this.#states.values()) this.drop(state);
    this.#states = new Map();
    for (const partition of partitions) {
      this.#states.set(partition, {
        partition,
        generation,
        position: null,
        checked: false,
        committed: null,
        fence: undefined,
        highWatermark: null,
        buffer: new PartitionBuffer(),
      });
    }
  }

  get(partition: number): PartitionState | undefined {
    return this.#states.get(partition);
  }

  states(): IterableIterator<PartitionState> {
    return this.#states.values();
  }

  partitions(): number[] {
    return [...this.#states.keys()];
  }

  /** Counts a record at `offset` that took `size` bytes into the state's buffer, at `now`. */
  count(state: PartitionState, offset: bigint | number, size: number, now: number): void {
    const buffer = state.buffer;
    if (buffer.fromOffset === null) buffer.fromOffset = BigInt(offset);
    if (buffer.firstAt === null) buffer.firstAt = now;
    buffer.bytes += size;
    buffer.records++;
    this.bytes += size;
    this.records++;
  }

  /** Why a flush is due now, if one is: the budget first, then any partition's limits. */
  dueReason(now: number, limits: FlushLimits): FlushReason | null {
    if (this.bytes >= limits.maxBufferedBytes) return 'memory';
    let reason: FlushReason | null = null;
    for (const { buffer } of this.#states.values()) {
      if (buffer.records === 0) continue;
      if (buffer.records >= limits.flushMaxRecords) return 'records';
      if (buffer.bytes >= limits.flushMaxBytes) return 'bytes';
      if (buffer.firstAt !== null && now - buffer.firstAt >= limits.flushIntervalMs) reason = 'interval';
    }
    return reason;
  }

  /** Takes the due buffers of placed partitions, leaving empty ones; they stay in the budget. */
  take(now: number, limits: FlushLimits, all: boolean): TakenBuffer[] {
    const taken: TakenBuffer[] = [];
    for (const state of this.#states.values()) {
      if (state.position === null || !state.buffer.isDue(now, limits, all)) continue;
      taken.push({ state, buffer: state.buffer, nextOffset: state.position });
      state.buffer = new PartitionBuffer();
    }
    return taken;
  }

  /** Takes a flushed (or abandoned) buffer out of the budget, and frees its columns. */
  release(buffer: PartitionBuffer): void {
    this.bytes -= buffer.bytes;
    this.records -= buffer.records;
    buffer.events.release();
  }

  /** Drops what a partition buffered. */
  drop(state: PartitionState): void {
    this.release(state.buffer);
    state.buffer = new PartitionBuffer();
  }

  /** The earliest `firstAt` of any buffer, or `null` when all are empty. */
  oldest(): number | null {
    let earliest: number | null = null;
    for (const { buffer } of this.#states.values()) {
      const at = buffer.firstAt;
      if (at !== null && (earliest === null || at < earliest)) earliest = at;
    }
    return earliest;
  }
}
