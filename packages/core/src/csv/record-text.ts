/**
 * Helpers on the raw text csv-parse hands over with each record (`raw: true`). That text holds the
 * blank lines skipped before the record, the record itself and its line break — except that for a
 * CRLF break csv-parse keeps only the `\r`. From it we derive the physical line a record starts on
 * and how many lines it spans, without trusting the parser's own line counter (it counts a CRLF
 * inside a quoted field twice).
 */

const LF = 10;
const CR = 13;

/** A record's raw text split into the parts that matter for line numbers and rejects. */
export interface RecordText {
  /** Physical lines before the record's first character (skipped blank lines). */
  readonly leadingLines: number;
  /** The record's text without leading blank lines and without its final line break. */
  readonly body: string;
  /** Line breaks from the record's first character to where the next record's text starts. */
  readonly spannedLines: number;
}

/**
 * Splits the raw text of one record.
 *
 * @param raw - the raw text csv-parse produced for the record
 * @returns its leading blank lines, its body and the lines it spans
 */
export function splitRecordText(raw: string): RecordText {
  let start = 0;
  let leadingLines = 0;
  // Blank lines come first. csv-parse drops the `\n` of every CRLF outside quotes, so here each
  // `\r` is a whole CRLF line and each `\n` a whole LF line.
  for (let c = raw.charCodeAt(0); c === LF || c === CR; c = raw.charCodeAt(start)) {
    start += 1;
    leadingLines += 1;
  }
  let end = raw.length;
  let spannedLines = 0;
  const last = raw.charCodeAt(end - 1);
  if (end > start && (last === LF || last === CR)) {
    // The record's own line break: `\n` for LF, the `\r` left of a CRLF.
    end -= 1;
    spannedLines = 1;
  }
  const body = start === 0 && end === raw.length ? raw : raw.slice(start, end);
  // Line breaks inside quoted fields: every `\n` (alone or after `\r`) starts a new line.
  for (let at = body.indexOf('\n'); at !== -1; at = body.indexOf('\n', at + 1)) spannedLines += 1;
  return { leadingLines, body, spannedLines };
}

// One RFC 4180 field: quoted (with "" escapes, anything else inside) or bare (no quote, no comma).
const FIELD = '(?:"(?:[^"]|"")*"|[^",]*)';
const WELL_QUOTED = new RegExp(`^${FIELD}(?:,${FIELD})*$`);

/**
 * Tells whether the quotes of a record body follow RFC 4180: a field is either bare (no `"` in
 * it) or wholly quoted with `""` for a literal quote. csv-parse runs with `relax_quotes` so that a
 * stray quote can never stop the file; this check turns such records into rejects instead.
 *
 * @param body - a record without its final line break
 * @returns `true` when the quoting is well formed
 */
export function isWellQuoted(body: string): boolean {
  return !body.includes('"') || WELL_QUOTED.test(body);
}

/**
 * Shortens text kept in a reject so one broken record (an unclosed quote swallows the rest of the
 * file) cannot blow up memory or logs.
 *
 * @param value - the text
 * @param max - the most characters to keep
 * @returns `value`, or its first `max` characters followed by a note of how many were cut
 */
export function capText(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}… [${value.length - max} more characters]`;
}
