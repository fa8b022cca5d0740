import { formatCents } from '../../schema/fields.js';

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Converts a money value read from the warehouse (an exact decimal string, or a number from some
 * engines) to integer cents, rounding half away from zero beyond two places.
 *
 * @param value - `"1234.50"`, `1234.5`, `null`
 * @returns cents; `0` for `null`
 */
export function toCents(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return Math.round(value * 100);
  if (typeof value === 'bigint') return Number(value) * 100;
  const match = DECIMAL.exec(String(value).trim());
  if (!match) return 0;
  const [, sign, whole = '0', fraction = ''] = match;
  const padded = fraction.padEnd(3, '0');
  const cents = Number(whole) * 100 + Number(padded.slice(0, 2)) + (Number(padded[2]) >= 5 ? 1 : 0);
  return sign === '-' ? -cents : cents;
}

/**
 * Formats cents as a decimal string with two places.
 *
 * @param cents - integer cents
 * @returns e.g. `"12.30"`
 */
export function centsToDecimal(cents: number): string {
  return formatCents(Math.round(cents));
}

/**
 * Converts a count read from the warehouse (number, bigint or numeric string) to a number.
 *
 * @param value - the value
 * @returns the number; `0` for `null`
 */
export function toCount(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Converts a nullable floating value to a number or `null`.
 *
 * @param value - the value
 * @returns the number, or `null`
 */
export function toNullableNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * Converts a timestamp read from the warehouse to ISO 8601 text, or `null`.
 *
 * @param value - a `Date` (or text from engines that return text)
 * @returns ISO text in UTC, or `null`
 */
export function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
