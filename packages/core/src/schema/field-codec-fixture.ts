import fc from 'fast-check';
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
