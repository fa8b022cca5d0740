import { isUtf8 } from 'node:buffer';
import { FileBytes } from '../csv/file-bytes.js';
import { readRecordBatches } from '../csv/read-record-batches.js';
import { type ReadRecordOptions, type RecordBatch, RecordBatcher } from '../csv/record-batcher.js';
import { type CsvRecordItem, splitCsvRecords } from '../csv/record-splitter.js';
import { OLIST_TABLES, type OlistTableKey } from '../schema/olist-tables.js';
import { type ByteColumn, byteColumns } from './byte-codecs.js';
import type { BuiltColumnBatch, ColumnBatchBuilder } from './column-batch-builder.js';

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** The record does not end in the bytes at hand: read more. */
const MORE = -2;
/** The record is not one the byte path can vouch for: the string path reads on from it. */
const HAND_OVER = -1;

/** The bytes of U+FFFD in UTF-8: the string path rejects a record holding it as not UTF-8. */
const REPLACEMENT = Buffer.from('\uFFFD', 'utf8');

/**
 * Splits the records of a file's bytes into fields, RFC 4180 only: a field is bare (no quote, no
 * `\r`) or quoted whole (`""` inside for a quote; anything else, line breaks too). Records end at
 * LF or CRLF. What one scan leaves behind, read right after {@link RecordScanner.scan}:
 */
class RecordScanner {
  /** Field bounds (a quoted field's inside); only the first `starts.length` fields are kept. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Whether each kept field was quoted. */
  readonly quoted: Uint8Array;
  /** Fields in the record (may exceed the kept ones). */
  fields = 0;
  /** Where the record's text ends: before its line break. */
  bodyEnd = 0;
  /** Line breaks inside quoted fields. */
  breaks = 0;
  /** Whether a quoted field holds `""`. */
  escaped = false;
  /** Whether a byte is not ASCII (the record must then be checked as UTF-8). */
  high = false;

  constructor(width: number) {
    this.starts = new Int32Array(width);
    this.ends = new Int32Array(width);
    this.quoted = new Uint8Array(width);
  }

  /**
   * Scans the record that starts at `start`.
   *
   * @returns the index after its line break (or `limit` at the end of the file), {@link MORE},
   * or {@link HAND_OVER} when it is not well formed
   */
  scan(bytes: Buffer, start: number, limit: number, final: boolean): number {
    const { starts, ends, quoted } = this;
    const kept = starts.length;
    let at = start;
    let fields = 0;
    let breaks = 0;
    let escaped = false;
    let high = 0;
    for (;;) {
      if (at < limit && bytes[at] === QUOTE) {
        const from = at + 1;
        let close = from;
        for (;;) {
          while (close < limit) {
            const byte = bytes[close] as number;
            if (byte === QUOTE) break;
            if (byte === LF) breaks += 1;
            high |= byte;
            close += 1;
          }
          if (close >= limit) return final ? HAND_OVER : MORE;
          if (close + 1 >= limit && !final) return MORE;
          if (bytes[close + 1] !== QUOTE) break;
          escaped = true;
          close += 2;
        }
        if (fields < kept) {
          starts[fields] = from;
          ends[fields] = close;
          quoted[fields] = 1;
        }
        fields += 1;
        at = close + 1;
        if (at >= limit) {
          if (!final) return MORE;
          return this.#done(fields, limit, breaks, escaped, high, limit);
        }
        const next = bytes[at];
        if (next === COMMA) {
          at += 1;
          continue;
        }
        if (next === LF) return this.#done(fields, at, breaks, escaped, high, at + 1);
        if (next === CR) {
          if (at + 1 >= limit) return final ? HAND_OVER : MORE;
          return bytes[at + 1] === LF ? this.#done(fields, at, breaks, escaped, high, at + 2) : HAND_OVER;
        }
        return HAND_OVER; // text after a closing quote
      }
      const from = at;
      let byte = 0;
      while (at < limit) {
        byte = bytes[at] as number;
        if (byte === COMMA || byte === LF || byte === QUOTE || byte === CR) break;
        high |= byte;
        at += 1;
      }
      if (at >= limit) {
        if (!final) return MORE;
        byte = -1;
      } else if (byte === QUOTE) {
        return HAND_OVER;
      } else if (byte === CR) {
        if (at + 1 >= limit) return final ? HAND_OVER : MORE;
        if (bytes[at + 1] !== LF) return HAND_OVER;
      }
      if (fields < kept) {
        starts[fields] = from;
        ends[fields] = at;
        quoted[fields] = 0;
      }
      fields += 1;
      if (byte === COMMA) {
        at += 1;
        continue;
      }
      if (byte === -1) return this.#done(fields, limit, breaks, escaped, high, limit);
      return this.#done(fields, at, breaks, escaped, high, byte === CR ? at + 2 : at + 1);
    }
  }

