import { z } from 'zod';
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
} from '../olist/fields.js';
import { OLIST_TABLES, type OlistTableKey } from '../olist/olist-tables.js';

/**
 * Fast paths for the shared field codecs of `olist/fields.ts`. The zod schemas stay the source of
 * truth: a fast codec may only *accept* what its zod codec accepts, with the same output; whenever
 * it declines (returns {@link DECLINE}) the whole record goes through zod, which then decides.
 * `row-validator.test.ts` checks every fast codec against its zod codec on generated inputs.
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

interface ColumnPlan {
  readonly name: string;
  readonly nullable: boolean;
  /** The fast codec, or `undefined` when the column's schema has none (zod then checks the row). */
  readonly fast: FastCodec | undefined;
}

/** The outcome of validating one record's fields. */
export type RowValidation =
  | { readonly ok: true; readonly row: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly issues: readonly z.core.$ZodIssue[];
      readonly input: Record<string, unknown>;
    };

/** A record that failed its table's schema: zod's issues and the record as zod saw it. */
export interface RowInvalid {
  readonly ok: false;
  readonly issues: readonly z.core.$ZodIssue[];
  readonly input: Record<string, unknown>;
}

/** Validates the field values of one table's records (empty text already turned into `null`). */
export interface RowValidator {
  readonly columns: readonly string[];
  validate(values: readonly (string | null)[]): RowValidation;
  /**
   * Like `validate`, but writes the parsed values into `into`, in header order, instead of
   * building a row object.
   *
   * @returns `true`, or what failed
   */
  validateInto(values: readonly (string | null)[], into: unknown[]): true | RowInvalid;
}

/** How a validator hands over timestamps: as `Date`s (the schema's output) or epoch milliseconds. */
export type TimestampForm = 'date' | 'millis';

function planColumn(name: string, schema: z.ZodType, timestamps: TimestampForm): ColumnPlan {
  const nullable = schema instanceof z.ZodNullable;
  const inner = nullable ? (schema.unwrap() as z.ZodType) : schema;
  const fast =
    timestamps === 'millis' && inner === naiveTimestamp ? fastTimestampMillis : FAST_CODECS.get(inner);
  return { name, nullable, fast };
}

/**
 * Builds the validator of one Olist table from its zod schema.
 *
 * @param table - the table key
 * @param timestamps - how `validateInto` hands over timestamps (`validate` always gives `Date`s)
 * @returns a validator that takes the record's values in header order
 */
export function createRowValidator(table: OlistTableKey, timestamps: TimestampForm = 'date'): RowValidator {
  const { schema, header } = OLIST_TABLES[table];
  const shape = schema.shape as Record<string, z.ZodType>;
  const plans = header.map((name) => {
    const columnSchema = shape[name];
    if (columnSchema === undefined) throw new Error(`Olist table ${table} has no schema for column ${name}`);
    return planColumn(name, columnSchema, timestamps);
  });
  const allFast = plans.every((plan) => plan.fast !== undefined);
  const width = plans.length;

  const slow = (values: readonly (string | null)[]): RowValidation => {
    const input: Record<string, unknown> = {};
    for (let i = 0; i < width; i++) input[(plans[i] as ColumnPlan).name] = values[i];
    const result = schema.safeParse(input);
    return result.success
      ? { ok: true, row: result.data }
      : { ok: false, issues: result.error.issues, input };
  };

  // The fast codecs, in header order, into `into`; `false` when one declines.
  const fast = (values: readonly (string | null)[], into: unknown[]): boolean => {
    if (!allFast) return false;
    for (let i = 0; i < width; i++) {
      const plan = plans[i] as ColumnPlan;
      const value = values[i] ?? null;
      if (value === null) {
        if (!plan.nullable) return false;
        into[i] = null;
        continue;
      }
      const parsed = (plan.fast as FastCodec)(value);
      if (parsed === DECLINE) return false;
      into[i] = parsed;
    }
    return true;
  };

  return {
    columns: header,
    validate(values) {
      const into = new Array<unknown>(width);
      if (!fast(values, into)) return slow(values);
      const row: Record<string, unknown> = {};
      for (let i = 0; i < width; i++) {
        const plan = plans[i] as ColumnPlan;
        const value = into[i];
        row[plan.name] =
          plan.fast === fastTimestampMillis && typeof value === 'number' ? new Date(value) : value;
      }
      return { ok: true, row };
    },
    validateInto(values, into) {
      if (fast(values, into)) return true;
      const result = slow(values);
      if (!result.ok) return result;
      for (let i = 0; i < width; i++) {
        const value = result.row[(plans[i] as ColumnPlan).name];
        into[i] = timestamps === 'millis' && value instanceof Date ? value.getTime() : value;
      }
      return true;
    },
  };
}
