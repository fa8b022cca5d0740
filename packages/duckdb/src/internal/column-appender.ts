import { endianness } from 'node:os';
import type { DuckDBAppender, DuckDBType } from '@duckdb/node-api';
import { DuckDBDataChunk, DuckDBDecimalType, DuckDBTypeId, VARCHAR } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import type {
  ColumnBatch,
  ColumnData,
  ColumnDefinition,
  ColumnType,
  TableDefinition,
} from '@orderstream/core';
import { assertColumnBatchShape } from '@orderstream/core/adapter';
import { duckDbError } from './duckdb-error.js';

/** DuckDB's vector size: the most rows one data chunk holds. */
export const CHUNK_ROWS = 2048;

// A DuckDB string_t (`duckdb_string_t` of its C API) is 16 bytes: a uint32 length, then up to 12
// bytes inline, else a 4-byte prefix and a pointer to the bytes.
const STRING_SLOT = 16;
const INLINE_BYTES = 12;
const TWO_POW_32 = 4_294_967_296;

/**
 * Writes rows `start .. start + count` of one column into a vector of a data chunk; `heap` is a
 * VARCHAR vector of the same chunk's lifetime that a text encoder may keep bytes in.
 */
type Encoder = (
  vector: duckdb.Vector,
  column: ColumnData | undefined,
  start: number,
  count: number,
  heap: duckdb.Vector | undefined,
) => void;

/**
 * For each physical column, the batch column it takes (-1: none, all `null`), its encoder and,
 * for text, its slot in the heap chunk.
 */
type Plan = readonly { readonly source: number; readonly encode: Encoder; readonly heap: number }[];

/**
 * Whether a long string's pointer can be written from here: a little-endian machine with 64-bit
 * pointers, where a string_t's pointer is two little-endian uint32 halves.
 */
const POINTERS = endianness() === 'LE' && (process.arch === 'x64' || process.arch === 'arm64');

// Scratch buffers, one chunk's worth: encoders run one at a time on the calling thread.
const slots = new Uint8Array(STRING_SLOT * CHUNK_ROWS);
const slotView = new DataView(slots.buffer);
const longStrings = new Int32Array(CHUNK_ROWS);
const int32s = new Int32Array(CHUNK_ROWS);
const int64Halves = new Int32Array(2 * CHUNK_ROWS);
const bytes = new Uint8Array(CHUNK_ROWS);
const validity = new Uint8Array(CHUNK_ROWS / 8);

function copyInto(vector: duckdb.Vector, view: ArrayBufferView, byteLength: number): void {
  duckdb.copy_data_to_vector(vector, 0, view.buffer as ArrayBuffer, view.byteOffset, byteLength);
}

/** Marks the nulls of rows `start .. start + count` (all of them when `column` is missing). */
function writeValidity(
  vector: duckdb.Vector,
  column: ColumnData | undefined,
  start: number,
  count: number,
): void {
  const nulls = column === undefined ? undefined : column.nulls;
  if (nulls === null) return;
  let any = false;
  validity.fill(0xff);
  for (let row = 0; row < count; row++) {
    if (nulls === undefined || nulls[start + row] === 1) {
      validity[row >> 3] = (validity[row >> 3] as number) & ~(1 << (row & 7));
      any = true;
    }
  }
  if (!any) return;
  duckdb.vector_ensure_validity_writable(vector);
  // Validity masks are whole uint64 words.
  duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, Math.ceil(count / 64) * 8);
}

const encodeText: Encoder = (vector, column, start, count, heap) => {
  const { bytes: text, offsets, nulls } = column as Extract<ColumnData, { kind: 'text' }>;
  slots.fill(0, 0, STRING_SLOT * count);
  // The slice's bytes go into the heap vector as one string, in one call: each long string's
  // string_t then points into it (the appender copies the strings before the heap is reset).
  const base = offsets[start] as number;
  let low = -1;
  let high = 0;
  let longCount = 0;
  for (let row = 0; row < count; row++) {
    if (nulls !== null && nulls[start + row] === 1) continue;
    const from = offsets[start + row] as number;
    const length = (offsets[start + row + 1] as number) - from;
    const slot = STRING_SLOT * row;
    if (length > INLINE_BYTES) {
      if (heap === undefined) {
        longStrings[longCount++] = row;
        continue;
      }
      if (low === -1) {
        duckdb.vector_assign_string_element_len(heap, 0, text.subarray(base, offsets[start + count]));
        const slot0 = duckdb.vector_get_data(heap, STRING_SLOT);
        const pointer = new DataView(slot0.buffer, slot0.byteOffset, STRING_SLOT);
        low = pointer.getUint32(8, true);
        high = pointer.getUint32(12, true);
      }
      let at = low + (from - base);
      let atHigh = high;
      if (at >= TWO_POW_32) {
        at -= TWO_POW_32;
        atHigh += 1;
      }
      slotView.setUint32(slot, length, true);
      for (let index = 0; index < 4; index++) slots[slot + 4 + index] = text[from + index] as number;
      slotView.setUint32(slot + 8, at, true);
      slotView.setUint32(slot + 12, atHigh, true);
      continue;
    }
    slotView.setUint32(slot, length, true);
    for (let index = 0; index < length; index++) slots[slot + 4 + index] = text[from + index] as number;
  }
  copyInto(vector, slots, STRING_SLOT * count);
  // DuckDB copies each long string into the vector's own string heap.
  for (let index = 0; index < longCount; index++) {
    const row = longStrings[index] as number;
    duckdb.vector_assign_string_element_len(
      vector,
      row,
      text.subarray(offsets[start + row], offsets[start + row + 1]),
    );
  }
};

