import type { ColumnDefinition, TableDefinition, WarehouseRow } from '@orderstream/core';
import { DUCKDB_COLUMN_TYPES } from '../warehouse/duckdb-column-types.js';
import { quoteIdent } from './sql.js';
import { type TextWriter, textWriter } from './values.js';

/** Separates the values of one column in its bound text: ASCII record separator. */
const SEPARATOR = '\u001e';
/** Stands for SQL NULL in a column that has nulls: ASCII unit separator. */
const NULL_MARK = '\u001f';
const SEPARATOR_SQL = 'chr(30)';
const NULL_MARK_SQL = 'chr(31)';

/** One bulk `INSERT`: its statement and its bound values, one text per column. */
export interface TextBatch {
  readonly sql: string;
  readonly params: string[];
  readonly rows: number;
}

/** The per-column text converters of a table, cached by the warehouse. */
export type TextWriters = ReadonlyMap<string, TextWriter>;

/** Builds the converters of every column of a table. */
export function textWriters(table: TableDefinition): TextWriters {
  return new Map(table.columns.map((column) => [column.name, textWriter(table.name, column)]));
}

function castSql(column: ColumnDefinition, value: string): string {
  switch (column.type) {
    case 'text':
      return value;
    case 'timestamp':
      return `make_timestamp(CAST(${value} AS BIGINT))`;
    case 'timestamptz':
      // Sessions run in UTC (set on every connection), so the cast keeps the instant.
      return `CAST(make_timestamp(CAST(${value} AS BIGINT)) AS TIMESTAMPTZ)`;
    default:
      return `CAST(${value} AS ${DUCKDB_COLUMN_TYPES[column.type]})`;
  }
}

/**
 * Encodes rows `[start, end)` as one `INSERT … SELECT` whose every column is bound as a single text
 * (the column's values joined by a control character) and split back by DuckDB: one native call
 * per column instead of one per value, and the conversion runs on DuckDB's threads. Values are
 * validated as the appender's are. Returns `null` when a text value contains one of the two
 * reserved control characters; the caller then uses the appender for these rows.
 *
 * @param target - the quoted, qualified table to insert into
 * @param table - its definition (the columns written)
 * @param writers - the table's converters ({@link textWriters})
 */
export function encodeTextBatch(
  target: string,
  table: TableDefinition,
  writers: TextWriters,
  rows: readonly WarehouseRow[],
  start: number,
  end: number,
): TextBatch | null {
  const names: string[] = [];
  const selects: string[] = [];
  const unnests: string[] = [];
  const params: string[] = [];
  const count = end - start;
  for (const column of table.columns) {
    const write = writers.get(column.name) as TextWriter;
    const texts = new Array<string>(count);
    const checkText = column.type === 'text' || column.type === 'json';
    let nulls = false;
    for (let row = start; row < end; row += 1) {
      const text = write((rows[row] as WarehouseRow)[column.name]);
      if (text === null) {
        nulls = true;
        texts[row - start] = NULL_MARK;
      } else {
        if (checkText && (text.includes(SEPARATOR) || text.includes(NULL_MARK))) return null;
        texts[row - start] = text;
      }
    }
    const index = params.length;
    params.push(texts.join(SEPARATOR));
    const alias = `c${index}`;
    names.push(quoteIdent(column.name));
    unnests.push(`unnest(string_split(CAST($${index + 1} AS VARCHAR), ${SEPARATOR_SQL})) AS ${alias}`);
    selects.push(castSql(column, nulls ? `NULLIF(${alias}, ${NULL_MARK_SQL})` : alias));
  }
  const sql = `INSERT INTO ${target} (${names.join(', ')}) SELECT ${selects.join(', ')} FROM (SELECT ${unnests.join(', ')})`;
  return { sql, params, rows: count };
}

const VALUE_START = /['"]|\bInput:/;
const SOURCE_COLUMN = /source column c(\d+)\b/;

/**
 * The first line of an engine message cut before the first quote or `Input:` (DuckDB quotes the
 * offending value in conversion errors, and rows may carry personal data), naming the column when
 * the engine points at one of the batch's texts.
 *
 * @param message - the engine's message
 * @param table - the definition the batch was encoded from
 */
export function redactEngineMessage(message: string, table: TableDefinition): string {
  const line = message.split('\n')[0] ?? '';
  const cut = VALUE_START.exec(line);
  const kept = (cut === null ? line : `${line.slice(0, cut.index)}…`).trim();
  const index = SOURCE_COLUMN.exec(message)?.[1];
  const column = index === undefined ? undefined : table.columns[Number(index)]?.name;
  return column === undefined ? kept : `${kept} (column ${column})`;
}
