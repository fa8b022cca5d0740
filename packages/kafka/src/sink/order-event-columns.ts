import type {
  ColumnBatch,
  ColumnData,
  OrderEventRow,
  OrderEventScanner,
  ScannedTextField,
  WarehouseValue,
} from '@orderstream/core';
import { ORDER_EVENT_SCHEMA_VERSION, RAW_ORDER_EVENTS, SCANNED_TEXT_FIELDS } from '@orderstream/core';
import { releaseMemory } from '../internal/release-memory.js';

/** Rows per chunk: DuckDB's vector size, so each chunk is whole data chunks. */
export const CHUNK_ROWS = 2048;

/** Where a record came from, for the Kafka columns. */
export interface RecordOrigin {
  /** The topic's name as UTF-8. */
  readonly topic: Uint8Array;
  readonly partition: number;
  readonly offset: number;
}

// What fills each column of `raw_order_events`: a scanned text field, the payload, the topic,
// the key, or a number.
const SCANNED = 0;
const PAYLOAD = 1;
const TOPIC = 2;
const KEY = 3;
const EVENT_TIME = 4;
const SCHEMA_VERSION = 5;
const PURCHASED_AT = 6;
const ITEMS_COUNT = 7;
const ITEMS = 8;
const FREIGHT = 9;
const PAYMENT = 10;
const PARTITION = 11;
const OFFSET = 12;
const INGESTED_AT = 13;

const SOURCE_OF: Readonly<Record<string, number>> = {
  payload: PAYLOAD,
  kafka_topic: TOPIC,
  kafka_key: KEY,
  event_time: EVENT_TIME,
  schema_version: SCHEMA_VERSION,
  order_purchase_timestamp: PURCHASED_AT,
  items_count: ITEMS_COUNT,
  items_value: ITEMS,
  freight_value: FREIGHT,
  payment_value: PAYMENT,
  kafka_partition: PARTITION,
  kafka_offset: OFFSET,
  ingested_at: INGESTED_AT,
};

/** The source of each column of `raw_order_events`, in its order (checked once, at load). */
const SOURCES = Int8Array.from(RAW_ORDER_EVENTS.columns, (column) => {
  if (SCANNED_TEXT_FIELDS.includes(column.name as ScannedTextField)) return SCANNED;
  const source = SOURCE_OF[column.name];
  if (source === undefined) throw new Error(`raw_order_events.${column.name} has no source in the sink`);
  return source;
});
/** For a scanned column, its index among the scanned text fields. */
const FIELDS = Int8Array.from(RAW_ORDER_EVENTS.columns, (column) =>
  SCANNED_TEXT_FIELDS.indexOf(column.name as ScannedTextField),
);
const isTextSource = (source: number) => source <= KEY;
const ORDER_ID = SCANNED_TEXT_FIELDS.indexOf('order_id');
const INGESTED_AT_COLUMN = SOURCES.indexOf(INGESTED_AT);
const EVENT_TIME_COLUMN = SOURCES.indexOf(EVENT_TIME);

/** Numeric columns per row, 8 bytes each, and the offsets of the text ones: what a row costs beside its text. */
const FIXED_ROW_BYTES = 8 * SOURCES.length;
const MIN_TEXT_BYTES = 256;

interface TextColumn {
  bytes: Buffer;
  used: number;
  readonly offsets: Int32Array;
  nulls: Uint8Array | null;
}

interface NumberColumn {
  readonly values: Float64Array;
  nulls: Uint8Array | null;
}

interface Chunk {
  readonly columns: (TextColumn | NumberColumn)[];
  rows: number;
}

/**
 * The `raw_order_events` rows of one partition's buffer, gathered straight into column batches
 * (chunks of {@link CHUNK_ROWS} rows) for the warehouse's columnar write: the text of a scanned
 * event is copied from the record's bytes (its payload whole), the rest are numbers. Rows decoded
 * the slow way (`toOrderEventRow`) go into the same columns.
 */
