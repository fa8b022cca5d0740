import type { z } from 'zod';
import { OrderstreamError } from '../errors/orderstream-error.js';
import { resolveOptions } from '../options/resolve-options.js';
import { OLIST_TABLES, type OlistTableKey } from '../schema/olist-tables.js';
import type { CsvReject } from './csv-reject.js';
import { type ReadOlistCsvOptions, readOlistCsvOptionsSchema } from './options.js';
import { readRecordBatches } from './read-record-batches.js';
import type { RowCollector } from './record-batcher.js';

/** A parsed, validated row of one Olist table: the output of its zod schema. */
export type OlistRow<K extends OlistTableKey> = z.output<(typeof OLIST_TABLES)[K]['schema']>;

/** One batch of records read from an Olist file: every record is in `rows` or in `rejects`. */
export interface OlistCsvBatch<K extends OlistTableKey> {
  /** The records that passed the table's schema, parsed (cents, `Date`s, `null` for empty). */
  rows: OlistRow<K>[];
  /** The records that did not, with file, line, field and reason. */
  rejects: CsvReject[];
  /**
   * Bytes of the file read from disk so far (cumulative; the parser may be a little ahead of the
   * records in this batch). Equals the file size once the file is done.
   */
  bytesRead: number;
}

/**
 * Streams one Olist CSV file as batches of validated rows and rejects. Every record ends up in
 * exactly one of them — nothing stops the file and nothing is dropped silently — so for a whole
 * file `records = rows + rejects`.
 *
 * What it accepts: a UTF-8 BOM (a UTF-16LE BOM switches decoding to UTF-16); LF or CRLF line
 * breaks, even mixed; quoted fields with commas, `""` quotes and line breaks inside; a value quoted
 * or bare alike (Olist quotes an id only when it starts with a digit); zip prefixes stay text with
 * their leading zeros; an empty field (quoted or not) is `null` before validation. Blank lines hold
 * no record and are skipped; line numbers still count them. The table's zod schema decides every
 * row (common column types take a verified fast path that yields the same values).
 *
 * What becomes a reject (see `CSV_REJECT_CODES`): a value breaking the schema (`field` names the
 * column; an empty required column is `CSV_MISSING_VALUE`); a wrong number of fields (also a
 * truncated last line); bytes that are not UTF-8; malformed quoting; a quote that never closes
 * (one reject holding the rest of the file); a record longer than `maxRecordLength` (reading
 * stops there). Each reject carries the 1-based physical line the record starts on.
 *
 * What throws, on first iteration: a missing file, an unreadable one, or a missing or wrong
 * header (also what a UTF-16 file without BOM looks like) — the file is then not an Olist file of
 * that table, and no record of it is trusted. Nothing is read until the iteration starts.
 *
 * @param table - which Olist table the file holds (its key in `OLIST_TABLES`)
 * @param path - the file's path
 * @param options - batch size and limits
 * @returns an async iterable of batches; each holds at most `batchSize` records
 * @throws {@link OrderstreamError} `CORE_FILE_NOT_FOUND` when `path` does not exist
 * @throws {@link OrderstreamError} `CORE_FILE_UNREADABLE` when it cannot be read (a folder, no permission, I/O error)
 * @throws {@link OrderstreamError} `CORE_CSV_HEADER_MISMATCH` when the file is empty or its header is not
 * exactly the table's; `details` hold `path`, `expected` and `found`
 * @throws {@link OrderstreamError} `CORE_UNKNOWN_TABLE` for a key not in `OLIST_TABLES`
 * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` for invalid options
 * @example
 * ```ts
 * let rows = 0;
 * for await (const batch of readOlistCsv('orders', 'data/olist/olist_orders_dataset.csv')) {
 *   rows += batch.rows.length;
 *   for (const reject of batch.rejects) console.warn(`line ${reject.line}: ${reject.reason}`);
 * }
 * ```
 */
export function readOlistCsv<K extends OlistTableKey>(
  table: K,
  path: string,
  options: ReadOlistCsvOptions = {},
): AsyncIterable<OlistCsvBatch<K>> {
  const resolved = resolveOptions('readOlistCsv', readOlistCsvOptionsSchema, options);
  if (!Object.hasOwn(OLIST_TABLES, table)) {
    throw new OrderstreamError('CORE_UNKNOWN_TABLE', `Unknown Olist table "${String(table)}"`, {
      details: { table, known: Object.keys(OLIST_TABLES) },
    });
  }
  return {
    [Symbol.asyncIterator]: () =>
      readRecordBatches(
        table,
        path,
        resolved,
        new RowArrayCollector<OlistRow<K>>(OLIST_TABLES[table].header),
      )[Symbol.asyncIterator](),
  };
}

class RowArrayCollector<R> implements RowCollector<R[]> {
  readonly #header: readonly string[];
  #rows: R[] = [];
  constructor(header: readonly string[]) {
    this.#header = header;
  }
  add(values: readonly unknown[]): void {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < this.#header.length; i++) row[this.#header[i] as string] = values[i];
    this.#rows.push(row as R);
  }
  get count(): number {
    return this.#rows.length;
  }
  take(): R[] {
    const rows = this.#rows;
    this.#rows = [];
    return rows;
  }
}
