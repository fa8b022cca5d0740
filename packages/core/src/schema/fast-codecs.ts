import type { z } from 'zod';
import {
  float,
  integer,
  money,
  naiveTimestamp,
  olistId,
  orderStatus,
  parseCents,
  paymentType,
  stateCode,
  text,
  zipPrefix,
} from './fields.js';

/**
 * Fast paths for the shared field codecs of `schema/fields.ts`. The zod schemas stay the source of
 * truth: a fast codec may only *accept* what its zod codec accepts, with the same output; whenever
 * it declines (returns {@link DECLINE}) the whole record goes through zod, which then decides.
 * `fast-codecs.test.ts` checks every fast codec against its zod codec on generated inputs.
 */
export const DECLINE: unique symbol = Symbol('decline');

/** A fast codec: the parsed value, or {@link DECLINE} to let zod decide. Input is non-empty text. */
export type FastCodec = (value: string) => unknown;

const HEX_ID = /^[0-9a-f]{32}$/;
const ZIP_PREFIX = /^\d{5}$/;
const STATE = /^[A-Z]{2}$/;
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

const DIGIT_0 = 48;

/** Reads `length` ASCII digits at `at`, or returns -1. */
function digits(value: string, at: number, length: number): number {
  let result = 0;
  for (let i = at; i < at + length; i++) {
    const d = value.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    result = result * 10 + d;
  }
  return result;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * `YYYY-MM-DD HH:MM:SS` (or with `T`) as epoch milliseconds (the wall clock read as UTC), without
 * a regex or a `Date`: the hot column type. The column loader takes the number as it is.
 */
export function fastTimestampMillis(value: string): number | typeof DECLINE {
  if (value.length !== 19) return DECLINE;
  const sep = value.charCodeAt(10);
  if (
    value[4] !== '-' ||
    value[7] !== '-' ||
    (sep !== 32 && sep !== 84) ||
    value[13] !== ':' ||
    value[16] !== ':'
  ) {
    return DECLINE;
  }
  return civilMillis(
    digits(value, 0, 4),
    digits(value, 5, 2),
    digits(value, 8, 2),
    digits(value, 11, 2),
    digits(value, 14, 2),
    digits(value, 17, 2),
  );
}

/**
 * A wall-clock date and time (fields already read as digits; -1 for a field that was not digits)
 * as epoch milliseconds read as UTC, or {@link DECLINE} when zod has to decide: out-of-range
 * fields, rolled-over days, and years below 100 (`Date.UTC` maps those onto 19xx).
 */
export function civilMillis(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | typeof DECLINE {
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return DECLINE;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return DECLINE;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  if (day > (DAYS_IN_MONTH[month - 1] as number) + leap) return DECLINE;
  return daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000;
}

function fastTimestamp(value: string): unknown {
  const millis = fastTimestampMillis(value);
  return millis === DECLINE ? DECLINE : new Date(millis);
}

const enumCodec = (options: readonly string[]): FastCodec => {
  const allowed = new Set(options);
  return (value) => (allowed.has(value) ? value : DECLINE);
};

/** The fast codec of each shared zod codec, keyed by the schema instance the tables use. */
export const FAST_CODECS: ReadonlyMap<z.ZodType, FastCodec> = new Map<z.ZodType, FastCodec>([
  [olistId, (value) => (HEX_ID.test(value) ? value : DECLINE)],
  [zipPrefix, (value) => (ZIP_PREFIX.test(value) ? value : DECLINE)],
  [stateCode, (value) => (STATE.test(value) ? value : DECLINE)],
  [text, (value) => (value.length > 0 ? value : DECLINE)],
  [
    integer,
    (value) => {
      if (!INTEGER.test(value)) return DECLINE;
      const parsed = Number(value);
      return Number.isSafeInteger(parsed) ? parsed : DECLINE;
    },
  ],
  [
    float,
    (value) => {
      if (!DECIMAL.test(value)) return DECLINE;
      const parsed = Number(value);
      return Number.isFinite(parsed) ? parsed : DECLINE;
    },
  ],
  [money, (value) => parseCents(value) ?? DECLINE],
  [naiveTimestamp, fastTimestamp],
  [orderStatus, enumCodec(orderStatus.options)],
  [paymentType, enumCodec(paymentType.options)],
]);