  #done(
    fields: number,
    bodyEnd: number,
    breaks: number,
    escaped: boolean,
    high: number,
    end: number,
  ): number {
    this.fields = fields;
    this.bodyEnd = bodyEnd;
    this.breaks = breaks;
    this.escaped = escaped;
    this.high = high > 0x7f;
    return end;
  }
}

/**
 * Reads one Olist file into column batches straight from its bytes: the loader's reader. It
 * yields what `readRecordBatches` with a {@link ColumnBatchBuilder} yields, record for record,
 * only faster: a record whose every field its column's byte codec accepts is copied into the
 * batch without a JS string per field.
 *
 * The rest takes the string path, which decides every edge case: a record that is well formed
 * but has a value a byte codec declines, a quote to unescape, bytes that are not ASCII and not
 * plainly UTF-8, or the wrong number of fields is decoded and handed to the same
 * {@link RecordBatcher} as the string reader's records; at a record that is not well-formed
 * RFC 4180 (a stray or unclosed quote, a lone `\r`, a very long record) the string reader takes
 * the rest of the file. A header other than the table's own (after an optional UTF-8 BOM, bare
 * or with every name quoted) sends the whole file there.
 */
export async function* readColumnBatches(
  table: OlistTableKey,
  path: string,
  options: ReadRecordOptions,
  builder: ColumnBatchBuilder,
): AsyncGenerator<RecordBatch<BuiltColumnBatch>> {
  const columns = byteColumns(table);
  if (columns === undefined) {
    yield* readRecordBatches(table, path, options, builder);
    return;
  }
  const { maxRecordLength, signal } = options;
  // As the string reader: longer records go to csv-parse, which counts the limit itself.
  const fastLimit = Math.floor(maxRecordLength / 4);
  const width = columns.length;
  const source = await FileBytes.open(path, options, 1024 * 1024);
  const batcher = new RecordBatcher(table, path, options, builder);
  // Where the reader is: the bytes at hand, the next record's start in them, and its line.
  const run: RecordRun = {
    bytes: Buffer.alloc(0),
    pos: 0,
    line: 1,
    scanner: new RecordScanner(width),
    columns,
    numbers: new Float64Array(width),
    nulls: new Uint8Array(width),
    builder,
    batcher,
    fastLimit,
  };
  let final = false;

  /** Reads the next chunk onto the bytes not yet taken. */
  const more = async (): Promise<void> => {
    const next = await source.more(run.pos);
    run.bytes = next.bytes;
    run.pos = 0;
    if (next.done) final = true;
  };

  /** The string reader, on from `run.pos` (line `run.line`) to the end of the file. */
  async function* handOver(atFileStart: boolean): AsyncGenerator<RecordBatch<BuiltColumnBatch>> {
    const from = { line: run.line, atFileStart };
    for await (const records of splitCsvRecords(source.rest(run.pos), maxRecordLength, from)) {
      signal?.throwIfAborted();
      for (const item of records) {
        const last = !batcher.push(item);
        if (batcher.full) yield batcher.take(source.bytesRead);
        if (last) return;
      }
    }
  }

  /** Reads the header line; `true` when it is the table's, quoted or bare, and nothing else. */
  const readHeader = async (): Promise<boolean> => {
    // The BOM may be cut across chunks: gather the file's first bytes.
    do await more();
    while (!final && run.bytes.length < 3);
    const headerStart = run.bytes[0] === 0xef && run.bytes[1] === 0xbb && run.bytes[2] === 0xbf ? 3 : 0;
    const names = OLIST_TABLES[table].header;
    const quoted = Buffer.from(names.map((name) => `"${name}"`).join(','));
    const bare = Buffer.from(names.join(','));
    let lf = run.bytes.indexOf(LF, headerStart);
    while (lf === -1 && !final && run.bytes.length <= fastLimit) {
      await more();
      lf = run.bytes.indexOf(LF, headerStart);
    }
    if (lf === -1) return false;
    const header = run.bytes.subarray(headerStart, run.bytes[lf - 1] === CR ? lf - 1 : lf);
    if (!(header.equals(quoted) || header.equals(bare))) return false;
    batcher.header(names);
    run.pos = lf + 1;
    run.line = 2;
    return true;
  };

  try {
    if (await readHeader()) {
      for (;;) {
        const end = readRecords(run, final);
        if (end === FULL) {
          yield batcher.take(source.bytesRead);
          signal?.throwIfAborted();
        } else if (end === HAND_OVER) {
          yield* handOver(false);
          break;
        } else if (final) {
          break;
        } else {
          await more();
        }
      }
    } else {
      // Not the table's own header: the string reader reads the whole file (and says what is wrong).
      yield* handOver(true);
    }
  } finally {
    await source.close();
  }
  batcher.finish();
  if (!batcher.empty) yield batcher.take(source.bytesRead);
}

