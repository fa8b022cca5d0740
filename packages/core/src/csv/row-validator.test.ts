import { describe, expect, it } from 'vitest';
import { OLIST_TABLES } from '../schema/olist-tables.js';
import { createRowValidator } from './row-validator.js';

describe('createRowValidator', () => {
  const values = [
    'e481f51cbdc54678b7cc49136f2d6af7',
    '9ef432eb6251297304e76186b10a928d',
    'delivered',
    '2017-10-02 10:56:33',
    '2017-10-02 11:07:15',
    null,
    '2017-10-10 21:25:13',
    '2017-10-18 00:00:00',
  ];
  const asObject = (row: readonly (string | null)[]) =>
    Object.fromEntries(OLIST_TABLES.orders.header.map((column, i) => [column, row[i]]));

  it('returns the same row as the zod schema, keys in header order', () => {
    const result = createRowValidator('orders').validate(values);
    expect(result).toEqual({ ok: true, row: OLIST_TABLES.orders.schema.parse(asObject(values)) });
    if (result.ok) expect(Object.keys(result.row)).toEqual(OLIST_TABLES.orders.header);
  });

  it("returns zod's issues for a row zod rejects", () => {
    const bad = [...values];
    bad[2] = 'lost';
    const result = createRowValidator('orders').validate(bad);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path)).toEqual([['order_status']]);
  });

  it('lets zod decide when the fast path declines (zod is the source of truth)', () => {
    // A two-digit year: the fast path declines, the zod codec accepts it (as 19xx, via Date.UTC).
    const odd = [...values];
    odd[7] = '0017-10-18 00:00:00';
    const result = createRowValidator('orders').validate(odd);
    expect(result).toEqual({ ok: true, row: OLIST_TABLES.orders.schema.parse(asObject(odd)) });
  });

  it('hands timestamps over as epoch milliseconds in millis form, fast path or not, and validate keeps Dates', () => {
    const parsed = OLIST_TABLES.orders.schema.parse(asObject(values)) as Record<string, unknown>;
    const expected = OLIST_TABLES.orders.header.map((column) => {
      const value = parsed[column];
      return value instanceof Date ? value.getTime() : value;
    });
    const validator = createRowValidator('orders', 'millis');
    const into: unknown[] = [];
    expect(validator.validateInto(values, into)).toBe(true);
    expect(into).toEqual(expected);
    expect(validator.validate(values)).toEqual({ ok: true, row: parsed });
    // Through zod (the fast path declines the two-digit year): still milliseconds.
    const odd = [...values];
    odd[7] = '0017-10-18 00:00:00';
    const slow: unknown[] = [];
    expect(validator.validateInto(odd, slow)).toBe(true);
    expect(slow[7]).toBe(
      OLIST_TABLES.orders.schema.parse(asObject(odd)).order_estimated_delivery_date.getTime(),
    );
  });
});
