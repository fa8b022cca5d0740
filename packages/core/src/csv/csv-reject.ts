/**
 * Why a CSV record was rejected. Structural codes come first (the record could not be read as a
 * row of the table), then the schema codes (it could, but a value breaks the table's schema).
 *
 * - `CSV_INVALID_UTF8` — the record holds bytes that are not UTF-8 (or U+FFFD, the mark of an
 *   earlier failed conversion); the file is probably in another encoding.
 * - `CSV_MALFORMED_QUOTE` — a quote inside a bare field, or text after a closing quote.
 * - `CSV_UNCLOSED_QUOTE` — a quoted field never closes: by CSV rules the rest of the file belongs
 *   to it, so it is the file's last record.
 * - `CSV_RECORD_TOO_LARGE` — the record grew past `maxRecordLength` (almost always an unclosed
 *   quote); reading stops there, as it is the file's last record.
 * - `CSV_COLUMN_COUNT` — more or fewer fields than the header (also a truncated last line).
 * - `CSV_MISSING_VALUE` — a required column is empty.
 * - `CSV_INVALID_VALUE` — a value breaks the column's schema (type, format, enum).
 */
export const CSV_REJECT_CODES = [
  'CSV_INVALID_UTF8',
  'CSV_MALFORMED_QUOTE',
  'CSV_UNCLOSED_QUOTE',
  'CSV_RECORD_TOO_LARGE',
  'CSV_COLUMN_COUNT',
  'CSV_MISSING_VALUE',
  'CSV_INVALID_VALUE',
] as const;

/** One of {@link CSV_REJECT_CODES}. */
export type CsvRejectCode = (typeof CSV_REJECT_CODES)[number];

/**
 * A CSV record that did not become a row, with where it is and why. It maps onto the RAW
 * quarantine table `raw_rejects` (`source` = `csv`, `source_name` = `file`).
 *
 * @example
 * ```ts
 * for await (const batch of readOlistCsv('orders', path)) {
 *   for (const reject of batch.rejects) console.warn(`${reject.file}:${reject.line} ${reject.field}: ${reject.reason}`);
 * }
 * ```
 */
export interface CsvReject {
  /** The file's name, without its folder (`olist_orders_dataset.csv`). */
  file: string;
  /** The 1-based physical line the record starts on (the header is line 1). */
  line: number;
  /** The column at fault, or `null` when the record as a whole is (column count, quoting). */
  field: string | null;
  /** Why, as one of {@link CSV_REJECT_CODES}. */
  code: string;
  /** A sentence for people: the column, what was expected and what was found. */
  reason: string;
  /** The record's text as in the file, without its final line break (long text is cut). */
  raw: string;
}
