import type { ColumnDefinition, TableDefinition, WarehouseRow } from '@orderstream/core';
import { snowflakeError } from './snowflake-error.js';

/**
 * A managed table by name.
 *
 * @throws `OrderstreamError` `SNOWFLAKE_UNKNOWN_TABLE` when no managed table has this name
 */
export function tableDefinition(
  tables: Readonly<Record<string, TableDefinition>>,
  name: string,
): TableDefinition {
  const table = tables[name];
  if (!table) {
    throw snowflakeError('SNOWFLAKE_UNKNOWN_TABLE', `The warehouse does not manage a table named ${name}`, {
      details: { table: name },
    });
  }
  return table;
}

/**
 * A column of a managed table by name.
 *
 * @throws `OrderstreamError` `SNOWFLAKE_UNKNOWN_COLUMN` when the table has no such column
 */
export function tableColumn(table: TableDefinition, name: string): ColumnDefinition {
  const column = table.columns.find((candidate) => candidate.name === name);
  if (!column) {
    throw snowflakeError('SNOWFLAKE_UNKNOWN_COLUMN', `Table ${table.name} has no column named ${name}`, {
      details: { table: table.name, column: name },
    });
  }
  return column;
}

/** @throws `OrderstreamError` `SNOWFLAKE_UNKNOWN_COLUMN` when a key of the row is not a column of the table */
export function checkColumns(definition: TableDefinition, row: WarehouseRow): void {
  for (const column in row) {
    if (!definition.columns.some((candidate) => candidate.name === column)) tableColumn(definition, column);
  }
}
