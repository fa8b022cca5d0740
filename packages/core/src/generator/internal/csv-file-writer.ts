import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { OrderstreamError } from '../../errors/orderstream-error.js';

const FLUSH_CHARS = 1 << 18;
const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

const startsWithDigit = (value: string): boolean => {
  const code = value.charCodeAt(0);
  return code >= 48 && code <= 57;
};

/**
 * A text field as the Kaggle files write it: quoted when it starts with a digit (so tools do not
 * read `"01037"` or an id like `"00e7ee1b…"` as a number), or holds a comma, quote or line break
 * (with `""` escaping); bare otherwise.
 */
export function csvText(value: string): string {
  if (NEEDS_QUOTES.test(value)) return `"${value.replace(QUOTE, '""')}"`;
  return startsWithDigit(value) ? `"${value}"` : value;
}

/** An id or zip prefix (never holds a comma or quote): quoted only when it starts with a digit. */
export function csvId(value: string): string {
  return startsWithDigit(value) ? `"${value}"` : value;
}

/** `YYYY-MM-DD HH:MM:SS` of an epoch-ms naive wall clock. */
export function naiveTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** What one written file holds. */
export interface WrittenFile {
  rows: number;
  malformedRows: number;
  lines: number;
  bytes: number;
  sha256: string;
}

/**
 * Writes one CSV file through a buffered stream: lines are gathered into large chunks, each hashed
 * and written once, waiting for the stream to drain. Keeps the physical line count, so injected
 * rows can be located exactly.
 */
export class CsvFileWriter {
  readonly #path: string;
  readonly #stream: WriteStream;
  readonly #hash: Hash = createHash('sha256');
  readonly #malformedAt: number[];
  readonly #makeMalformed: (line: number) => string;
  #chunk = '';
  #rows = 0;
  #malformed = 0;
  #lines = 0;
  #bytes = 0;
  #nextMalformed = 0;
  #error: unknown = null;

  /**
   * @param path - the file to (over)write
   * @param headerLine - the header, with its line break (and BOM, where wanted)
   * @param malformedAt - data-row positions (sorted) before which a malformed row goes
   * @param makeMalformed - builds the malformed line (with its line break) that lands on `line`
   */
  constructor(
    path: string,
    headerLine: string,
    malformedAt: number[],
    makeMalformed: (line: number) => string,
  ) {
    this.#path = path;
    this.#stream = createWriteStream(path);
    this.#stream.on('error', (error) => {
      this.#error = error;
    });
    this.#malformedAt = malformedAt;
    this.#makeMalformed = makeMalformed;
    this.#chunk = headerLine;
    this.#lines = 1;
  }

  /** Data rows written so far. */
  get rows(): number {
    return this.#rows;
  }

  /**
   * Appends one data row.
   *
   * @param line - the row with its trailing line break
   * @param embeddedBreaks - line breaks inside quoted fields of the row
   */
  row(line: string, embeddedBreaks = 0): void {
    while (
      this.#nextMalformed < this.#malformedAt.length &&
      (this.#malformedAt[this.#nextMalformed] as number) <= this.#rows
    ) {
      this.#injectMalformed();
    }
    this.#chunk += line;
    this.#rows++;
    this.#lines += 1 + embeddedBreaks;
  }

  #injectMalformed(): void {
    this.#nextMalformed++;
    this.#lines++;
    this.#malformed++;
    this.#chunk += this.#makeMalformed(this.#lines);
  }

  /** Writes the gathered chunk when it is large; resolves once the stream can take more. */
  async maybeFlush(): Promise<void> {
    if (this.#chunk.length >= FLUSH_CHARS) await this.#flush();
  }

  async #flush(): Promise<void> {
    this.#throwIfFailed();
    if (this.#chunk.length === 0) return;
    const buffer = Buffer.from(this.#chunk, 'utf8');
    this.#chunk = '';
    this.#hash.update(buffer);
    this.#bytes += buffer.length;
    if (!this.#stream.write(buffer)) {
      // `once` rejects when the stream fails while waiting; the error is kept by the listener.
      await once(this.#stream, 'drain').catch(() => undefined);
      this.#throwIfFailed();
    }
  }

  #throwIfFailed(): void {
    if (this.#error !== null) {
      throw new OrderstreamError('CORE_FILE_UNWRITABLE', `Cannot write ${this.#path}`, {
        cause: this.#error,
        details: { path: this.#path },
      });
    }
  }

  /** Adds the malformed rows still due, flushes and closes the file. */
  async close(): Promise<WrittenFile> {
    while (this.#nextMalformed < this.#malformedAt.length) this.#injectMalformed();
    await this.#flush();
    this.#stream.end();
    await finished(this.#stream).catch(() => undefined);
    this.#throwIfFailed();
    return {
      rows: this.#rows,
      malformedRows: this.#malformed,
      lines: this.#lines,
      bytes: this.#bytes,
      sha256: this.#hash.digest('hex'),
    };
  }

  /** Closes the file after a failure elsewhere, ignoring its own errors. */
  destroy(): void {
    this.#stream.destroy();
  }
}
