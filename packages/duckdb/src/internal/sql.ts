import type { TableDefinition } from '@orderstream/core';
import { quoteIdentifier, quoteStringLiteral } from '@orderstream/core/adapter';
import { DUCKDB_COLUMN_TYPES } from '../warehouse/duckdb-column-types.js';

/** Quotes an identifier for DuckDB: the standard quoting (DuckDB keeps the name's case). */
export const quoteIdent = quoteIdentifier;

/** Quotes a string literal for DuckDB (DDL only; data always goes through binding or appenders). */
export const quoteLiteral = quoteStringLiteral;

/**
 * The CREATE TABLE statement of a RAW table. No PRIMARY KEY: DuckDB's ART indexes slow the bulk
 * path and its in-transaction constraint checks have had over-eager edge cases with
 * delete-then-insert of the same key; the natural key is kept unique by the write path instead
 * (upserts delete the staged keys before inserting).
 */
export function createTableSql(schema: string, table: TableDefinition): string {
  const columns = table.columns.map(
    (column) =>
      `${quoteIdent(column.name)} ${DUCKDB_COLUMN_TYPES[column.type]}${column.nullable ? '' : ' NOT NULL'}`,
  );
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.${quoteIdent(table.name)} (${columns.join(', ')})`;
}

/** A staging table: the same columns, all nullable, so constraint failures surface on the final INSERT. */
export function createStagingSql(name: string, table: TableDefinition): string {
  const columns = table.columns.map(
    (column) => `${quoteIdent(column.name)} ${DUCKDB_COLUMN_TYPES[column.type]}`,
  );
  return `CREATE TEMP TABLE IF NOT EXISTS ${quoteIdent(name)} (${columns.join(', ')})`;
}
