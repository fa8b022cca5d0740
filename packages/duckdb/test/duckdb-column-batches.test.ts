import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ColumnBatch, TableDefinition, WarehouseRow } from '@orderstream/core';
import { columnarTableWrite, SINK_OFFSETS } from '@orderstream/core';
import { CONTRACT_TYPES_TABLE } from '@orderstream/core/testing';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

describe('DuckDbWarehouse', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderstream-duckdb-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes column batches: an empty string stays empty, a column the definition lacks stays null', async () => {
    const path = join(dir, 'w.duckdb');
    const v1: TableDefinition = {
      name: 'notes',
      key: [],
      columns: [
        { name: 'id', type: 'text', nullable: false },
        { name: 'note', type: 'text', nullable: true },
      ],
    };
    const v2: TableDefinition = {
      ...v1,
      columns: [...v1.columns, { name: 'amount', type: 'money', nullable: true }],
    };
    const newer = await createDuckDbWarehouse({ path, tables: { notes: v2 } });
    await newer.migrate();
    await newer.close();
    // An older definition writes to the newer table: `amount` is not in its batches.
    const older = await createDuckDbWarehouse({ path, tables: { notes: v1 } });
    const text = (values: readonly (string | null)[]) => {
      const encoder = new TextEncoder();
      const parts = values.map((value) => encoder.encode(value ?? ''));
      const offsets = new Int32Array(values.length + 1);
      for (const [index, part] of parts.entries())
        offsets[index + 1] = (offsets[index] as number) + part.length;
      const bytes = new Uint8Array(offsets[values.length] as number);
      for (const [index, part] of parts.entries()) bytes.set(part, offsets[index]);
      const nulls = values.some((value) => value === null)
        ? Uint8Array.from(values, (value) => (value === null ? 1 : 0))
        : null;
      return { kind: 'text' as const, bytes, offsets, nulls };
    };
    async function* batches(): AsyncGenerator<ColumnBatch> {
      yield {
        kind: 'columns',
        rowCount: 4,
        columns: [text(['a', 'b', 'c', 'd']), text(['', null, 'exactly 12 b', 'thirteen byte'])],
      };
    }
    expect(await older.replaceTable('notes', batches())).toEqual({ rows: 4 });
    expect(await older.query(`select id, note, amount from ${older.qualify('notes')} order by id`)).toEqual([
      { id: 'a', note: '', amount: null },
      { id: 'b', note: null, amount: null },
      { id: 'c', note: 'exactly 12 b', amount: null },
      { id: 'd', note: 'thirteen byte', amount: null },
    ]);
    await older.close();
  });

  it('writes the long strings of column batches exactly, across 2,048-row slices, with nulls and multi-byte text', async () => {
    const path = join(dir, 'long.duckdb');
    const definition: TableDefinition = {
      name: 'notes',
      key: [],
      columns: [
        { name: 'n', type: 'integer', nullable: false },
        { name: 'note', type: 'text', nullable: true },
        { name: 'other', type: 'text', nullable: true },
      ],
    };
    const warehouse = await createDuckDbWarehouse({ path, tables: { notes: definition } });
    await warehouse.migrate();
    // Lengths 0 to 70 bytes (inline up to 12, out of line beyond), accents, every 7th row null.
    const note = (n: number) =>
      n % 7 === 3 ? null : `${n % 2 === 0 ? 'ação' : 'x'}${'-'.repeat(n % 60)}${n}`.slice(0, 70);
    const other = (n: number) => (n % 5 === 0 ? null : `${'0123456789abcdef'.repeat(1 + (n % 4))}#${n}`);
    const rows = 5000;
    const text = (values: readonly (string | null)[]) => {
      const parts = values.map((value) => Buffer.from(value ?? '', 'utf8'));
      const offsets = new Int32Array(values.length + 1);
      for (const [index, part] of parts.entries())
        offsets[index + 1] = (offsets[index] as number) + part.length;
      return {
        kind: 'text' as const,
        bytes: new Uint8Array(Buffer.concat(parts)),
        offsets,
        nulls: Uint8Array.from(values, (value) => (value === null ? 1 : 0)),
      };
    };
    const numbers = Array.from({ length: rows }, (_, n) => n);
    async function* batches(): AsyncGenerator<ColumnBatch> {
      // Two batches: 3,000 rows (a full slice and a partial one), then 2,000.
      for (const [from, to] of [
        [0, 3000],
        [3000, rows],
      ] as const) {
        const slice = numbers.slice(from, to);
        yield {
          kind: 'columns',
          rowCount: slice.length,
          columns: [
            { kind: 'number', values: Float64Array.from(slice), nulls: null },
            text(slice.map(note)),
            text(slice.map(other)),
          ],
        };
      }
    }
    expect(await warehouse.replaceTable('notes', batches())).toEqual({ rows });
    const stored = await warehouse.query<{ n: number; note: string | null; other: string | null }>(
      `select n, note, other from ${warehouse.qualify('notes')} order by n`,
    );
    expect(stored).toEqual(numbers.map((n) => ({ n, note: note(n), other: other(n) })));
    await warehouse.close();
  });

  it('writes a columnar table write with its offsets as it writes the same rows, appended or upserted', async () => {
    const table = CONTRACT_TYPES_TABLE;
    const warehouse = await createDuckDbWarehouse({
      path: join(dir, 'columnar.duckdb'),
      tables: { [table.name]: table, [SINK_OFFSETS.name]: SINK_OFFSETS },
    });
    await warehouse.migrate();
    const row = (id: string, amount: number | null): WarehouseRow => ({
      id,
      required: `r-${id}`,
      text_value: id === 'b' ? null : 'sao paulo ✓',
      integer_value: 7,
      bigint_value: 2 ** 40,
      double_value: 1.5,
      money_value: amount,
      timestamp_value: new Date(Date.UTC(2026, 0, 1, 12)),
      timestamptz_value: null,
      json_value: '{"a":1}',
      boolean_value: true,
    });
    const rows = [row('a', 1299), row('b', null), row('c', 5)];
    // The batch of the rows, as a writer that builds columns itself hands it over.
    const batch = toBatch(table, rows);
    const offsets = (next: string) => [{ consumerGroup: 'g', topic: 't', partition: 0, nextOffset: next }];
    await warehouse.writeWithOffsets([columnarTableWrite(table, [batch], 'append')], offsets('3'));
    await warehouse.writeWithOffsets(
      [columnarTableWrite(table, [toBatch(table, [row('a', 1)])], 'upsert')],
      offsets('4'),
    );
    const read = await warehouse.query(`select * from ${warehouse.qualify(table.name)} order by id`);
    expect(read.map((r) => [r.id, r.money_value, r.text_value, r.bigint_value])).toEqual([
      ['a', '0.01', 'sao paulo ✓', 2 ** 40],
      ['b', null, null, 2 ** 40],
      ['c', '0.05', 'sao paulo ✓', 2 ** 40],
    ]);
    expect((await warehouse.readOffsets('g', 't')).map((o) => o.nextOffset)).toEqual(['4']);
    await warehouse.close();
  });

  it('writes column batches of a write across 2,048-row slices, and fails one with a value out of range whole, typed', async () => {
    const table = CONTRACT_TYPES_TABLE;
    const tables = { [table.name]: table, [SINK_OFFSETS.name]: SINK_OFFSETS };
    const warehouse = await createDuckDbWarehouse({ path: join(dir, 'slices.duckdb'), tables });
    await warehouse.migrate();
    // Inline (up to 12 bytes) and out-of-line strings, accents, nulls; two batches, five slices.
    const row = (i: number): WarehouseRow => ({
      id: `r${i}`,
      required: `${i % 2 === 0 ? 'ação' : 'x'}${'-'.repeat(i % 50)}${i}`,
      text_value: i % 7 === 3 ? null : 'sao paulo ✓'.repeat(1 + (i % 3)),
      integer_value: i,
      json_value: `{"i":${i}}`,
    });
    const rows = Array.from({ length: 5000 }, (_, i) => row(i));
    const offsets = (next: string) => [{ consumerGroup: 'g', topic: 't', partition: 0, nextOffset: next }];
    const write = (batches: ColumnBatch[]) => columnarTableWrite(table, batches, 'append');
    await warehouse.writeWithOffsets(
      [write([toBatch(table, rows.slice(0, 3000)), toBatch(table, rows.slice(3000))])],
      offsets('5000'),
    );
    const sql = `select id, required, text_value, integer_value, json_value from ${warehouse.qualify(table.name)} order by integer_value`;
    const read = await warehouse.query(sql);
    expect(read).toEqual(rows.map((r) => ({ ...r, text_value: r.text_value ?? null })));
    // Row 4,500 (the third slice of the write) does not fit an INTEGER: nothing of it is written.
    const more = Array.from({ length: 5000 }, (_, i) => row(5000 + i));
    const invalid = toBatch(table, more);
    const integers = invalid.columns[table.columns.findIndex((c) => c.name === 'integer_value')];
    if (integers?.kind !== 'number') throw new Error('integer_value is not a number column');
    integers.values[4500] = 2 ** 40;
    await expect(warehouse.writeWithOffsets([write([invalid])], offsets('10000'))).rejects.toMatchObject({
      code: 'DUCKDB_INVALID_VALUE',
      details: { column: 'integer_value' },
    });
    expect(await warehouse.query(sql)).toHaveLength(5000);
    expect((await warehouse.readOffsets('g', 't')).map((o) => o.nextOffset)).toEqual(['5000']);
    // The connection takes the next write.
    await warehouse.writeWithOffsets([write([toBatch(table, more)])], offsets('10000'));
    expect(await warehouse.query(sql)).toHaveLength(10000);
    await warehouse.close();
  });

  it('attaches the file with the row group size it is given, and reads back what it wrote', async () => {
    const path = join(dir, 'groups.duckdb');
    const table = CONTRACT_TYPES_TABLE;
    const tables = { [table.name]: table, [SINK_OFFSETS.name]: SINK_OFFSETS };
    await expect(createDuckDbWarehouse({ path, tables, rowGroupSize: 3000 })).rejects.toThrow(
      /multiple of 2048/,
    );
    const warehouse = await createDuckDbWarehouse({ path, tables, rowGroupSize: 2048 });
    await warehouse.migrate();
    const rows = Array.from({ length: 5000 }, (_, i) => ({ id: `r${i}`, required: 'x', integer_value: i }));
    await warehouse.writeWithOffsets(
      [columnarTableWrite(table, [toBatch(table, rows)], 'append')],
      [{ consumerGroup: 'g', topic: 't', partition: 0, nextOffset: '5000' }],
    );
    await warehouse.checkpoint?.();
    const [groups] = await warehouse.query<{ n: number }>(
      `SELECT count(DISTINCT row_group_id)::INTEGER AS n FROM pragma_storage_info('${warehouse.qualify(table.name).replaceAll("'", "''")}')`,
    );
    expect(groups?.n).toBe(3);
    await warehouse.close();
    const reopened = await createDuckDbWarehouse({ path, tables, rowGroupSize: 2048 });
    const [count] = await reopened.query<{ n: number }>(
      `SELECT count(*)::INTEGER AS n, sum(integer_value)::BIGINT AS total FROM ${reopened.qualify(table.name)}`,
    );
    expect(count?.n).toBe(5000);
    expect((await reopened.readOffsets('g', 't')).map((o) => o.nextOffset)).toEqual(['5000']);
    await reopened.close();
  });
});

