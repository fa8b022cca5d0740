import fc from 'fast-check';
import { expect } from 'vitest';
import type { z } from 'zod';
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

/** The shared field codecs the Olist tables use, by name: what the fast paths are tested against. */
export const FIELD_CODECS: Readonly<Record<string, z.ZodType>> = {
  olistId,
  zipPrefix,
  stateCode,
  text,
  integer,
  float,
  money,
  naiveTimestamp,
  orderStatus,
  paymentType,
};

/** Inputs near each field codec's boundary, plus anything at all (for property tests). */
export const fieldCodecInput: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[0-9a-fA-F]{30,34}$/),
  fc.stringMatching(/^-?\d{1,20}(\.\d{0,4})?([eE][-+]?\d{1,4})?$/),
  fc.double().map(String),
  fc.stringMatching(/^\d{1,4}-\d{1,2}-\d{1,2}[ T]\d{2}:\d{2}:\d{2}$/),
  fc
    .date({ min: new Date(Date.UTC(1, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 19).replace('T', ' ')),
  fc.stringMatching(/^[A-Za-z]{1,3}$/),
  fc.constantFrom(...orderStatus.options, ...paymentType.options, 'Delivered', ' boleto'),
);

/** Typical Olist values, one codec each (a few more for the number forms): what a fast path must take. */
export const TYPICAL_FIELD_VALUES: readonly (readonly [z.ZodType, string])[] = [
  [olistId, 'e481f51cbdc54678b7cc49136f2d6af7'],
  [zipPrefix, '01037'],
  [stateCode, 'SP'],
  [text, 'são paulo'],
  [integer, '287'],
  [float, '-23.54562128115268'],
  [float, '-46.596665515432704'],
  [money, '58.90'],
  [money, '7'],
  [money, '0.5'],
  [naiveTimestamp, '2017-10-02 10:56:33'],
  [orderStatus, 'delivered'],
  [paymentType, 'credit_card'],
];

/**
 * Checks, on `runs` generated inputs, that a fast path of `schema` accepts only what zod accepts,
 * with zod's output.
 *
 * @param schema - the field codec
 * @param fastPath - the fast path: its output, or `undefined` where it declines
 * @param options - the input generator, run count and seed
 */
export function checkAgreesWithZod(
  schema: z.ZodType,
  fastPath: (value: string) => unknown,
  options: {
    input: fc.Arbitrary<string>;
    numRuns: number;
    seed: number;
    /** zod's output in the fast path's form (epoch ms for a `Date`, say); default as is. */
    toZod?: (data: unknown) => unknown;
  },
): void {
  const { input, numRuns, seed, toZod = (data: unknown) => data } = options;
  fc.assert(
    fc.property(input, (value) => {
      if (value === '') return; // empty text is null before any codec sees it
      const result = fastPath(value);
      if (result === undefined) return;
      const expected = schema.safeParse(value);
      expect(expected.success, `zod rejects ${JSON.stringify(value)} that the fast path accepted`).toBe(true);
      const data = toZod(expected.data);
      if (typeof result === 'object' && result !== null) expect(result, JSON.stringify(value)).toEqual(data);
      // Object.is: -0 must stay -0.
      else
        expect(
          Object.is(result, data),
          `${JSON.stringify(value)}: ${String(result)} vs ${String(data)}`,
        ).toBe(true);
    }),
    { numRuns, seed },
  );
}
