import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DECLINE, FAST_CODECS, fastTimestampMillis } from './fast-codecs.js';
import {
  checkAgreesWithZod,
  FIELD_CODECS,
  fieldCodecInput,
  TYPICAL_FIELD_VALUES,
} from './field-codec-fixture.js';
import { naiveTimestamp } from './fields.js';

describe('fast codecs', () => {
  it('cover every shared codec the tables use', () => {
    for (const [name, schema] of Object.entries(FIELD_CODECS))
      expect(FAST_CODECS.has(schema), name).toBe(true);
  });

  for (const [name, schema] of Object.entries(FIELD_CODECS)) {
    it(`${name}: accepts only what zod accepts, with zod's output`, () => {
      const fast = FAST_CODECS.get(schema);
      if (fast === undefined) throw new Error(`no fast codec for ${name}`);
      checkAgreesWithZod(
        schema,
        (value) => {
          const result = fast(value);
          return result === DECLINE ? undefined : result;
        },
        { input: fieldCodecInput, numRuns: 3000, seed: 20_261_125 },
      );
    });
  }

  it('accept the typical Olist values (so the fast path is the path taken)', () => {
    for (const [schema, value] of TYPICAL_FIELD_VALUES) {
      expect(FAST_CODECS.get(schema)?.(value), value).not.toBe(DECLINE);
    }
  });
});

describe('fastTimestampMillis', () => {
  it('gives exactly the time of the fast Date codec, and declines where it declines', () => {
    const viaDate = FAST_CODECS.get(naiveTimestamp) as (value: string) => unknown;
    fc.assert(
      fc.property(fieldCodecInput, (value) => {
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
