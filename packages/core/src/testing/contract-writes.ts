import { expect, it } from 'vitest';
import { isOrderstreamError } from '../errors/orderstream-error.js';
import { formatCents } from '../schema/fields.js';
import { CONTEXT, EVENTS, eventRows, lcg, TYPES } from './contract-fixtures.js';
import { CONTRACT_TYPES_TABLE } from './contract-tables.js';
import type { ContractHarness } from './contract-types.js';

/** The contract of `migrate`, `write`, value round trips and `qualify`. */
export function describeWriteContract(h: ContractHarness): void {
  it('migrate is idempotent and keeps existing rows', async () => {
    await h.warehouse.write([{ table: TYPES, rows: [{ id: 'a', required: 'x' }] }]);
    await h.warehouse.migrate();
    await h.warehouse.migrate();
    expect((await h.typesRows()).map((row) => row.id)).toEqual(['a']);
  });

  it('qualify names every managed table so that it can be queried', async () => {
    for (const table of Object.keys(CONTEXT.tables)) {
      const rows = await h.warehouse.query<{ n: unknown }>(
        `select count(*) as n from ${h.warehouse.qualify(table)}`,
      );
      expect(Number(rows[0]?.n)).toBe(0);
    }
  });

  it('round-trips every column type exactly', async () => {
    const wallClock = new Date(Date.UTC(2017, 9, 2, 10, 56, 33));
    const instant = new Date('2026-11-25T21:07:42.123Z');
    const json = {
      order_id: 'e481f51cbdc54678b7cc49136f2d6af7',
      items: [1, 2.5, 'três'],
      nested: { ok: true },
    };
    const text = `it's "quoted", back\\slash, 'single', ção, 日本語, 🦆, tab\tand\nnewline`;
    await h.warehouse.write([
      {
        table: TYPES,
        rows: [
          {
            id: 'full',
            required: 'r',
            text_value: text,
            integer_value: -2_147_483_648,
            bigint_value: Number.MAX_SAFE_INTEGER,
            double_value: -23.545621281269,
            money_value: 12_990,
            timestamp_value: wallClock,
            timestamptz_value: instant,
            json_value: JSON.stringify(json),
            boolean_value: true,
          },
          { id: 'large', required: 'r', money_value: Number.MAX_SAFE_INTEGER, boolean_value: false },
          { id: 'negative', required: 'r', money_value: -5, integer_value: 0, double_value: 0 },
          { id: 'nulls', required: 'r' },
        ],
      },
    ]);
    const rows = await h.typesRows();
    expect(rows.map((row) => row.id)).toEqual(['full', 'large', 'negative', 'nulls']);
    const [full, large, negative, nulls] = rows as [
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect(full.text_value).toBe(text);
    expect(full.integer_value).toBe(-2_147_483_648);
    expect(full.bigint_value).toBe(Number.MAX_SAFE_INTEGER);
    expect(full.double_value).toBe(-23.545621281269);
    expect(full.money_value).toBe('129.90');
    expect(full.timestamp_value).toBeInstanceOf(Date);
    expect((full.timestamp_value as Date).getTime()).toBe(wallClock.getTime());
    expect(full.timestamptz_value).toBeInstanceOf(Date);
    expect((full.timestamptz_value as Date).getTime()).toBe(instant.getTime());
    expect(typeof full.json_value).toBe('string');
    expect(JSON.parse(full.json_value as string)).toEqual(json);
    expect(full.boolean_value).toBe(true);
    expect(large.money_value).toBe('90071992547409.91');
    expect(large.boolean_value).toBe(false);
    expect(negative.money_value).toBe('-0.05');
    expect(negative.integer_value).toBe(0);
    for (const column of CONTRACT_TYPES_TABLE.columns) {
      if (column.name !== 'id' && column.name !== 'required') expect(nulls[column.name]).toBeNull();
    }
  });

  it('sums money exactly to the cent over 100k rows', async () => {
    const next = lcg(42);
    let expected = 0n;
    const rows = eventRows('sum', 100_000, () => {
      const cents = next() % 100_000_000; // up to 999,999.99 each
      expected += BigInt(cents);
      return cents;
    });
    await h.warehouse.write([{ table: EVENTS, rows, mode: 'append' }]);
    const [result] = await h.warehouse.query<{ total: unknown; n: unknown }>(
      `select sum(amount) as total, count(*) as n from ${h.warehouse.qualify(EVENTS)}`,
    );
    expect(Number(result?.n)).toBe(100_000);
    expect(result?.total).toBe(formatCents(Number(expected)));
    expect(expected > BigInt(2 ** 32)).toBe(true);
  });

  it('write upserts on the natural key: the same rows twice leave one copy, a changed row replaces', async () => {
    const rows = [
      { id: 'a', required: 'first', money_value: 100 },
      { id: 'b', required: 'first', money_value: 200 },
    ];
    await h.warehouse.write([{ table: TYPES, rows }]);
    await h.warehouse.write([{ table: TYPES, rows }]);
    expect((await h.typesRows()).map((row) => [row.id, row.required])).toEqual([
      ['a', 'first'],
      ['b', 'first'],
    ]);
    await h.warehouse.write([{ table: TYPES, rows: [{ id: 'b', required: 'second', money_value: 250 }] }]);
    expect((await h.typesRows()).map((row) => [row.id, row.required, row.money_value])).toEqual([
      ['a', 'first', '1.00'],
      ['b', 'second', '2.50'],
    ]);
  });

  it('write keeps the last of rows whose key repeats within one call', async () => {
    await h.warehouse.write([
      {
        table: TYPES,
        rows: [
          { id: 'a', required: 'one' },
          { id: 'a', required: 'two' },
          { id: 'a', required: 'three' },
        ],
      },
    ]);
    expect((await h.typesRows()).map((row) => row.required)).toEqual(['three']);
  });

  it('write in append mode inserts every row', async () => {
    const rows = eventRows('g', 3, (seq) => seq);
    await h.warehouse.write([{ table: EVENTS, rows, mode: 'append' }]);
    await h.warehouse.write([{ table: EVENTS, rows, mode: 'append' }]);
    expect(await h.countEvents()).toEqual({ g: 6 });
  });

  it('write to several tables is atomic: a NOT NULL violation in one leaves all untouched', async () => {
    await h.warehouse.write([{ table: TYPES, rows: [{ id: 'keep', required: 'x' }] }]);
    const failing = h.warehouse.write([
      { table: EVENTS, rows: eventRows('g', 5, () => 1), mode: 'append' },
      {
        table: TYPES,
        rows: [
          { id: 'new', required: 'x' },
          { id: 'bad', required: null },
        ],
      },
    ]);
    await expect(failing).rejects.toSatisfy(isOrderstreamError);
    expect((await h.typesRows()).map((row) => row.id)).toEqual(['keep']);
    expect(await h.countEvents()).toEqual({});
  });
}
