import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { FIELD_CODECS, fieldCodecInput } from '../olist/field-codec-fixture.js';
import {
  float,
  integer,
  money,
  naiveTimestamp,
  olistId,
  orderStatus,
  paymentType,
  stateCode,
  text,
  zipPrefix,
} from '../olist/fields.js';
import { OLIST_TABLES } from '../olist/olist-tables.js';
import { createRowValidator, DECLINE, FAST_CODECS, fastTimestampMillis } from './row-validator.js';

const CODECS = FIELD_CODECS;
const input = fieldCodecInput;

describe('fast codecs', () => {
  it('cover every shared codec the tables use', () => {
    for (const [name, schema] of Object.entries(CODECS)) expect(FAST_CODECS.has(schema), name).toBe(true);
  });

  for (const [name, schema] of Object.entries(CODECS)) {
    it(`${name}: accepts only what zod accepts, with zod's output`, () => {
      const fast = FAST_CODECS.get(schema);
      if (fast === undefined) throw new Error(`no fast codec for ${name}`);
      fc.assert(
        fc.property(input, (value) => {
          if (value === '') return; // empty text is null before validation
          const result = fast(value);
          if (result === DECLINE) return;
          const expected = schema.safeParse(value);
          expect(expected.success, `zod rejects ${JSON.stringify(value)} that the fast path accepted`).toBe(
            true,
          );
          expect(result).toEqual(expected.data);
        }),
        { numRuns: 3000, seed: 20_261_125 },
      );
    });
  }

  it('accept the typical Olist values (so the fast path is the path taken)', () => {
    const typical: [z.ZodType, string][] = [
      [olistId, 'e481f51cbdc54678b7cc49136f2d6af7'],
      [zipPrefix, '01037'],
      [stateCode, 'SP'],
      [text, 'são paulo'],
      [integer, '287'],
      [float, '-23.54562128115268'],
      [money, '58.90'],
      [naiveTimestamp, '2017-10-02 10:56:33'],
      [orderStatus, 'delivered'],
      [paymentType, 'credit_card'],
    ];
    for (const [schema, value] of typical) expect(FAST_CODECS.get(schema)?.(value)).not.toBe(DECLINE);
  });
});

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

describe('fastTimestampMillis', () => {
  it('gives exactly the time of the fast Date codec, and declines where it declines', () => {
    const viaDate = FAST_CODECS.get(naiveTimestamp) as (value: string) => unknown;
    fc.assert(
      fc.property(input, (value) => {
        const millis = fastTimestampMillis(value);
        const date = viaDate(value);
        expect(millis === DECLINE ? DECLINE : millis).toEqual(
          date === DECLINE ? DECLINE : (date as Date).getTime(),
        );
      }),
      { numRuns: 3000, seed: 20_261_126 },
    );
  });
});
