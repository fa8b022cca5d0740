import { z } from 'zod';
import { civilMillis, DECLINE } from '../schema/fast-codecs.js';
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
} from '../schema/fields.js';
import { OLIST_TABLES, type OlistTableKey } from '../schema/olist-tables.js';

/**
 * Field codecs on a file's bytes, for the column reader's fast path: the bytes of a text value
 * are copied as they are, a number is read without a string in between. Like the fast codecs of
 * the row validator, a byte codec may only *accept* what its zod codec accepts, with the same
 * value; when it declines, the record takes the string path, where zod decides.
 * `byte-codecs.test.ts` checks every byte codec against its zod codec.
 *
 * The input is never empty (an empty field is `null` before any codec sees it) and lies between
 * `start` and `end` of `bytes`.
 */
export type ByteCodec =
  | {
      readonly kind: 'text';
      /** Whether the bytes are a value of the column, as they are. */
      readonly check: (bytes: Uint8Array, start: number, end: number) => boolean;
    }
  | {
      readonly kind: 'number';
      /** The value, or `NaN` to decline. */
      readonly parse: (bytes: Buffer, start: number, end: number) => number;
    };

const MINUS = 45;
const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
/** Below this every integer is exact, and so is every step of reading one digit by digit. */
const EXACT = 2 ** 53;
/** Powers of ten a double holds exactly: a product or quotient with them is correctly rounded. */
const POW10 = Array.from({ length: 23 }, (_, index) => 10 ** index);

const isDigit = (byte: number | undefined): boolean =>
  byte !== undefined && byte >= DIGIT_0 && byte <= DIGIT_9;

/** 1 for the bytes of `[0-9a-f]`. */
const HEX = new Uint8Array(256);
for (const char of '0123456789abcdef') HEX[char.charCodeAt(0)] = 1;

/**
 * `[0-9a-f]{32}`: an Olist id. A table lookup without a branch per byte (measured ~4x faster than
 * comparing ranges: random hex digits make those branches unpredictable).
 */
function checkId(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 32) return false;
  let all = 1;
  for (let at = start; at < end; at++) all &= HEX[bytes[at] as number] as number;
  return all === 1;
}

/** `\d{5}`: a zip code prefix. */
function checkZip(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 5) return false;
  for (let at = start; at < end; at++) if (!isDigit(bytes[at])) return false;
  return true;
}

/** `[A-Z]{2}`: a state code. */
function checkState(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 2) return false;
  const a = bytes[start] as number;
  const b = bytes[start + 1] as number;
  return a >= 65 && a <= 90 && b >= 65 && b <= 90;
}

/** One of a fixed set of ASCII words (an enum). */
function enumCheck(options: readonly string[]): (bytes: Uint8Array, start: number, end: number) => boolean {
  const words = options.map((option) => Buffer.from(option, 'latin1'));
  return (bytes, start, end) => {
    const length = end - start;
    search: for (const word of words) {
      if (word.length !== length) continue;
      for (let index = 0; index < length; index++) {
        if (word[index] !== bytes[start + index]) continue search;
      }
      return true;
    }
    return false;
  };
}

/** Significant digits read into one exact integer; up to four more go into a second one. */
const HEAD_DIGITS = 15;
const TAIL_DIGITS = 4;
/** Dekker's splitter for doubles: 2^27 + 1. */
const SPLITTER = 134_217_729;
/** Margin around a rounding boundary within which `Number` decides (relative to half an ulp). */
const MARGIN = 2 ** -20;
const bits = new DataView(new ArrayBuffer(8));

/** The rounding error of `p = a * b`: `a * b = p + error` exactly (Dekker, no FMA). */
function productError(a: number, b: number, p: number): number {
  const sa = SPLITTER * a;
  const aHigh = sa - (sa - a);
  const aLow = a - aHigh;
  const sb = SPLITTER * b;
  const bHigh = sb - (sb - b);
  const bLow = b - bHigh;
  return aHigh * bHigh - p + aHigh * bLow + aLow * bHigh + aLow * bLow;
}

/**
 * `(head · 10^tailDigits + tail) / 10^places`, correctly rounded, for a significand too long for
 * one exact double (16 to 19 digits, as the shortest form of a double often has): the
 * significand is held exactly as a double and a small integer, the quotient's remainder is
 * computed in double-double arithmetic and tells whether the plain quotient or a neighbour is
 * the nearest double. `NaN` when the value lies within a hair of a rounding boundary (or the
 * quotient is a power of two): `Number` then decides.
 */