export class OrderEventColumns {
  readonly #chunks: Chunk[] = [];
  /** Bytes each text column used in the last full chunk: the next one starts with that much. */
  static readonly #hints: number[] = Array.from(SOURCES, () => MIN_TEXT_BYTES);
  #rows = 0;
  #bytes = 0;

  /** Rows gathered. */
  get rows(): number {
    return this.#rows;
  }

  /** Bytes the columns hold (text bytes, offsets, numbers), whatever capacity is reserved. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Adds the event a scanner has just accepted.
   *
   * @param value - the scanned bytes (the payload)
   * @param scanner - the scanner, holding the event's fields
   * @param origin - where the record came from
   * @param keyed - whether the record has a key (it is then the `order_id`)
   * @returns the bytes the row takes
   */
  addScanned(value: Uint8Array, scanner: OrderEventScanner, origin: RecordOrigin, keyed: boolean): number {
    const chunk = this.#chunk();
    const at = chunk.rows;
    const before = this.#bytes;
    const { starts, ends } = scanner;
    for (let index = 0; index < SOURCES.length; index++) {
      const column = chunk.columns[index] as TextColumn & NumberColumn;
      switch (SOURCES[index]) {
        case SCANNED: {
          const field = FIELDS[index] as number;
          this.#copy(column, at, value, starts[field] as number, ends[field] as number);
          break;
        }
        case PAYLOAD:
          this.#copy(column, at, value, 0, value.length);
          break;
        case TOPIC:
          this.#copy(column, at, origin.topic, 0, origin.topic.length);
          break;
        case KEY:
          if (keyed) this.#copy(column, at, value, starts[ORDER_ID] as number, ends[ORDER_ID] as number);
          else this.#null(column, at, true);
          break;
        case EVENT_TIME:
          column.values[at] = scanner.eventTimeMs;
          break;
        case SCHEMA_VERSION:
          column.values[at] = ORDER_EVENT_SCHEMA_VERSION;
          break;
        case PURCHASED_AT:
          column.values[at] = scanner.purchasedAtMs;
          break;
        case ITEMS_COUNT:
          column.values[at] = scanner.itemsCount;
          break;
        case ITEMS:
          column.values[at] = scanner.itemsCents;
          break;
        case FREIGHT:
          column.values[at] = scanner.freightCents;
          break;
        case PAYMENT:
          column.values[at] = scanner.paymentCents;
          break;
        case PARTITION:
          column.values[at] = origin.partition;
          break;
        case OFFSET:
          column.values[at] = origin.offset;
          break;
        default:
          // ingested_at: set when the rows are taken.
          break;
      }
    }
    return this.#added(chunk, before);
  }

  /**
   * Adds a row decoded the slow way.
   *
   * @param row - the row (`ingested_at` is set at {@link OrderEventColumns.take})
   * @returns the bytes the row takes
   */
  addRow(row: OrderEventRow): number {
    const chunk = this.#chunk();
    const at = chunk.rows;
    const before = this.#bytes;
    for (let index = 0; index < SOURCES.length; index++) {
      const column = chunk.columns[index] as TextColumn | NumberColumn;
      const name = (RAW_ORDER_EVENTS.columns[index] as { name: keyof OrderEventRow }).name;
      const value: WarehouseValue = index === INGESTED_AT_COLUMN ? 0 : row[name];
      if (value === null || value === undefined) {
        this.#null(column, at, isText(column));
      } else if (isText(column)) {
        const text = String(value);
        const length = Buffer.byteLength(text);
        this.#reserve(column, length);
        column.used += column.bytes.write(text, column.used);
        column.offsets[at + 1] = column.used;
        this.#bytes += length;
      } else {
        column.values[at] = value instanceof Date ? value.getTime() : Number(value);
      }
    }
    return this.#added(chunk, before);
  }

  /** The `event_time` of every row, epoch ms. */
  *eventTimes(): Generator<number> {
    for (const chunk of this.#chunks) {
      const values = (chunk.columns[EVENT_TIME_COLUMN] as NumberColumn).values;
      for (let row = 0; row < chunk.rows; row++) yield values[row] as number;
    }
  }

