import { basename } from 'node:path';
import type { z } from 'zod';
import { OrderstreamError } from '../errors/orderstream-error.js';
import { OLIST_TABLES, type OlistTableKey } from '../schema/olist-tables.js';
import type { CsvReject, CsvRejectCode } from './csv-reject.js';
import type { ResolvedReadOlistCsvOptions } from './options.js';
import type { CsvItem } from './record-splitter.js';
import { capText, isWellQuoted } from './record-text.js';
import { createRowValidator, type RowValidator, type TimestampForm } from './row-validator.js';

/**
 * Where `readRecordBatches` puts the valid rows of a batch: an array of row objects for
 * `readOlistCsv`, typed columns for the loader.
 */
export interface RowCollector<T> {
  /** Adds one validated row: the table schema's output values, in header order. */
  add(values: readonly unknown[]): void;
  /** Rows added since the last `take`. */
  readonly count: number;
  /** Returns the rows added since the last call and starts afresh. */
  take(): T;
}

/** Options of `readRecordBatches` beyond `readOlistCsv`'s. */
export interface ReadRecordOptions extends ResolvedReadOlistCsvOptions {
  /** Sees every chunk of the file's bytes, in order, as it is read (e.g. to hash the file). */
  onChunk?: (chunk: Buffer) => void;
  /** How the collector receives timestamps: `Date`s (default) or epoch milliseconds. */
  timestamps?: TimestampForm;
  /** Bytes read from the file at a time (by default 256 KiB here, 1 MiB in the loader's byte reader; tests cut files finer). */
  chunkSize?: number;
}

/** One batch of `readRecordBatches`: the collector's rows and the rejects. */
export interface RecordBatch<T> {
  rows: T;
  rejects: CsvReject[];
  bytesRead: number;
}

const validators = new Map<string, RowValidator>();

function validatorFor(table: OlistTableKey, timestamps: TimestampForm): RowValidator {
  const key = `${table}:${timestamps}`;
  let validator = validators.get(key);
  if (validator === undefined) {
    validator = createRowValidator(table, timestamps);
    validators.set(key, validator);
  }
  return validator;
}

function headerError(
  path: string,
  expected: readonly string[],
  found: readonly string[] | null,
): OrderstreamError {
  let what = 'is empty (no header line)';
  if (found !== null) {
    const text = found.join(',');
    // Show control characters (a UTF-16 file is full of NULs) instead of printing them.
    let shown = '';
    for (const ch of capText(text, 300)) {
      const c = ch.charCodeAt(0);
      shown += c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
    }
    const hint =
      text.includes('\u0000') || text.includes('\uFFFD') ? ' (the file does not look like UTF-8)' : '';
    what = `has the header "${shown}"${hint}`;
  }
  return new OrderstreamError(
    'CORE_CSV_HEADER_MISMATCH',
    `${path} ${what}; expected the header "${expected.join(',')}"`,
    { details: { path, expected, found } },
  );
}

/**
 * Turns the records of one file into batches: checks the header, sends each valid record to the
 * collector and each invalid one to the rejects. Shared by every path that splits records, so
 * they all decide alike.
 */
export class RecordBatcher<K extends OlistTableKey, T> {
  readonly #path: string;
  readonly #file: string;
  readonly #expected: readonly string[];
  readonly #width: number;
  readonly #validator: RowValidator;
  readonly #collector: RowCollector<T>;
  readonly #batchSize: number;
  readonly #maxRecordLength: number;
  readonly #maxRawLength: number;
  // The parsed values of the record at hand; collectors copy what they keep.
  readonly #parsed: unknown[];
  #headerSeen = false;
  #rejects: CsvReject[] = [];

  constructor(table: K, path: string, options: ReadRecordOptions, collector: RowCollector<T>) {
    this.#path = path;
    this.#file = basename(path);
    this.#expected = OLIST_TABLES[table].header;
    this.#width = this.#expected.length;
    this.#validator = validatorFor(table, options.timestamps ?? 'date');
    this.#collector = collector;
    this.#batchSize = options.batchSize;
    this.#maxRecordLength = options.maxRecordLength;
    this.#maxRawLength = options.maxRawLength;
    this.#parsed = new Array<unknown>(this.#width);
  }

  /** Whether the batch at hand is full: take it before pushing more. */
  get full(): boolean {
    return this.#collector.count + this.#rejects.length >= this.#batchSize;
  }

