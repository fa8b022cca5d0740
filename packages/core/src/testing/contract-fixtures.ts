// The tables, rows and batch helpers the warehouse contract suite shares between its parts.
import { ColumnBatchBuilder } from '../loader/column-batch-builder.js';
import type { TableDefinition } from '../schema/column-types.js';
import { RAW_TABLES } from '../schema/raw-schema.js';
import type { ColumnBatch } from '../warehouse/column-batch.js';
import type { WarehouseRow } from '../warehouse/warehouse.js';
import { CONTRACT_EVENTS_TABLE, CONTRACT_TYPES_TABLE } from './contract-tables.js';
import type { WarehouseContractContext } from './contract-types.js';

export const CONTEXT: WarehouseContractContext = {
  tables: {
    ...RAW_TABLES,
    [CONTRACT_TYPES_TABLE.name]: CONTRACT_TYPES_TABLE,
    [CONTRACT_EVENTS_TABLE.name]: CONTRACT_EVENTS_TABLE,
  },
};

export const TYPES = CONTRACT_TYPES_TABLE.name;
export const EVENTS = CONTRACT_EVENTS_TABLE.name;
export const OFFSETS = RAW_TABLES.sink_offsets?.name ?? 'sink_offsets';

/** A small deterministic generator, so the suite needs no randomness to be reproducible. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state;
  };
}

export function eventRows(
  generation: string,
  count: number,
  amount: (seq: number) => number,
): WarehouseRow[] {
  return Array.from({ length: count }, (_, seq) => ({ generation, seq, amount: amount(seq) }));
}

export async function* batchesOf<T>(rows: readonly T[], size: number): AsyncGenerator<readonly T[]> {
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}

export function buildColumnBatch(table: TableDefinition, rows: readonly WarehouseRow[]) {
  const builder = new ColumnBatchBuilder(table, Math.max(1, rows.length));
  for (const row of rows) builder.add(table.columns.map((column) => row[column.name] ?? null));
  return builder.take();
}

export async function* columnBatchesOf(
  rows: readonly WarehouseRow[],
  size: number,
): AsyncGenerator<ColumnBatch> {
  for (let start = 0; start < rows.length; start += size) {
    yield buildColumnBatch(CONTRACT_TYPES_TABLE, rows.slice(start, start + size)).batch;
  }
}

/**
 * Rows of the types table for the column-batch test: every type, nulls scattered, text of 1 to 40
 * UTF-8 bytes (inline and not in engines that keep short strings inline), multi-byte characters,
 * the integer and money extremes, timestamps with milliseconds. No empty string: the Snowflake
 * stand-in used in tests (fakesnow) loads a quoted empty CSV field as `NULL`.
 */
export function typesRowsForBatches(count: number): WarehouseRow[] {
  const next = lcg(7);
  const alphabet = ['a', 'Z', '0', ' ', ',', '"', "'", '\\', '\n', 'ç', 'ã', '日', '🦆'];
  const text = (length: number) =>
    Array.from({ length }, () => alphabet[next() % alphabet.length] as string).join('');
  const maybe = <T>(value: T): T | null => (next() % 7 === 0 ? null : value);
  return Array.from({ length: count }, (_, index): WarehouseRow => {
    const special = index % 50;
    return {
      id: `row-${String(index).padStart(5, '0')}`,
      required: text(1 + (next() % 12)),
      text_value: maybe(
        special === 1 ? 'x'.repeat(12) : special === 2 ? 'y'.repeat(13) : text(1 + (next() % 40)),
      ),
      integer_value: maybe(
        special === 3 ? -2_147_483_648 : special === 4 ? 2_147_483_647 : (next() % 2_000_001) - 1_000_000,
      ),
      bigint_value: maybe(
        special === 5 ? Number.MAX_SAFE_INTEGER : special === 6 ? -Number.MAX_SAFE_INTEGER : next() * 1_000,
      ),
      double_value: maybe((next() - 2 ** 31) / 977),
      money_value: maybe(special === 7 ? Number.MAX_SAFE_INTEGER : special === 8 ? -5 : next() % 100_000_000),
      timestamp_value: maybe(new Date(Date.UTC(2016, 0, 1) + next() * 1_000 + (next() % 1_000))),
      timestamptz_value: maybe(new Date(Date.UTC(2026, 10, 25) - next() * 997)),
      json_value: maybe(JSON.stringify({ n: next(), s: text(next() % 8) })),
      boolean_value: maybe(next() % 2 === 0),
    };
  });
}