  /**
   * The rows as column batches, with `ingested_at` set.
   *
   * @param ingestedAt - the ingestion instant, epoch ms
   * @returns one batch per chunk
   */
  take(ingestedAt: number): ColumnBatch[] {
    return this.#chunks.map((chunk) => {
      (chunk.columns[INGESTED_AT_COLUMN] as NumberColumn).values.fill(ingestedAt, 0, chunk.rows);
      const count = chunk.rows;
      const columns = chunk.columns.map((column): ColumnData => {
        const nulls = column.nulls?.subarray(0, count) ?? null;
        if (isText(column)) {
          return {
            kind: 'text',
            bytes: column.bytes.subarray(0, column.used),
            offsets: column.offsets.subarray(0, count + 1),
            nulls,
          };
        }
        return { kind: 'number', values: column.values.subarray(0, count), nulls };
      });
      return { kind: 'columns', rowCount: count, columns };
    });
  }

  /**
   * Frees the columns' memory now rather than at the next full garbage collection (see
   * `releaseMemory`): once their flush is over, nothing reads them, and a flush's columns are tens
   * of MiB. The batches {@link OrderEventColumns.take} returned read as empty afterwards.
   */
  release(): void {
    for (const chunk of this.#chunks.splice(0)) {
      for (const column of chunk.columns) {
        if (isText(column)) {
          releaseMemory(column.bytes.buffer);
          releaseMemory(column.offsets.buffer);
        } else {
          releaseMemory(column.values.buffer);
        }
        if (column.nulls !== null) releaseMemory(column.nulls.buffer);
      }
    }
    this.#rows = 0;
    this.#bytes = 0;
  }

  #added(chunk: Chunk, before: number): number {
    chunk.rows++;
    this.#rows++;
    this.#bytes += FIXED_ROW_BYTES;
    return this.#bytes - before;
  }

  /** The chunk with room for one more row. */
  #chunk(): Chunk {
    const last = this.#chunks.at(-1);
    if (last !== undefined && last.rows < CHUNK_ROWS) return last;
    if (last !== undefined) {
      // Remember how much text a full chunk took, so the next starts near its size.
      for (const [index, column] of last.columns.entries()) {
        if (isText(column)) OrderEventColumns.#hints[index] = Math.max(MIN_TEXT_BYTES, column.used);
      }
    }
    const chunk: Chunk = {
      rows: 0,
      columns: Array.from(SOURCES, (source, index): TextColumn | NumberColumn =>
        isTextSource(source)
          ? {
              bytes: Buffer.allocUnsafeSlow(OrderEventColumns.#hints[index] as number),
              used: 0,
              offsets: new Int32Array(CHUNK_ROWS + 1),
              nulls: null,
            }
          : { values: new Float64Array(CHUNK_ROWS), nulls: null },
      ),
    };
    this.#chunks.push(chunk);
    return chunk;
  }

  #null(column: TextColumn | NumberColumn, at: number, text: boolean): void {
    column.nulls ??= new Uint8Array(CHUNK_ROWS);
    column.nulls[at] = 1;
    if (text) (column as TextColumn).offsets[at + 1] = (column as TextColumn).used;
  }

  /** Makes room for `length` more bytes (at least doubling). */
  #reserve(column: TextColumn, length: number): void {
    const needed = column.used + length;
    if (needed <= column.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, column.bytes.length * 2));
    column.bytes.copy(grown, 0, 0, column.used);
    releaseMemory(column.bytes.buffer);
    column.bytes = grown;
  }

  #copy(column: TextColumn, at: number, source: Uint8Array, from: number, to: number): void {
    const length = to - from;
    this.#reserve(column, length);
    let used = column.used;
    const bytes = column.bytes;
    // A loop copies a few bytes faster than a native call (the loader's measurement).
    if (length <= 40) for (let i = from; i < to; i++) bytes[used++] = source[i] as number;
    else {
      bytes.set(source.subarray(from, to), used);
      used += length;
    }
    column.used = used;
    column.offsets[at + 1] = used;
    this.#bytes += length;
  }
}

const isText = (column: TextColumn | NumberColumn): column is TextColumn => 'offsets' in column;
