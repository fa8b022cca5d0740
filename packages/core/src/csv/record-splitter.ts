import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { OlistCsvParser, type ParsedItem } from './olist-csv-parser.js';
import { splitRecordText } from './record-text.js';

/** One record of a CSV file, with where it starts. */
export interface CsvRecordItem {
  readonly kind: 'record';
  /** The field values, unquoted (`""` turned into `"`). */
  readonly values: string[];
  /** The record's text without leading blank lines and without its final line break. */
  readonly body: string;
  /** The 1-based physical line the record starts on. */
  readonly line: number;
  /**
   * `true` when the splitter already knows the record is well quoted (RFC 4180) and holds no
   * U+FFFD (no invalid UTF-8): the reader can skip both checks.
   */
  readonly clean: boolean;
}

/** The error that ended the file: a quote that never closes, or a record past the size limit. */
export interface CsvErrorItem {
  readonly kind: 'error';
  /** csv-parse's error code (`CSV_MAX_RECORD_SIZE`, `CSV_QUOTE_NOT_CLOSED`, …). */
  readonly code: string;
  /** The text of the broken record, without leading blank lines. */
  readonly body: string;
  /** The 1-based physical line the broken record starts on. */
  readonly line: number;
}

/** What {@link splitCsvRecords} yields, in runs. */
export type CsvItem = CsvRecordItem | CsvErrorItem;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const RUN = 1024;

/** The fast path cannot tell what csv-parse would make of what follows: hand over to it. */
const HAND_OVER = -1;
/** The record is not complete in the text at hand: read more. */
const MORE = -2;

/**
 * Splits an Olist CSV file into records, in runs.
 *
 * Two paths give the same items. The fast path splits well-formed RFC 4180 records with
 * `indexOf` and `split` over decoded text — the shape of every record of a clean file. At the first
 * record it cannot vouch for (a stray or unclosed quote, a lone `\r`, a record past
 * `maxRecordLength`, a UTF-16 file) it hands the rest of the file, from that record on, to
 * csv-parse ({@link OlistCsvParser}), which decides every edge case. Up to that record both paths
 * agree record by record (`record-splitter.test.ts` checks this on generated files), so the
 * hand-over is invisible in the output.
 *
 * @param source - the file's bytes
 * @param maxRecordLength - the longest record accepted, in characters
 * @param from - where `source` starts: the file's start (default), or a record start further on,
 *   on line `line` (then no BOM is looked for)
 * @returns runs of records; an error item, if any, is the last
 */