/** The batch is full: take it before reading on. */
const FULL = -3;

/** What {@link readRecords} works on, and where it stopped. */
interface RecordRun {
  bytes: Buffer;
  pos: number;
  line: number;
  readonly scanner: RecordScanner;
  readonly columns: readonly ByteColumn[];
  readonly numbers: Float64Array;
  readonly nulls: Uint8Array;
  readonly builder: ColumnBatchBuilder;
  readonly batcher: RecordBatcher<OlistTableKey, BuiltColumnBatch>;
  /** Records longer than this many bytes go to the string reader (which counts characters). */
  readonly fastLimit: number;
}

/**
 * Reads records from `run.pos` on, into the batch: on the byte path when it can, else as the
 * string reader's record items. A plain function, not part of the async generator, so that the
 * engine optimizes the loop as a whole.
 *
 * @returns {@link FULL}, {@link MORE} (the bytes at hand end mid-record, or at a record start) or
 * {@link HAND_OVER} (at `run.pos`, a record only the string reader can take)
 */
function readRecords(run: RecordRun, final: boolean): number {
  const { bytes, scanner, columns, numbers, nulls, builder, batcher, fastLimit } = run;
  const limit = bytes.length;
  let pos = run.pos;
  let line = run.line;
  let result: number;
  for (;;) {
    // Blank lines hold no record; they still count as lines.
    let byte = pos < limit ? (bytes[pos] as number) : -1;
    while (byte === LF || (byte === CR && pos + 1 < limit && bytes[pos + 1] === LF)) {
      pos += byte === LF ? 1 : 2;
      line += 1;
      byte = pos < limit ? (bytes[pos] as number) : -1;
    }
    if (pos >= limit || (byte === CR && !final && pos + 1 >= limit)) {
      result = MORE;
      break;
    }
    const end = scanner.scan(bytes, pos, limit, final);
    if (end === MORE) {
      result = limit - pos > fastLimit ? HAND_OVER : MORE;
      break;
    }
    if (end === HAND_OVER || scanner.bodyEnd - pos > fastLimit) {
      result = HAND_OVER;
      break;
    }
    if (fastRecord(bytes, pos, scanner, columns, numbers, nulls)) {
      builder.addEncoded(bytes, scanner.starts, scanner.ends, numbers, nulls);
    } else {
      batcher.push(recordItem(bytes, pos, scanner, line, columns.length));
    }
    line += (end > scanner.bodyEnd ? 1 : 0) + scanner.breaks;
    pos = end;
    if (batcher.full) {
      result = FULL;
      break;
    }
  }
  run.pos = pos;
  run.line = line;
  return result;
}

/** The record just scanned, as the string splitter would give it. */
function recordItem(
  bytes: Buffer,
  start: number,
  scanner: RecordScanner,
  line: number,
  width: number,
): CsvRecordItem {
  const { starts, ends, quoted, fields, bodyEnd } = scanner;
  const values: string[] = [];
  for (let index = 0; index < fields; index++) {
    if (index >= width) {
      // Fields past the table's were not kept: the record is rejected for its field count
      // (or for bytes that are not UTF-8, where a field past the table's names no column).
      values.push('');
      continue;
    }
    const value = bytes.toString('utf8', starts[index], ends[index]);
    values.push(quoted[index] === 1 ? value.replaceAll('""', '"') : value);
  }
  return { kind: 'record', values, body: bytes.toString('utf8', start, bodyEnd), line, clean: false };
}

/**
 * Reads the record just scanned into `numbers` and `nulls` when the byte path can take it whole:
 * the table's number of fields, no quote to unescape, plain UTF-8, every value accepted by its
 * column's byte codec (an empty one is `null`, where the column allows it).
 */
function fastRecord(
  bytes: Buffer,
  start: number,
  scanner: RecordScanner,
  columns: readonly ByteColumn[],
  numbers: Float64Array,
  nulls: Uint8Array,
): boolean {
  if (scanner.fields !== columns.length || scanner.escaped) return false;
  if (scanner.high) {
    const body = bytes.subarray(start, scanner.bodyEnd);
    if (!isUtf8(body) || body.includes(REPLACEMENT)) return false;
  }
  const { starts, ends } = scanner;
  for (let index = 0; index < columns.length; index++) {
    const column = columns[index] as ByteColumn;
    const from = starts[index] as number;
    const to = ends[index] as number;
    if (from === to) {
      if (!column.nullable) return false;
      nulls[index] = 1;
      continue;
    }
    nulls[index] = 0;
    const codec = column.codec;
    if (codec.kind === 'text') {
      if (!codec.check(bytes, from, to)) return false;
    } else {
      const value = codec.parse(bytes, from, to);
      if (Number.isNaN(value)) return false;
      numbers[index] = value;
    }
  }
  return true;
}