/** The rows as one column batch of the table, the way a columnar writer builds it. */
function toBatch(table: TableDefinition, rows: readonly WarehouseRow[]): ColumnBatch {
  const encoder = new TextEncoder();
  const columns = table.columns.map((column) => {
    const values = rows.map((r) => r[column.name] ?? null);
    const nulls = values.some((v) => v === null)
      ? Uint8Array.from(values, (v) => (v === null ? 1 : 0))
      : null;
    if (column.type === 'text' || column.type === 'json') {
      const parts = values.map((v) => encoder.encode(typeof v === 'string' ? v : ''));
      const offsets = new Int32Array(values.length + 1);
      for (const [i, part] of parts.entries()) offsets[i + 1] = (offsets[i] as number) + part.length;
      const bytes = new Uint8Array(offsets[values.length] as number);
      for (const [i, part] of parts.entries()) bytes.set(part, offsets[i]);
      return { kind: 'text' as const, bytes, offsets, nulls };
    }
    const numbers = Float64Array.from(values, (v) =>
      v instanceof Date ? v.getTime() : typeof v === 'boolean' ? Number(v) : Number(v ?? 0),
    );
    return { kind: 'number' as const, values: numbers, nulls };
  });
  return { kind: 'columns', rowCount: rows.length, columns };
}
