import type { ColumnDefinition, TableDefinition } from '@orderstream/core';
import { quoteIdentifier } from '@orderstream/core/adapter';
import { SNOWFLAKE_COLUMN_TYPES } from '../warehouse/snowflake-column-types.js';

/**
 * Quotes an identifier in upper case: Snowflake folds unquoted names to upper case, so
 * `select order_id from raw.olist_orders` finds `"ORDER_ID"` in `"RAW"."OLIST_ORDERS"`, and
 * quoting keeps names such as `partition` or `position` safe from keyword clashes.
 */
export function quoteIdent(name: string): string {
  return quoteIdentifier(name.toUpperCase());
}

/** The name of a session's staging table for `table` (a temporary table, one per session). */
export function stagingName(table: string): string {
  return quoteIdent(`__orderstream_stage_${table}`);
}

/**
 * The CREATE TABLE statement of a RAW table. No PRIMARY KEY: Snowflake does not enforce one, and
 * the natural key is kept unique by the write path instead (MERGE on the key).
 */
export function createTableSql(qualified: string, table: TableDefinition): string {
  const columns = table.columns.map(
    (column) =>
      `${quoteIdent(column.name)} ${SNOWFLAKE_COLUMN_TYPES[column.type]}${column.nullable ? '' : ' NOT NULL'}`,
  );
  return `CREATE TABLE IF NOT EXISTS ${qualified} (${columns.join(', ')})`;
}

/**
 * A session's staging table: the same columns, all `VARCHAR` and nullable. Rows are array-bound
 * into it as text and cast on the way to the target, so type and constraint failures surface
 * on the final MERGE/INSERT, inside the transaction. Created unqualified, in the session's schema.
 */
export function createStagingSql(table: TableDefinition): string {
  const columns = table.columns.map((column) => `${quoteIdent(column.name)} VARCHAR`);
  return `CREATE TEMPORARY TABLE IF NOT EXISTS ${stagingName(table.name)} (${columns.join(', ')})`;
}

/** The expression reading a staged text column as its column type. */
export function castFromText(column: ColumnDefinition, source = ''): string {
  const ref = `${source}${quoteIdent(column.name)}`;
  switch (column.type) {
    case 'text':
      return ref;
    case 'json':
      return `PARSE_JSON(${ref})`;
    default:
      return `CAST(${ref} AS ${SNOWFLAKE_COLUMN_TYPES[column.type]})`;
  }
}

/** `SELECT <casts> FROM <staging>`: the staged rows typed as the target's columns. */
export function selectStagedSql(table: TableDefinition): string {
  const casts = table.columns.map((column) => `${castFromText(column)} AS ${quoteIdent(column.name)}`);
  return `SELECT ${casts.join(', ')} FROM ${stagingName(table.name)}`;
}

/** The array-bound INSERT into a session's staging table. */
export function insertStagingSql(table: TableDefinition): string {
  const columns = table.columns.map((column) => quoteIdent(column.name));
  return `INSERT INTO ${stagingName(table.name)} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
}

/** Appends the staged rows to the target. */
export function insertFromStagingSql(qualified: string, table: TableDefinition): string {
  const columns = table.columns.map((column) => quoteIdent(column.name));
  return `INSERT INTO ${qualified} (${columns.join(', ')}) ${selectStagedSql(table)}`;
}

/** Upserts the staged rows (unique per key) into the target on its natural key. */
export function mergeFromStagingSql(qualified: string, table: TableDefinition): string {
  const keys = new Set(table.key);
  const columns = table.columns.map((column) => quoteIdent(column.name));
  const on = table.key.map((key) => `t.${quoteIdent(key)} = s.${quoteIdent(key)}`).join(' AND ');
  const updates = table.columns
    .filter((column) => !keys.has(column.name))
    .map((column) => `t.${quoteIdent(column.name)} = s.${quoteIdent(column.name)}`);
  const matched = updates.length > 0 ? ` WHEN MATCHED THEN UPDATE SET ${updates.join(', ')}` : '';
  return (
    `MERGE INTO ${qualified} AS t USING (${selectStagedSql(table)}) AS s ON ${on}${matched}` +
    ` WHEN NOT MATCHED THEN INSERT (${columns.join(', ')}) VALUES (${columns.map((column) => `s.${column}`).join(', ')})`
  );
}

/**
 * The CSV file format of the bulk path. The adapter writes the file itself (header, every value
 * double-quoted, `NULL` as an empty unquoted field, UTF-8 without BOM), so this format only has
 * to read what it writes. Olist's own quirks (BOM, quoting, blank fields) are handled earlier,
 * by core's reader.
 */
export const BULK_CSV_FORMAT =
  "TYPE = CSV FIELD_DELIMITER = ',' SKIP_HEADER = 1 FIELD_OPTIONALLY_ENCLOSED_BY = '\"' NULL_IF = ('') EMPTY_FIELD_AS_NULL = TRUE";