const encodeDouble: Encoder = (vector, column, start, count) => {
  const { values } = column as Extract<ColumnData, { kind: 'number' }>;
  duckdb.copy_data_to_vector(
    vector,
    0,
    values.buffer as ArrayBuffer,
    values.byteOffset + 8 * start,
    8 * count,
  );
};

function encodeInt32(table: string, definition: ColumnDefinition): Encoder {
  return (vector, column, start, count) => {
    const { values } = column as Extract<ColumnData, { kind: 'number' }>;
    for (let row = 0; row < count; row++) {
      const value = values[start + row] as number;
      if ((value | 0) !== value) outOfRange(table, definition);
      int32s[row] = value;
    }
    copyInto(vector, int32s, 4 * count);
  };
}

/** 64-bit integers from numbers times `factor` (1000 turns milliseconds into microseconds). */
function encodeInt64(table: string, definition: ColumnDefinition, factor: number): Encoder {
  return (vector, column, start, count) => {
    const { values } = column as Extract<ColumnData, { kind: 'number' }>;
    for (let row = 0; row < count; row++) {
      const value = (values[start + row] as number) * factor;
      if (!Number.isSafeInteger(value)) {
        if (column?.nulls?.[start + row] === 1) continue;
        outOfRange(table, definition);
      }
      // Little-endian halves, without a BigInt per value.
      const high = Math.floor(value / TWO_POW_32);
      int64Halves[2 * row] = value - high * TWO_POW_32;
      int64Halves[2 * row + 1] = high;
    }
    copyInto(vector, int64Halves, 8 * count);
  };
}

const encodeBoolean: Encoder = (vector, column, start, count) => {
  const { values } = column as Extract<ColumnData, { kind: 'number' }>;
  for (let row = 0; row < count; row++) bytes[row] = values[start + row] === 1 ? 1 : 0;
  copyInto(vector, bytes, count);
};

const encodeNothing: Encoder = () => undefined;

function outOfRange(table: string, definition: ColumnDefinition): never {
  throw duckDbError(
    'DUCKDB_INVALID_VALUE',
    `Column ${table}.${definition.name} (${definition.type}) cannot take a value out of its range`,
    { details: { table, column: definition.name, type: definition.type } },
  );
}

const ofType =
  (typeId: DuckDBTypeId) =>
  (physical: DuckDBType): boolean =>
    physical.typeId === typeId;

const int64 =
  (factor: number) =>
  (table: string, definition: ColumnDefinition): Encoder =>
    encodeInt64(table, definition, factor);

/**
 * Per column type: the physical DuckDB type its encoder needs (checked before any is used) and
 * the encoder.
 */
const COLUMN_CODECS: Readonly<
  Record<
    ColumnType,
    {
      readonly fits: (physical: DuckDBType) => boolean;
      readonly encoder: (table: string, definition: ColumnDefinition) => Encoder;
    }
  >
> = {
  text: { fits: ofType(DuckDBTypeId.VARCHAR), encoder: () => encodeText },
  json: { fits: ofType(DuckDBTypeId.VARCHAR), encoder: () => encodeText },
  integer: { fits: ofType(DuckDBTypeId.INTEGER), encoder: encodeInt32 },
  bigint: { fits: ofType(DuckDBTypeId.BIGINT), encoder: int64(1) },
  double: { fits: ofType(DuckDBTypeId.DOUBLE), encoder: () => encodeDouble },
  money: {
    fits: (physical) =>
      physical instanceof DuckDBDecimalType && physical.width === 18 && physical.scale === 2,
    encoder: int64(1),
  },
  // Milliseconds to DuckDB's microseconds.
  timestamp: { fits: ofType(DuckDBTypeId.TIMESTAMP), encoder: int64(1000) },
  timestamptz: { fits: ofType(DuckDBTypeId.TIMESTAMP_TZ), encoder: int64(1000) },
  boolean: { fits: ofType(DuckDBTypeId.BOOLEAN), encoder: () => encodeBoolean },
};