export async function* splitCsvRecords(
  source: AsyncIterable<Buffer>,
  maxRecordLength: number,
  from: { readonly line: number; readonly atFileStart: boolean } = { line: 1, atFileStart: true },
): AsyncGenerator<CsvItem[]> {
  const chunks = source[Symbol.asyncIterator]();
  const decoder = new StringDecoder('utf8');
  let text = '';
  let pos = 0;
  let line = from.line;
  let first = from.atFileStart;
  let final = false;
  let cleanText = true; // no U+FFFD in `text`
  // csv-parse counts the limit in bytes, a UTF-8 character takes up to 4: longer records go to it.
  const fastLimit = Math.floor(maxRecordLength / 4);

  for (;;) {
    // Read until the text at hand holds at least one whole record (or the file ended).
    if (!final) {
      let next = await chunks.next();
      if (first && !next.done) {
        // The BOM may be cut across chunks: gather the file's first bytes.
        let head = next.value;
        while (head.length < 3 && !next.done) {
          next = await chunks.next();
          if (!next.done) head = Buffer.concat([head, next.value]);
        }
        next = { done: false, value: head };
      }
      if (next.done) {
        final = true;
        text = text.slice(pos) + decoder.end();
      } else {
        let chunk = next.value;
        if (first) {
          first = false;
          if (chunk.length >= 2 && chunk[0] === 0xff && chunk[1] === 0xfe) {
            // UTF-16LE: csv-parse switches decoding on the BOM.
            yield* handOver([chunk], chunks, maxRecordLength, line, true);
            return;
          }
          if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
            chunk = chunk.subarray(3);
          }
        }
        text = text.slice(pos) + decoder.write(chunk);
      }
      pos = 0;
      cleanText = !text.includes('\uFFFD');
    }

    const run: CsvItem[] = [];
    let end = 0;
    for (;;) {
      // Blank lines hold no record; they still count as lines.
      let c = text.charCodeAt(pos);
      while (c === LF || (c === CR && text.charCodeAt(pos + 1) === LF)) {
        pos += c === LF ? 1 : 2;
        line += 1;
        c = text.charCodeAt(pos);
      }
      if (pos >= text.length || (c === CR && !final && pos + 1 >= text.length)) break;
      end = splitRecord(text, pos, final);
      if (end === MORE) {
        if (text.length - pos > fastLimit) end = HAND_OVER;
        else break;
      }
      if (end === HAND_OVER) break;
      let bodyEnd = end;
      if (text.charCodeAt(bodyEnd - 1) === LF) bodyEnd -= text.charCodeAt(bodyEnd - 2) === CR ? 2 : 1;
      if (bodyEnd - pos > fastLimit) {
        end = HAND_OVER;
        break;
      }
      const body = text.slice(pos, bodyEnd);
      run.push({ kind: 'record', values: splitValues, body, line, clean: cleanText });
      line += (end > bodyEnd ? 1 : 0) + countLineBreaks(body);
      pos = end;
      if (run.length >= RUN) {
        yield run.splice(0);
      }
    }
    if (run.length > 0) yield run;
    if (end === HAND_OVER) {
      const rest = Buffer.from(text.slice(pos), 'utf8');
      yield* handOver([rest], chunks, maxRecordLength, line, false, decoder);
      return;
    }
    // At the end of the file every record is whole or handed over: nothing is left.
    if (final) return;
  }
}

/** Line breaks inside a record's body (inside quoted fields): every `\n` starts a new line. */
function countLineBreaks(body: string): number {
  let count = 0;
  for (let at = body.indexOf('\n'); at !== -1; at = body.indexOf('\n', at + 1)) count += 1;
  return count;
}

/** The values of the record {@link splitRecord} split last (read right after the call). */
let splitValues: string[] = [];

/**
 * Splits the record starting at `start` into {@link splitValues}.
 *
 * @returns the index after the record's line break (or the end of the text at the end of the
 * file), {@link MORE} when the record runs past the text at hand, or {@link HAND_OVER} when it is not
 * a well-formed RFC 4180 record
 */
function splitRecord(text: string, start: number, final: boolean): number {
  const values: string[] = [];
  splitValues = values;
  const length = text.length;
  let lf = text.indexOf('\n', start);
  // The common case: a line without quotes is split on commas.
  const lineEnd = lf === -1 ? length : lf;
  const quote = text.indexOf('"', start);
  if (quote === -1 || quote > lineEnd) {
    if (lf === -1 && !final) return MORE;
    let end = lineEnd;
    if (lf !== -1 && text.charCodeAt(lf - 1) === CR) end -= 1;
    const bare = text.slice(start, end);
    if (bare.includes('\r')) return HAND_OVER;
    splitValues = bare.split(',');
    return lf === -1 ? length : lf + 1;
  }
  // Quotes on the line: field by field.
  let pos = start;
  for (;;) {
    if (text.charCodeAt(pos) === QUOTE) {
      let value = '';
      let from = pos + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1) return final ? HAND_OVER : MORE;
        if (close + 1 >= length && !final) return MORE;
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += text.slice(from, close + 1);
          from = close + 2;
          continue;
        }
        value += text.slice(from, close);
        pos = close + 1;
        break;
      }
      values.push(value);
      const c = text.charCodeAt(pos);
      if (c === COMMA) {
        pos += 1;
        continue;
      }
      if (c === LF) return pos + 1;
      if (c === CR) {
        if (pos + 1 >= length) return final ? HAND_OVER : MORE;
        return text.charCodeAt(pos + 1) === LF ? pos + 2 : HAND_OVER;
      }
      if (pos >= length) return final ? length : MORE;
      return HAND_OVER; // text after a closing quote
    }
    // A bare field: up to the next comma or line break, with no quote or `\r` inside.
    if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
    const comma = text.indexOf(',', pos);
    const fieldEnd = comma !== -1 && (lf === -1 || comma < lf) ? comma : lf;
    if (fieldEnd === -1) {
      if (!final) return MORE;
      const value = text.slice(pos);
      if (value.includes('"') || value.includes('\r')) return HAND_OVER;
      values.push(value);
      return length;
    }
    let valueEnd = fieldEnd;
    if (fieldEnd === lf && text.charCodeAt(lf - 1) === CR && lf - 1 >= pos) valueEnd = lf - 1;
    const value = text.slice(pos, valueEnd);
    if (value.includes('"') || value.includes('\r')) return HAND_OVER;
    values.push(value);
    if (fieldEnd === lf) return lf + 1;
    pos = comma + 1;
  }
}

