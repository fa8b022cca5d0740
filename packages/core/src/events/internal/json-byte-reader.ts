import { civilMillis, DECLINE } from '../../schema/fast-codecs.js';

export const QUOTE = 0x22;
const BACKSLASH = 0x5c;
export const COLON = 0x3a;
export const COMMA = 0x2c;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
const DOT = 0x2e;
const DASH = 0x2d;
const DIGIT_0 = 0x30;
/** Integer digits a money amount may have here: its cents stay far below 2^53. */
const MONEY_DIGITS = 13;

/** 1 for the bytes of `[0-9a-f]`. */
const HEX = new Uint8Array(256);
for (const char of '0123456789abcdef') HEX[char.charCodeAt(0)] = 1;

const isDigit = (byte: number) => byte >= DIGIT_0 && byte <= 0x39;
const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** The UTF-8 bytes of each name, for {@link JsonByteReader.match}. */
export const utf8Names = (names: readonly string[]): Uint8Array[] =>
  names.map((name) => new TextEncoder().encode(name));

/**
 * A cursor over the UTF-8 bytes of a JSON document, with readers for JSON tokens and for the text
 * formats of the order event's fields. Every reader returns "no" (`false` or -1) for anything
 * outside the narrow form it knows — strings with escapes, numbers with a sign, fraction or
 * exponent where none is expected — so the caller can decline the document: it never has to
 * decide what such a document means, `JSON.parse` and zod do.
 */
export class JsonByteReader {
  bytes: Uint8Array = new Uint8Array(0);
  /** The next byte to read. */
  at = 0;
  /** Where the document ends (exclusive). */
  end = 0;
  /** Whether a string held a byte above 0x7f since {@link JsonByteReader.reset}. */
  high = false;
  /** The last string read: its bytes inside the quotes, `from` to `to` (exclusive). */
  from = 0;
  to = 0;

  /** Starts reading `bytes` from `start` to `end`. */
  reset(bytes: Uint8Array, start: number, end: number): void {
    this.bytes = bytes;
    this.at = start;
    this.end = end;
    this.high = false;
  }

  /** Skips JSON whitespace; returns the position of the next byte. */
  skip(): number {
    const b = this.bytes;
    let at = this.at;
    while (at < this.end && isSpace(b[at] as number)) at++;
    this.at = at;
    return at;
  }

  /** Takes `byte` after whitespace. */
  take(byte: number): boolean {
    if (this.at < this.end && this.bytes[this.at] === byte) {
      this.at++;
      return true;
    }
    if (this.skip() < this.end && this.bytes[this.at] === byte) {
      this.at++;
      return true;
    }
    return false;
  }

  /** Reads a string without escapes or control characters into `from`..`to`. */
  string(): boolean {
    if (!this.take(QUOTE)) return false;
    const b = this.bytes;
    const end = this.end;
    let at = this.at;
    this.from = at;
    for (; at < end; at++) {
      const c = b[at] as number;
      if (c === QUOTE) {
        this.to = at;
        this.at = at + 1;
        return true;
      }
      if (c === BACKSLASH || c < 0x20) return false;
      if (c > 0x7f) this.high = true;
    }
    return false;
  }