/**
 * Appends {@link ColumnBatch}es by copying their typed arrays into DuckDB vectors: no JS value
 * per cell. Strings longer than 12 bytes (which DuckDB keeps out of line) take one native call
 * per slice of 2,048 rows and column: the slice's text goes into a heap vector as one string,
 * and each string_t points into it — or, on a machine where that pointer cannot be written from
 * JS (big-endian, 32-bit), one call per string. Built once per table for the appender's
 * physical column order.
 */
export class ColumnAppender {
  readonly #definition: TableDefinition;
  readonly #types: readonly DuckDBType[];
  readonly #plan: Plan;
  /** Text columns whose long strings point into the heap chunk: its width. */
  readonly #heaps: number;
  #chunk: DuckDBDataChunk | undefined;
  #heap: DuckDBDataChunk | undefined;

  private constructor(definition: TableDefinition, types: readonly DuckDBType[], plan: Plan, heaps: number) {
    this.#definition = definition;
    this.#types = types;
    this.#plan = plan;
    this.#heaps = heaps;
  }

  /**
   * @param definition - the table
   * @param layout - the table's physical columns (a column unknown to the definition is `undefined`)
   * @param types - the appender's column types, in physical order
   * @returns the appender, or `undefined` when a physical type is not the one the definition's
   *   type maps to (an older table): the caller writes rows instead
   */
  static create(
    definition: TableDefinition,
    layout: readonly (ColumnDefinition | undefined)[],
    types: readonly DuckDBType[],
  ): ColumnAppender | undefined {
    const plan: { source: number; encode: Encoder; heap: number }[] = [];
    let heaps = 0;
    for (const [index, column] of layout.entries()) {
      if (column === undefined) {
        plan.push({ source: -1, encode: encodeNothing, heap: -1 });
        continue;
      }
      const codec = COLUMN_CODECS[column.type];
      if (!codec.fits(types[index] as DuckDBType)) return undefined;
      const text = column.type === 'text' || column.type === 'json';
      plan.push({
        source: definition.columns.indexOf(column),
        encode: codec.encoder(definition.name, column),
        heap: text && POINTERS ? heaps++ : -1,
      });
    }
    return new ColumnAppender(definition, types, plan, heaps);
  }

  /** Appends one batch. */
  append(appender: DuckDBAppender, batch: ColumnBatch): void {
    assertColumnBatchShape(batch, this.#definition);
    // One chunk serves every slice: the appender copies what it is given.
    this.#chunk ??= DuckDBDataChunk.create(this.#types as DuckDBType[]);
    if (this.#heaps > 0)
      this.#heap ??= DuckDBDataChunk.create(Array.from({ length: this.#heaps }, () => VARCHAR));
    const chunk = this.#chunk;
    const heap = this.#heap;
    for (let start = 0; start < batch.rowCount; start += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, batch.rowCount - start);
      duckdb.data_chunk_reset(chunk.chunk);
      duckdb.data_chunk_set_size(chunk.chunk, count);
      if (heap !== undefined) {
        duckdb.data_chunk_reset(heap.chunk);
        duckdb.data_chunk_set_size(heap.chunk, 1);
      }
      for (const [index, { source, encode, heap: slot }] of this.#plan.entries()) {
        const vector = duckdb.data_chunk_get_vector(chunk.chunk, index);
        const column = source < 0 ? undefined : batch.columns[source];
        const heapVector =
          heap === undefined || slot < 0 ? undefined : duckdb.data_chunk_get_vector(heap.chunk, slot);
        encode(vector, column, start, count, heapVector);
        writeValidity(vector, column, start, count);
      }
      appender.appendDataChunk(chunk);
      // DuckDB's appender copies each chunk into a collection of its own and moves it into the
      // transaction at a flush (or every 204,800 rows): flushing each chunk keeps that copy one
      // chunk large instead of the whole write's (sink child, 100,000 events: peak RSS ~20 MiB lower).
      appender.flushSync();
    }
    // The chunks hold the last slice's strings until reset; JS collects them (and DuckDB frees
    // their memory) only when the heap fills, which a streaming sink may take long to do.
    duckdb.data_chunk_reset(chunk.chunk);
    if (heap !== undefined) duckdb.data_chunk_reset(heap.chunk);
  }
}