export function divideLong(head: number, tail: number, tailDigits: number, places: number): number {
  // The significand m = high + low exactly (TwoProduct, then TwoSum).
  const scale = POW10[tailDigits] as number;
  const product = head * scale;
  const productLow = productError(head, scale, product);
  const high = product + tail;
  const back = high - product;
  const sumLow = product - (high - back) + (tail - back);
  const low = productLow + sumLow;
  // q = m / d rounded once; the remainder m - q·d, nearly exact.
  const divisor = POW10[places] as number;
  const quotient = high / divisor;
  const qd = quotient * divisor;
  const remainder = high - qd + low - productError(quotient, divisor, qd);
  bits.setFloat64(0, quotient);
  const upper = bits.getUint32(0);
  const lower = bits.getUint32(4);
  if ((lower === 0 && (upper & 0xfffff) === 0) || lower === 0xffffffff) return Number.NaN;
  bits.setUint32(4, lower + 1);
  const next = bits.getFloat64(0);
  const ulp = next - quotient;
  const half = (ulp * divisor) / 2;
  const distance = Math.abs(remainder);
  if (distance < half * (1 - MARGIN)) return quotient;
  if (distance > half * (1 + MARGIN) && distance < 3 * half * (1 - MARGIN)) {
    return remainder > 0 ? next : quotient - ulp;
  }
  return Number.NaN;
}

/**
 * `-?\d+(\.\d+)?([eE][-+]?\d+)?` as the double `Number` reads from it, correctly rounded
 * without a string: up to 15 significant digits by Clinger's fast path (an exact integer times
 * or over an exact power of ten rounds once, correctly), up to 19 with a remainder check (see
 * `divideLong`), through `Number` otherwise. `NaN` when the text is not such a number or the
 * value is not finite.
 */
export function parseDecimalBytes(bytes: Buffer, start: number, end: number): number {
  let at = start;
  const negative = bytes[at] === MINUS;
  if (negative) at += 1;
  let head = 0;
  let tail = 0;
  let digits = 0;
  let exponent = 0;
  const whole = at;
  for (; at < end && isDigit(bytes[at]); at++, digits++) {
    const digit = (bytes[at] as number) - DIGIT_0;
    if (digits < HEAD_DIGITS) head = head * 10 + digit;
    else if (digits < HEAD_DIGITS + TAIL_DIGITS) tail = tail * 10 + digit;
    else exponent += 1; // past 19 digits: Number decides (below)
  }
  if (at === whole) return Number.NaN;
  if (at < end && bytes[at] === DOT) {
    const fraction = ++at;
    for (; at < end && isDigit(bytes[at]); at++, digits++) {
      const digit = (bytes[at] as number) - DIGIT_0;
      if (digits < HEAD_DIGITS) head = head * 10 + digit;
      else if (digits < HEAD_DIGITS + TAIL_DIGITS) tail = tail * 10 + digit;
      else continue;
      exponent -= 1;
    }
    if (at === fraction) return Number.NaN;
  }
  if (at < end && (bytes[at] === 101 || bytes[at] === 69)) {
    at += 1;
    const sign = at < end ? bytes[at] : undefined;
    if (sign === 43 || sign === MINUS) at += 1;
    const first = at;
    let power = 0;
    while (at < end && isDigit(bytes[at])) power = power * 10 + ((bytes[at++] as number) - DIGIT_0);
    if (at === first) return Number.NaN;
    exponent += sign === MINUS ? -power : power;
  }
  if (at !== end) return Number.NaN;
  const tailDigits = Math.max(0, Math.min(digits, HEAD_DIGITS + TAIL_DIGITS) - HEAD_DIGITS);
  let value = Number.NaN;
  if (digits <= HEAD_DIGITS + TAIL_DIGITS && exponent >= -22 && exponent <= 22) {
    // Exact when below 2^53 (and then every step of forming it was exact too).
    const mantissa = head * (POW10[tailDigits] as number) + tail;
    if (mantissa < EXACT) {
      value = exponent < 0 ? mantissa / (POW10[-exponent] as number) : mantissa * (POW10[exponent] as number);
    } else if (exponent < 0) {
      value = divideLong(head, tail, tailDigits, -exponent);
    }
  }
  if (Number.isNaN(value)) {
    value = Number(bytes.toString('latin1', start, end));
    if (!Number.isFinite(value)) return Number.NaN;
  }
  return negative ? -Math.abs(value) : value;
}

/** `-?\d+` within the safe integers, as `Number` reads it; `NaN` otherwise. */
export function parseIntegerBytes(bytes: Buffer, start: number, end: number): number {
  let at = start;
  const negative = bytes[at] === MINUS;
  if (negative) at += 1;
  if (at === end) return Number.NaN;
  let value = 0;
  for (; at < end; at++) {
    const byte = bytes[at] as number;
    if (byte < DIGIT_0 || byte > DIGIT_9) return Number.NaN;
    value = value * 10 + (byte - DIGIT_0);
  }
  // Digit by digit is exact below 2^53; from there on no integer is safe and zod rejects it.
  if (value >= EXACT) return Number.NaN;
  return negative ? -value : value;
}