  /** Whether the batch at hand holds nothing. */
  get empty(): boolean {
    return this.#collector.count === 0 && this.#rejects.length === 0;
  }

  /** Returns the batch at hand and starts the next. */
  take(bytesRead: number): RecordBatch<T> {
    const batch = { rows: this.#collector.take(), rejects: this.#rejects, bytesRead };
    this.#rejects = [];
    return batch;
  }

  /**
   * Checks the header: the first record of the file.
   *
   * @throws {@link OrderstreamError} `CORE_CSV_HEADER_MISMATCH` when it is not the table's
   */
  header(values: readonly string[]): void {
    const expected = this.#expected;
    if (values.length !== this.#width || values.some((name, i) => name !== expected[i])) {
      throw headerError(this.#path, expected, values);
    }
    this.#headerSeen = true;
  }

  /**
   * Takes one item: the header, a record (to the collector or the rejects) or the error that
   * ends the file.
   *
   * @returns `false` when the item ends the file (nothing after it may be pushed)
   * @throws {@link OrderstreamError} `CORE_CSV_HEADER_MISMATCH` for a wrong or unreadable header
   */
  push(item: CsvItem): boolean {
    const { body, line: at } = item;
    const width = this.#width;
    if (item.kind === 'error') {
      // The broken record runs to the end of the file (or past the size limit): it is the last.
      if (!this.#headerSeen) throw headerError(this.#path, this.#expected, [body.split('\n', 1)[0] ?? '']);
      const [code, reason]: [CsvRejectCode, string] =
        item.code === 'CSV_MAX_RECORD_SIZE'
          ? [
              'CSV_RECORD_TOO_LARGE',
              `the record is longer than ${this.#maxRecordLength} characters (an unclosed quote?); the rest of the file was not read`,
            ]
          : [
              'CSV_UNCLOSED_QUOTE',
              `a quoted field is never closed before the end of the file (${item.code})`,
            ];
      this.#reject(at, null, code, reason, body);
      return false;
    }
    const values = item.values;
    if (!this.#headerSeen) {
      this.header(values);
      return true;
    }
    if (!item.clean && body.includes('\uFFFD')) {
      const column = values.findIndex((value) => value.includes('\uFFFD'));
      this.#reject(
        at,
        column >= 0 && column < width ? (this.#expected[column] as string) : null,
        'CSV_INVALID_UTF8',
        'the record holds bytes that are not valid UTF-8 (is the file in another encoding?)',
        body,
      );
    } else if (!item.clean && !isWellQuoted(body)) {
      this.#reject(
        at,
        null,
        'CSV_MALFORMED_QUOTE',
        'malformed quoting: a quote inside a bare field or text after a closing quote',
        body,
      );
    } else if (values.length !== width) {
      this.#reject(at, null, 'CSV_COLUMN_COUNT', `expected ${width} fields, found ${values.length}`, body);
    } else {
      const nullable: (string | null)[] = values;
      for (let i = 0; i < width; i++) if (nullable[i] === '') nullable[i] = null;
      const result = this.#validator.validateInto(nullable, this.#parsed);
      if (result === true) {
        this.#collector.add(this.#parsed);
      } else {
        const { field, code, reason } = describeIssues(result.issues, result.input);
        this.#reject(at, field, code, reason, body);
      }
    }
    return true;
  }

  /**
   * Ends the file.
   *
   * @throws {@link OrderstreamError} `CORE_CSV_HEADER_MISMATCH` when it held no header
   */
  finish(): void {
    if (!this.#headerSeen) throw headerError(this.#path, this.#expected, null);
  }

  #reject(at: number, field: string | null, code: CsvRejectCode, reason: string, raw: string): void {
    this.#rejects.push({
      file: this.#file,
      line: at,
      field,
      code,
      reason,
      raw: capText(raw, this.#maxRawLength),
    });
  }
}

function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  input: Record<string, unknown>,
): { field: string | null; code: CsvRejectCode; reason: string } {
  const first = issues[0];
  const field = typeof first?.path[0] === 'string' ? first.path[0] : null;
  const reason = issues
    .map((issue) => {
      const column = String(issue.path[0] ?? '(row)');
      const value = input[column];
      return value === null
        ? `${column}: required value is empty`
        : `${column}: ${issue.message}, found ${JSON.stringify(value)}`;
    })
    .join('; ');
  return {
    field,
    code: field !== null && input[field] === null ? 'CSV_MISSING_VALUE' : 'CSV_INVALID_VALUE',
    reason,
  };
}
