import type { TableDefinition, WarehouseRow } from '@orderstream/core';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '@orderstream/duckdb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Bulk writes bind each column as one text split by ASCII 0x1e, with 0x1f for NULL; a part whose
// text holds either goes through the appender. Both paths must store exactly the same values.
const SEPARATOR = '\u001e';

const every = (name: string): TableDefinition => ({
  name,
  key: ['id'],
  columns: [
    { name: 'id', type: 'integer', nullable: false },
    { name: 'text', type: 'text', nullable: true },
    { name: 'json', type: 'json', nullable: true },
    { name: 'integer', type: 'integer', nullable: true },
    { name: 'bigint', type: 'bigint', nullable: true },
    { name: 'double', type: 'double', nullable: true },
    { name: 'money', type: 'money', nullable: true },
    { name: 'timestamp', type: 'timestamp', nullable: true },
    { name: 'timestamptz', type: 'timestamptz', nullable: true },
    { name: 'boolean', type: 'boolean', nullable: true },
  ],
});

const tables = { bulk: every('bulk'), appended: every('appended') };

const orNull = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 4 });
// Any text, control characters included (the reserved two only where a test puts them).
const text = fc
  .string({ unit: 'binary', maxLength: 12 })
  .map((s) => s.replaceAll('\u001e', '_').replaceAll('\u001f', '_'));
const date = fc.date({
  min: new Date('0001-01-01T00:00:00Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
  noInvalidDate: true,
});
const row = (id: number) =>
  fc.record({
    id: fc.constant(id),
    text: orNull(text),
    json: orNull(fc.json({ maxDepth: 2 })),
    integer: orNull(fc.integer()),
    bigint: orNull(
      fc.oneof(
        fc.maxSafeInteger(),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => value.toString()),
      ),
    ),
    double: orNull(fc.double()),
    money: orNull(fc.integer({ min: -(10 ** 15), max: 10 ** 15 })),
    timestamp: orNull(date),
    timestamptz: orNull(date),
    boolean: orNull(fc.boolean()),
  });
const rows = fc
  .integer({ min: 1, max: 40 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => row(i))));

describe('DuckDB bulk insert', () => {
  let warehouse: DuckDbWarehouse;

  beforeAll(async () => {
    warehouse = await createDuckDbWarehouse({ path: ':memory:', tables });
    await warehouse.migrate();
  });

  afterAll(async () => {
    await warehouse.close();
  });

  let base = 0;
  const read = (table: string, from: number, to: number) =>
    warehouse.query(`SELECT * FROM ${warehouse.qualify(table)} WHERE id >= ? AND id < ? ORDER BY id`, [
      from,
      to,
    ]);

  it('stores what the appender stores, for values of every column type', async () => {
    await fc.assert(
      fc.asyncProperty(rows, async (generated) => {
        const from = base;
        base += generated.length;
        const written = generated.map((r) => ({ ...r, id: r.id + from })) as WarehouseRow[];
        // The marker row (a negative id) puts a separator into the part, so the appender writes it.
        const marker = { id: -1 - from, text: `a${SEPARATOR}b` };
        await warehouse.write([
          { table: 'bulk', rows: written, mode: 'append' },
          { table: 'appended', rows: [marker, ...written], mode: 'append' },
        ]);
        const bulk = await read('bulk', from, base);
        const appended = await read('appended', from, base);
        expect(bulk).toEqual(appended);
        expect(bulk).toHaveLength(written.length);
      }),
      { numRuns: process.env.CI ? 40 : 150 },
    );
  });

  it('writes more rows than one insert carries, in order, the appender taking only the part that needs it', async () => {
    const from = 10_000_000;
    const many = Array.from({ length: 40_000 }, (_, i) => ({
      id: from + i,
      text: i === 20_000 ? `x${SEPARATOR}y` : `t${i}`,
      integer: i,
    }));
    await warehouse.write([{ table: 'bulk', rows: many, mode: 'append' }]);
    const [summary] = await warehouse.query<{ n: number; total: number; ordered: number; odd: string }>(
      `SELECT count(*)::INTEGER AS n, sum(integer)::BIGINT AS total,
         count(*) FILTER (WHERE text = 't' || (id - ?))::INTEGER AS ordered,
         max(text) FILTER (WHERE id = ?) AS odd
       FROM ${warehouse.qualify('bulk')} WHERE id >= ?`,
      [from, from + 20_000, from],
    );
    expect(summary).toEqual({
      n: 40_000,
      total: (39_999 * 40_000) / 2,
      ordered: 39_999,
      odd: `x${SEPARATOR}y`,
    });
  });

  it('reports a value the engine refuses without quoting it', async () => {
    const failure = await warehouse
      .write([{ table: 'bulk', rows: [{ id: -999_999_999, json: '{"secret-value' }], mode: 'append' }])
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toMatchObject({ code: 'DUCKDB_TRANSACTION_FAILED' });
    expect(String((failure as Error).message)).toMatch(
      /^Inserting into bulk failed: Conversion Error: Malformed JSON.*\(column json\)$/,
    );
    expect(JSON.stringify(failure)).not.toContain('secret-value');
    expect(String((failure as Error).message)).not.toContain('secret-value');
    expect((failure as Error).cause).toBeUndefined();
    expect(await read('bulk', -999_999_999, -999_999_998)).toEqual([]);
  });
});