/** A money amount (`-?\d+(\.\d{1,2})?`) in integer cents, as `parseCents` gives it; `NaN` otherwise. */
export function parseCentsBytes(bytes: Buffer, start: number, end: number): number {
  let at = start;
  const negative = bytes[at] === MINUS;
  if (negative) at += 1;
  const whole = at;
  let units = 0;
  while (at < end && isDigit(bytes[at])) units = units * 10 + ((bytes[at++] as number) - DIGIT_0);
  const wholeDigits = at - whole;
  if (wholeDigits === 0) return Number.NaN;
  // Beyond 13 digits the cents may leave the safe integers: parseCents decides.
  if (wholeDigits > 13) return parseCents(bytes.toString('latin1', start, end)) ?? Number.NaN;
  let cents = units * 100;
  if (at < end) {
    const decimals = end - at - 1;
    if (bytes[at] !== DOT || decimals < 1 || decimals > 2) return Number.NaN;
    const tens = bytes[at + 1];
    if (!isDigit(tens)) return Number.NaN;
    cents += ((tens as number) - DIGIT_0) * 10;
    if (decimals === 2) {
      const ones = bytes[at + 2];
      if (!isDigit(ones)) return Number.NaN;
      cents += (ones as number) - DIGIT_0;
    }
  }
  return negative ? -cents : cents;
}

/** Reads `length` ASCII digits at `at`, or returns -1. */
function digitsAt(bytes: Uint8Array, at: number, length: number): number {
  let result = 0;
  for (let index = at; index < at + length; index++) {
    const digit = (bytes[index] as number) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    result = result * 10 + digit;
  }
  return result;
}

/** `YYYY-MM-DD HH:MM:SS` (or with `T`) as epoch milliseconds, as the row validator reads it. */
export function parseTimestampBytes(bytes: Buffer, start: number, end: number): number {
  if (end - start !== 19) return Number.NaN;
  const separator = bytes[start + 10];
  if (
    bytes[start + 4] !== MINUS ||
    bytes[start + 7] !== MINUS ||
    (separator !== 32 && separator !== 84) ||
    bytes[start + 13] !== 58 ||
    bytes[start + 16] !== 58
  ) {
    return Number.NaN;
  }
  const millis = civilMillis(
    digitsAt(bytes, start, 4),
    digitsAt(bytes, start + 5, 2),
    digitsAt(bytes, start + 8, 2),
    digitsAt(bytes, start + 11, 2),
    digitsAt(bytes, start + 14, 2),
    digitsAt(bytes, start + 17, 2),
  );
  return millis === DECLINE ? Number.NaN : millis;
}

/** The byte codec of each shared zod codec, keyed by the schema instance the tables use. */
export const BYTE_CODECS: ReadonlyMap<z.ZodType, ByteCodec> = new Map<z.ZodType, ByteCodec>([
  [olistId, { kind: 'text', check: checkId }],
  [zipPrefix, { kind: 'text', check: checkZip }],
  [stateCode, { kind: 'text', check: checkState }],
  // Any bytes: the reader has checked that the record is UTF-8 (and holds no quote to unescape).
  [text, { kind: 'text', check: (_bytes, start, end) => end > start }],
  [orderStatus, { kind: 'text', check: enumCheck(orderStatus.options) }],
  [paymentType, { kind: 'text', check: enumCheck(paymentType.options) }],
  [integer, { kind: 'number', parse: parseIntegerBytes }],
  [float, { kind: 'number', parse: parseDecimalBytes }],
  [money, { kind: 'number', parse: parseCentsBytes }],
  [naiveTimestamp, { kind: 'number', parse: parseTimestampBytes }],
]);

/** How the fast path reads one column. */
export interface ByteColumn {
  readonly codec: ByteCodec;
  readonly nullable: boolean;
}

/**
 * The byte codecs of a table's columns in header order, or `undefined` when a column has none
 * (its records then all take the string path).
 */
export function byteColumns(table: OlistTableKey): ByteColumn[] | undefined {
  const { schema, header } = OLIST_TABLES[table];
  const shape = schema.shape as Record<string, z.ZodType>;
  const columns: ByteColumn[] = [];
  for (const name of header) {
    const columnSchema = shape[name];
    const nullable = columnSchema instanceof z.ZodNullable;
    const inner = nullable ? (columnSchema.unwrap() as z.ZodType) : columnSchema;
    const codec = inner === undefined ? undefined : BYTE_CODECS.get(inner);
    if (codec === undefined) return undefined;
    columns.push({ codec, nullable });
  }
  return columns;
}
