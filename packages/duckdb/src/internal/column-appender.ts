import type { DuckDBAppender, DuckDBType } from '@duckdb/node-api';
import { DuckDBDataChunk, DuckDBDecimalType, DuckDBTypeId } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import type {
  ColumnBatch,
  ColumnData,
  ColumnDefinition,
  ColumnType,
  TableDefinition,
} from '@orderstream/core';
import { assertColumnBatchShape } from '@orderstream/core';
import { duckDbError } from './duckdb-error.js';

/** DuckDB's vector size: the most rows one data chunk holds. */
export const CHUNK_ROWS = 2048;

// A DuckDB string_t is 16 bytes: a uint32 length, then up to 12 bytes inline, else a 4-byte
// prefix and a pointer that only DuckDB can set.
const STRING_SLOT = 16;
const INLINE_BYTES = 12;
const TWO_POW_32 = 4_294_967_296;

/** Writes rows `start .. start + count` of one column into a vector of a data chunk. */
type Encoder = (vector: duckdb.Vector, column: ColumnData | undefined, start: number, count: number) => void;

/** For each physical column, the batch column it takes (-1: none, all `null`) and its encoder. */
type Plan = readonly { readonly source: number; readonly encode: Encoder }[];

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

const encodeText: Encoder = (vector, column, start, count) => {
  const { bytes: text, offsets, nulls } = column as Extract<ColumnData, { kind: 'text' }>;
  slots.fill(0, 0, STRING_SLOT * count);
  let longCount = 0;
  for (let row = 0; row < count; row++) {
    if (nulls !== null && nulls[start + row] === 1) continue;
    const from = offsets[start + row] as number;
    const length = (offsets[start + row + 1] as number) - from;
    if (length > INLINE_BYTES) {
      longStrings[longCount++] = row;
      continue;
    }
    const slot = STRING_SLOT * row;
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
 * per cell, one native call per long string. Built once per table for the appender's physical
 * column order.
 */
export class ColumnAppender {
  readonly #definition: TableDefinition;
  readonly #types: readonly DuckDBType[];
  readonly #plan: Plan;
  #chunk: DuckDBDataChunk | undefined;

  private constructor(definition: TableDefinition, types: readonly DuckDBType[], plan: Plan) {
    this.#definition = definition;
    this.#types = types;
    this.#plan = plan;
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
    const plan: { source: number; encode: Encoder }[] = [];
    for (const [index, column] of layout.entries()) {
      if (column === undefined) {
        plan.push({ source: -1, encode: encodeNothing });
        continue;
      }
      const codec = COLUMN_CODECS[column.type];
      if (!codec.fits(types[index] as DuckDBType)) return undefined;
      plan.push({
        source: definition.columns.indexOf(column),
        encode: codec.encoder(definition.name, column),
      });
    }
    return new ColumnAppender(definition, types, plan);
  }

  /** Appends one batch. */
  append(appender: DuckDBAppender, batch: ColumnBatch): void {
    assertColumnBatchShape(batch, this.#definition);
    // One chunk serves every slice: the appender copies what it is given.
    this.#chunk ??= DuckDBDataChunk.create(this.#types as DuckDBType[]);
    const chunk = this.#chunk;
    for (let start = 0; start < batch.rowCount; start += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, batch.rowCount - start);
      duckdb.data_chunk_reset(chunk.chunk);
      duckdb.data_chunk_set_size(chunk.chunk, count);
      for (const [index, { source, encode }] of this.#plan.entries()) {
        const vector = duckdb.data_chunk_get_vector(chunk.chunk, index);
        const column = source < 0 ? undefined : batch.columns[source];
        encode(vector, column, start, count);
        writeValidity(vector, column, start, count);
      }
      appender.appendDataChunk(chunk);
    }
  }
}
