import { z } from 'zod';

/**
 * Field codecs shared by the Olist CSV schemas and the order event contract. Each accepts the
 * text form found in the files (and, for the stream, JSON numbers where that is natural) and
 * yields the typed value.
 */

const HEX_ID = /^[0-9a-f]{32}$/;
const ZIP_PREFIX = /^\d{5}$/;
const STATE = /^[A-Z]{2}$/;
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;
const MONEY = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;
const NAIVE_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/** A 32-character lowercase hex identifier, as Olist uses for every id. */
export const olistId = z.string().regex(HEX_ID, 'expected a 32-character lowercase hex id');

/** A Brazilian CEP prefix: five digits, kept as text so leading zeros survive. */
export const zipPrefix = z.string().regex(ZIP_PREFIX, 'expected a 5-digit zip code prefix');

/** A two-letter Brazilian state code (UF). */
export const stateCode = z.string().regex(STATE, 'expected a 2-letter state code');

/** Non-empty free text. */
export const text = z.string().min(1, 'expected a non-empty value');

/** An integer written as text (or a JSON integer). */
export const integer = z
  .union([z.int(), z.string().regex(INTEGER, 'expected an integer')])
  .transform((value) => (typeof value === 'number' ? value : Number(value)))
  .pipe(z.int('integer out of range'));

/** A finite floating-point number written as text (or a JSON number). */
export const float = z
  .union([z.number(), z.string().regex(DECIMAL, 'expected a number')])
  .transform((value) => (typeof value === 'number' ? value : Number(value)))
  .pipe(z.number().refine(Number.isFinite, 'expected a finite number'));

/**
 * Parses a money amount with at most two decimals into integer cents, exactly.
 *
 * @param value - `"129.90"`, `"7"`, `"-0.5"`
 * @returns the amount in cents, or `undefined` when `value` is not a money amount
 */
export function parseCents(value: string): number | undefined {
  const match = MONEY.exec(value);
  if (!match) return undefined;
  const [, sign, whole = '', fraction = ''] = match;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) return undefined;
  return sign === '-' ? -cents : cents;
}

/**
 * Formats integer cents as a decimal string with two places.
 *
 * @param cents - an integer amount in cents
 * @returns `"129.90"` for `12990`
 */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.trunc(abs / 100);
  const fraction = abs - whole * 100;
  return `${sign}${whole}.${fraction < 10 ? '0' : ''}${fraction}`;
}

/**
 * Money: a decimal with at most two places (text, or a JSON number), parsed into **integer cents**
 * so sums never drift. `"129.90"` becomes `12990`.
 */
export const money = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const cents = parseCents(typeof value === 'number' ? String(value) : value);
  if (cents === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a money amount with at most 2 decimals' });
    return z.NEVER;
  }
  return cents;
});

/**
 * Parses Olist's zone-less `YYYY-MM-DD HH:MM:SS` into a `Date` that keeps the wall-clock value as
 * UTC (Olist records Brazilian local time without a zone; we keep it as written).
 *
 * @param value - the text from the file
 * @returns the `Date`, or `undefined` when the text is not a valid timestamp
 */
export function parseNaiveTimestamp(value: string): Date | undefined {
  const m = NAIVE_TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // setUTCFullYear, unlike Date.UTC, keeps years below 100 as written (0017 stays 17 AD).
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Reject rolled-over dates such as 2017-02-30.
  if (
    date.getUTCDate() !== day ||
    date.getUTCMonth() !== month - 1 ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  return date;
}

/**
 * Formats a `Date` as Olist's zone-less `YYYY-MM-DD HH:MM:SS` (UTC wall clock).
 *
 * @param date - the timestamp
 * @returns the text Olist writes
 */
export function formatNaiveTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** An Olist timestamp, `YYYY-MM-DD HH:MM:SS`, as a `Date` (wall clock kept as UTC). */
export const naiveTimestamp = z.union([z.string(), z.date()]).transform((value, ctx) => {
  if (value instanceof Date) return value;
  const date = parseNaiveTimestamp(value);
  if (date === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a timestamp YYYY-MM-DD HH:MM:SS' });
    return z.NEVER;
  }
  return date;
});

/** An instant with an explicit zone, ISO 8601 (`2026-11-25T21:00:00.000Z`), as a `Date`. */
export const instant = z
  .union([z.iso.datetime({ offset: true }), z.date()])
  .transform((value) => (value instanceof Date ? value : new Date(value)));

/** The order statuses found in the Olist data set. */
export const ORDER_STATUSES = [
  'created',
  'approved',
  'invoiced',
  'processing',
  'shipped',
  'delivered',
  'canceled',
  'unavailable',
] as const;

/** An order's status. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The payment types found in the Olist data set. */
export const PAYMENT_TYPES = ['credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined'] as const;

/** A payment's type. */
export type PaymentType = (typeof PAYMENT_TYPES)[number];

/** An order status field. */
export const orderStatus = z.enum(ORDER_STATUSES);

/** A payment type field. */
export const paymentType = z.enum(PAYMENT_TYPES);
