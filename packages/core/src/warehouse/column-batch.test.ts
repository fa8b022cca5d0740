import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOrderstreamError } from '../errors/orderstream-error.js';
import { ColumnBatchBuilder } from '../loader/column-batch-builder.js';
import { CONTRACT_TYPES_TABLE } from '../testing/contract-tables.js';
import { assertColumnBatchShape, type ColumnBatch, columnBatchRows, isColumnBatch } from './column-batch.js';
import type { WarehouseRow } from './warehouse.js';

const table = CONTRACT_TYPES_TABLE;

const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 4 });
const date = fc.date({
  min: new Date(Date.UTC(1900, 0, 1)),
  max: new Date(Date.UTC(2200, 0, 1)),
  noInvalidDate: true,
});
const row: fc.Arbitrary<WarehouseRow> = fc.record({
  id: fc.string({ unit: 'grapheme', maxLength: 20 }),
  required: fc.string({ unit: 'binary', maxLength: 30 }),
  text_value: nullable(fc.string({ unit: 'grapheme-ascii', maxLength: 40 })),
  integer_value: nullable(fc.integer()),
  bigint_value: nullable(fc.maxSafeInteger()),
  double_value: nullable(fc.double({ noNaN: true })),
  money_value: nullable(fc.maxSafeInteger()),
  timestamp_value: nullable(date),
  timestamptz_value: nullable(date),
  json_value: nullable(fc.json()),
  boolean_value: nullable(fc.boolean()),
});

function build(rows: readonly WarehouseRow[], capacity = Math.max(1, rows.length)): ColumnBatch {
  const builder = new ColumnBatchBuilder(table, capacity);
  for (const r of rows) builder.add(table.columns.map((column) => r[column.name] ?? null));
  return builder.take().batch;
}

const invalidBatch = (error: unknown) => isOrderstreamError(error) && error.code === 'CORE_INVALID_BATCH';

describe('ColumnBatch', () => {
  it('turns back into exactly the rows it was built from, for every column type', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
        const batch = build(rows);
        expect(isColumnBatch(batch)).toBe(true);
        expect(batch.rowCount).toBe(rows.length);
        expect(columnBatchRows(batch, table)).toEqual(rows);
      }),
    );
  });

  it('starts a fresh batch after take, reusing nothing the taken one owns', () => {
    const builder = new ColumnBatchBuilder(table, 4);
    const values = (id: string) => table.columns.map((c) => (c.name === 'id' ? id : c.nullable ? null : 'r'));
    builder.add(values('first'));
    const first = builder.take();
    builder.add(values('second'));
    builder.add(values('third'));
    const second = builder.take().batch;
    expect(columnBatchRows(first.batch, table).map((r) => r.id)).toEqual(['first']);
    expect(columnBatchRows(second, table).map((r) => r.id)).toEqual(['second', 'third']);
    expect(first.transfer.length).toBeGreaterThan(0);
    expect(new Set(first.transfer).size).toBe(first.transfer.length);
  });

  it('grows a text column past its first buffer', () => {
    const long = 'ç'.repeat(5_000);
    const rows = Array.from({ length: 3 }, (_, i) => ({ id: `${i}`, required: long + i }));
    expect(columnBatchRows(build(rows), table).map((r) => r.required)).toEqual(rows.map((r) => r.required));
  });

  it('refuses a null in a NOT NULL column and a value of the wrong type, naming the column', () => {
    const builder = new ColumnBatchBuilder(table, 2);
    const values = table.columns.map((c) => (c.nullable ? null : 'x'));
    expect(() => builder.add(values.map((v, i) => (i === 1 ? null : v)))).toThrow(/contract_types\.required/);
    expect(() => builder.add(values.map((v, i) => (i === 3 ? 1.5 : v)))).toThrow(/integer_value/);
    try {
      builder.add(values.map((v, i) => (i === 3 ? 'twelve' : v)));
      expect.unreachable();
    } catch (error) {
      expect(invalidBatch(error)).toBe(true);
      expect((error as Error).message).toContain('integer_value');
      expect((error as Error).message).not.toContain('twelve');
    }
  });

  it('refuses a bigint beyond 2^53', () => {
    const builder = new ColumnBatchBuilder(table, 1);
    const values = table.columns.map((c) =>
      c.name === 'bigint_value' ? '9007199254740993' : c.nullable ? null : 'x',
    );
    expect(() => builder.add(values)).toThrow(/beyond 2\^53/);
  });

  it('checks the shape against the table', () => {
    const batch = build([{ id: 'a', required: 'b' }]);
    expect(() => assertColumnBatchShape(batch, table)).not.toThrow();
    for (const broken of [
      { ...batch, columns: batch.columns.slice(1) },
      { ...batch, rowCount: 2 },
      { ...batch, columns: [batch.columns[3], ...batch.columns.slice(1)] } as ColumnBatch,
    ]) {
      expect(() => assertColumnBatchShape(broken, table)).toThrow(
        expect.objectContaining({ code: 'CORE_INVALID_BATCH' }),
      );
    }
  });

  it('names a text value that is not UTF-8', () => {
    const batch = build([{ id: 'a', required: 'b' }]);
    const text = batch.columns[0] as Extract<ColumnBatch['columns'][number], { kind: 'text' }>;
    const bad: ColumnBatch = {
      ...batch,
      columns: [
        { ...text, bytes: new Uint8Array([0xff]), offsets: new Int32Array([0, 1]) },
        ...batch.columns.slice(1),
      ],
    };
    expect(() => columnBatchRows(bad, table)).toThrow(/row 0 of column id is not UTF-8/);
  });
});
