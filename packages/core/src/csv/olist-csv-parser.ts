import type { TransformCallback } from 'node:stream';
import { CsvError, Parser } from 'csv-parse';

/** What {@link OlistCsvParser} emits: a record with its raw text, or the error that ended parsing. */
export type ParsedItem = { record: string[]; raw: string } | { error: CsvError };

/**
 * csv-parse set up for Olist files, as a stream of {@link ParsedItem}s.
 *
 * - LF and CRLF both end a record (even mixed in one file); a UTF-8 BOM is skipped.
 * - Column counts and stray quotes are relaxed so that csv-parse never stops on a record: the
 *   reader turns those records into rejects itself. The raw text of each record comes along.
 * - The two errors csv-parse can still raise (a quote open at the end of the file, a record past
 *   `max_record_size`) arrive *in band*, after every record parsed before them, and end the
 *   stream. A stream error would have discarded the records still buffered.
 */
export class OlistCsvParser extends Parser {
  /**
   * @param maxRecordLength - the longest record accepted, in characters
   * @param atFileStart - whether the input starts at the beginning of the file, where a BOM is
   * skipped (and a UTF-16LE one switches decoding)
   */
  constructor(maxRecordLength: number, atFileStart = true) {
    super({
      bom: atFileStart,
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      max_record_size: maxRecordLength,
      raw: true,
    });
  }

  #endWith(error: Error | null | undefined, callback: TransformCallback): void {
    if (error instanceof CsvError) {
      this.push({ error } satisfies ParsedItem);
      this.push(null);
      callback();
    } else {
      callback(error);
    }
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    // After an in-band error csv-parse ignores further input (and never calls back): the stream has
    // ended and the reader destroys the source.
    super._transform(chunk, encoding, (error) => this.#endWith(error, callback));
  }

  override _flush(callback: TransformCallback): void {
    super._flush((error) => this.#endWith(error, callback));
  }
}
