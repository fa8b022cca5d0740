import { describe, expect, it } from 'vitest';
import { ColumnBatchBuilder } from '../loader/column-batch-builder.js';
import { CONTRACT_TYPES_TABLE } from '../testing/contract-tables.js';
import { columnarTableWrite } from './columnar-table-write.js';
import type { WarehouseRow } from './warehouse.js';

const table = CONTRACT_TYPES_TABLE;
const row = (id: string): WarehouseRow => ({
  id,
  required: 'x',
  text_value: null,
  integer_value: 7,
  bigint_value: null,
  double_value: 1.5,
  money_value: 1299,
  timestamp_value: new Date(Date.UTC(2026, 0, 1)),
  timestamptz_value: null,
  json_value: '{"a":1}',
  boolean_value: true,
});

function batchOf(rows: readonly WarehouseRow[]) {
  const builder = new ColumnBatchBuilder(table, rows.length);
  for (const r of rows) builder.add(table.columns.map((column) => r[column.name] ?? null));
  return builder.take().batch;
}

describe('columnarTableWrite', () => {
  it('carries the batches and gives their rows, in order, to whoever reads rows', () => {
    const batches = [batchOf([row('a'), row('b')]), batchOf([row('c')])];
    const write = columnarTableWrite(table, batches, 'append');
    expect(write.columns).toBe(batches);
    expect([write.table, write.mode]).toEqual([table.name, 'append']);
    expect(write.rows).toEqual([row('a'), row('b'), row('c')]);
    expect(write.rows).toBe(write.rows);
  });

  it('leaves the batches out of a spread copy, so an edited copy is written as edited', () => {
    const write = columnarTableWrite(table, [batchOf([row('a')])]);
    const edited = { ...write, rows: write.rows.map((r) => ({ ...r, integer_value: 8 })) };
    expect(edited.columns).toBeUndefined();
    expect(edited.rows[0]?.integer_value).toBe(8);
    expect('mode' in write).toBe(false);
  });
});
