import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { DECLINE, FAST_CODECS, fastTimestampMillis } from './fast-codecs.js';
import { FIELD_CODECS, fieldCodecInput } from './field-codec-fixture.js';
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
} from './fields.js';

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