/**
 * The slow path: csv-parse reads `head` and the rest of `chunks`. Its items become
 * {@link CsvItem}s with line numbers counted on from `line`.
 */
async function* handOver(
  head: readonly Buffer[],
  chunks: AsyncIterator<Buffer>,
  maxRecordLength: number,
  line: number,
  atFileStart: boolean,
  decoder?: StringDecoder,
): AsyncGenerator<CsvItem[]> {
  async function* bytes(): AsyncGenerator<Buffer> {
    for (const chunk of head) if (chunk.length > 0) yield chunk;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      // Bytes the decoder held back (a character cut by the chunk boundary) come first.
      yield decoder ? Buffer.from(decoder.write(next.value), 'utf8') : next.value;
    }
    if (decoder) {
      const tail = decoder.end();
      if (tail.length > 0) yield Buffer.from(tail, 'utf8');
    }
  }
  const parser = new OlistCsvParser(maxRecordLength, atFileStart);
  const input = Readable.from(bytes(), { objectMode: false });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let at = line;
  try {
    for await (const parsed of parserRuns(parser)) {
      const run: CsvItem[] = [];
      for (const item of parsed) {
        if ('error' in item) {
          const raw = typeof item.error.raw === 'string' ? item.error.raw : '';
          const { leadingLines, body } = splitRecordText(raw);
          run.push({ kind: 'error', code: item.error.code, body, line: at + leadingLines });
          break;
        }
        const { leadingLines, body, spannedLines } = splitRecordText(item.raw);
        const start = at + leadingLines;
        at = start + spannedLines;
        run.push({ kind: 'record', values: item.record, body, line: start, clean: false });
      }
      yield run;
    }
  } finally {
    parser.destroy();
    input.destroy();
  }
}

/**
 * Pulls parsed items in runs, reading synchronously while the parser has them buffered: one
 * promise per run rather than one per record, which `for await` over the stream would cost.
 */
async function* parserRuns(parser: Readable): AsyncGenerator<ParsedItem[]> {
  for (;;) {
    const run: ParsedItem[] = [];
    for (
      let item = parser.read() as ParsedItem | null;
      item !== null;
      item = parser.read() as ParsedItem | null
    ) {
      run.push(item);
      if (run.length >= RUN) break;
    }
    if (run.length > 0) {
      yield run;
      continue;
    }
    if (parser.errored) throw parser.errored;
    if (parser.readableEnded || parser.destroyed) return;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: unknown) => {
        parser.off('readable', onReadable);
        parser.off('end', onReadable);
        parser.off('close', onReadable);
        parser.off('error', done);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onReadable = () => done();
      parser.on('readable', onReadable);
      parser.on('end', onReadable);
      parser.on('close', onReadable);
      parser.on('error', done);
    });
  }
}

/**
 * csv-parse alone over the whole file: the reference the fast path is tested against.
 *
 * @param source - the file's bytes
 * @param maxRecordLength - the longest record accepted, in characters
 * @returns the same runs {@link splitCsvRecords} yields
 */
export function splitCsvRecordsWithCsvParse(
  source: AsyncIterable<Buffer>,
  maxRecordLength: number,
): AsyncGenerator<CsvItem[]> {
  return handOver([], source[Symbol.asyncIterator](), maxRecordLength, 1, true);
}
