import type { WarehouseRow } from '../schema/warehouse-row.js';
import type { PartitionOffset } from '../warehouse/warehouse.js';

/**
 * The rows of `sink_offsets` (see `SINK_OFFSETS`) that `Warehouse.writeWithOffsets` writes in its
 * transaction: one per partition, stamped with `updatedAt`.
 *
 * @param offsets - the sink's next offsets
 * @param updatedAt - the write's time (the adapter's clock)
 * @returns one row per offset, keyed by `sink_offsets` column
 * @example
 * ```ts
 * const rows = sinkOffsetRows(offsets, clock());
 * await writeRows({ table: SINK_OFFSETS.name, rows });
 * ```
 */
export function sinkOffsetRows(offsets: readonly PartitionOffset[], updatedAt: Date): WarehouseRow[] {
  return offsets.map((offset) => ({
    consumer_group: offset.consumerGroup,
    topic: offset.topic,
    partition: offset.partition,
    next_offset: offset.nextOffset,
    topic_id: offset.topicId ?? null,
    updated_at: updatedAt,
  }));
}

/** A `sink_offsets` row as `Warehouse.readOffsets` selects it (lower-case keys, as `query` returns them). */
export interface StoredOffsetRow {
  /** The partition number (a number or its decimal text, as the engine returns it). */
  readonly partition: unknown;
  /** The next offset, cast to text in the query. */
  readonly next_offset: unknown;
  /** The topic's identity, or `null`. */
  readonly topic_id: string | null;
}

/**
 * Turns the `sink_offsets` rows read for one group and topic into what `Warehouse.readOffsets`
 * returns.
 *
 * @param consumerGroup - the group the rows were read for
 * @param topic - the topic the rows were read for
 * @param rows - the rows, by partition
 * @returns one offset per row
 * @example
 * ```ts
 * return partitionOffsets(group, topic, await this.query(sql, [group, topic]));
 * ```
 */
export function partitionOffsets(
  consumerGroup: string,
  topic: string,
  rows: readonly StoredOffsetRow[],
): PartitionOffset[] {
  return rows.map((row) => ({
    consumerGroup,
    topic,
    partition: Number(row.partition),
    nextOffset: String(row.next_offset),
    topicId: row.topic_id,
  }));
}