  /**
   * Reads a string of exactly `length` bytes into `from`..`to` without looking at its content:
   * for the fixed-width formats, whose callers check every byte (none of which may be a quote, a
   * backslash or a control character).
   */
  #fixed(length: number): boolean {
    const b = this.bytes;
    const at = this.skip();
    const close = at + length + 1;
    if (close >= this.end || b[at] !== QUOTE || b[close] !== QUOTE) return false;
    this.from = at + 1;
    this.to = close;
    this.at = close + 1;
    return true;
  }

  /** Whether the next value is the literal `null` (consumed when it is). */
  null(): boolean {
    const b = this.bytes;
    const at = this.skip();
    if (
      at + 4 > this.end ||
      b[at] !== 0x6e ||
      b[at + 1] !== 0x75 ||
      b[at + 2] !== 0x6c ||
      b[at + 3] !== 0x6c
    ) {
      return false;
    }
    this.at = at + 4;
    return true;
  }

  /** The index of the last string among `names`, or -1. */
  match(names: readonly Uint8Array[]): number {
    const b = this.bytes;
    const from = this.from;
    const length = this.to - from;
    for (let index = 0; index < names.length; index++) {
      const name = names[index] as Uint8Array;
      if (name.length !== length) continue;
      let i = 0;
      while (i < length && b[from + i] === name[i]) i++;
      if (i === length) return index;
    }
    return -1;
  }

  /**
   * Reads an object key that is one of `names`: `hint` is tried first, straight on the bytes
   * (producers write keys in one order), then the others. Returns its index, or -1.
   */
  key(names: readonly Uint8Array[], hint: number): number {
    const name = names[hint];
    const b = this.bytes;
    const at = this.skip();
    if (name !== undefined && b[at] === QUOTE) {
      const length = name.length;
      const close = at + 1 + length;
      if (close < this.end && b[close] === QUOTE) {
        let i = 0;
        while (i < length && b[at + 1 + i] === name[i]) i++;
        if (i === length) {
          this.from = at + 1;
          this.to = close;
          this.at = close + 1;
          return hint;
        }
      }
    }
    return this.string() ? this.match(names) : -1;
  }

  /** A string that is one of `names`. */
  oneOf(names: readonly Uint8Array[]): boolean {
    return this.string() && this.match(names) >= 0;
  }

  /** `[0-9a-f]{32}`: an Olist id. */
  id(): boolean {
    if (!this.#fixed(32)) return false;
    const b = this.bytes;
    let ok = 1;
    for (let at = this.from; at < this.to; at++) ok &= HEX[b[at] as number] as number;
    return ok === 1;
  }

  /** A lowercase UUID of version 1 to 8 (a subset of what zod's `uuid()` accepts). */
  uuid(): boolean {
    if (!this.#fixed(36)) return false;
    const b = this.bytes;
    const at = this.from;
    for (let i = 0; i < 36; i++) {
      const c = b[at + i] as number;
      if (i === 8 || i === 13 || i === 18 || i === 23 ? c !== DASH : HEX[c] !== 1) return false;
    }
    const version = b[at + 14] as number;
    const variant = b[at + 19] as number;
    return (
      version >= 0x31 &&
      version <= 0x38 &&
      (variant === 0x38 || variant === 0x39 || variant === 0x61 || variant === 0x62)
    );
  }

  /** `[A-Z]{2}`: a state code. */
  state(): boolean {
    if (!this.#fixed(2)) return false;
    const a = this.bytes[this.from] as number;
    const c = this.bytes[this.from + 1] as number;
    return a >= 0x41 && a <= 0x5a && c >= 0x41 && c <= 0x5a;
  }

  /** `\d{5}`: a zip code prefix. */
  zip(): boolean {
    if (!this.#fixed(5)) return false;
    for (let at = this.from; at < this.to; at++) if (!isDigit(this.bytes[at] as number)) return false;
    return true;
  }

  /** Non-empty text. */
  text(): boolean {
    return this.string() && this.to > this.from;
  }

  /** The digit at `at` (inside the document), or -1. */
  digitAt(at: number): number {
    if (at >= this.end) return -1;
    const d = (this.bytes[at] as number) - DIGIT_0;
    return d >= 0 && d <= 9 ? d : -1;
  }

  /** `length` digits at `at`, or -1. */
  digits(at: number, length: number): number {
    if (at + length > this.end) return -1;
    const b = this.bytes;
    let value = 0;
    for (let i = at; i < at + length; i++) {
      const d = (b[i] as number) - DIGIT_0;
      if (d < 0 || d > 9) return -1;
      value = value * 10 + d;
    }
    return value;
  }

  /** `YYYY-MM-DD?HH:MM:SS` at `at` (the separator is the caller's), as epoch ms read as UTC, or -1. */
  #civil(at: number): number {
    const b = this.bytes;
    if (b[at + 4] !== DASH || b[at + 7] !== DASH || b[at + 13] !== COLON || b[at + 16] !== COLON) return -1;
    const millis = civilMillis(
      this.digits(at, 4),
      this.digits(at + 5, 2),
      this.digits(at + 8, 2),
      this.digits(at + 11, 2),
      this.digits(at + 14, 2),
      this.digits(at + 17, 2),
    );
    return millis === DECLINE ? -1 : (millis as number);
  }

  /** An Olist timestamp `YYYY-MM-DD HH:MM:SS` (or with `T`), epoch ms, or -1. */
  timestamp(): number {
    if (!this.#fixed(19)) return -1;
    const separator = this.bytes[this.from + 10];
    return separator === 0x20 || separator === 0x54 ? this.#civil(this.from) : -1;
  }

  /** `null` or an Olist timestamp. */
  nullableTimestamp(): boolean {
    return this.null() || this.timestamp() >= 0;
  }

  /** An instant `YYYY-MM-DDTHH:MM:SS.sssZ`, epoch ms, or -1. */
  instant(): number {
    if (!this.#fixed(24)) return -1;
    const at = this.from;
    const b = this.bytes;
    if (b[at + 10] !== 0x54 || b[at + 19] !== DOT || b[at + 23] !== 0x5a) return -1;
    const ms = this.digits(at + 20, 3);
    const civil = this.#civil(at);
    return ms < 0 || civil < 0 ? -1 : civil + ms;
  }

  /** Whether a number ends at `at`: what follows cannot continue it. */
  #delimited(at: number): boolean {
    if (at >= this.end) return true;
    const c = this.bytes[at] as number;
    return c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || isSpace(c);
  }

  /** A plain JSON integer `0|[1-9]\d{0,9}` (no sign, fraction or exponent), or -1. */
  integer(): number {
    const b = this.bytes;
    let at = this.skip();
    const start = at;
    let value = 0;
    while (at < this.end && at - start < 11 && isDigit(b[at] as number)) {
      value = value * 10 + (b[at++] as number) - DIGIT_0;
    }
    const length = at - start;
    if (length === 0 || length > 10 || (length > 1 && b[start] === DIGIT_0) || !this.#delimited(at))
      return -1;
    this.at = at;
    return value;
  }

  /**
   * Money as cents, or -1: a string `\d{1,13}(\.\d{1,2})?`, or a JSON number
   * `(0|[1-9]\d{0,12})(\.\d{1,2})?` (which `String(number)` turns back into the same amount).
   */
  money(): number {
    const b = this.bytes;
    let at = this.skip();
    const quoted = at < this.end && b[at] === QUOTE;
    if (quoted) at++;
    const start = at;
    let whole = 0;
    while (at < this.end && at - start <= MONEY_DIGITS && isDigit(b[at] as number)) {
      whole = whole * 10 + (b[at++] as number) - DIGIT_0;
    }
    const digits = at - start;
    if (digits === 0 || digits > MONEY_DIGITS || (!quoted && digits > 1 && b[start] === DIGIT_0)) return -1;
    let cents = whole * 100;
    if (at < this.end && b[at] === DOT) {
      const tens = this.digitAt(at + 1);
      if (tens < 0) return -1;
      cents += tens * 10;
      at += 2;
      const units = this.digitAt(at);
      if (units >= 0) {
        cents += units;
        at++;
      }
    }
    if (quoted) {
      if (at >= this.end || b[at] !== QUOTE) return -1;
      at++;
    } else if (!this.#delimited(at)) return -1;
    this.at = at;
    return cents;
  }
}
