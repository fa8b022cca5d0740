import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnDefinition, TableDefinition } from '@orderstream/core';
import { duckDbError, queryError } from './duckdb-error.js';
import { quoteIdent } from './sql.js';

/**
 * A column of a managed table by name.
 *
 * @throws `OrderstreamError` `DUCKDB_UNKNOWN_COLUMN` when the table has no such column
 */
export function tableColumn(table: TableDefinition, name: string): ColumnDefinition {
  const column = table.columns.find((candidate) => candidate.name === name);
  if (!column) {
    throw duckDbError('DUCKDB_UNKNOWN_COLUMN', `Table ${table.name} has no column named ${name}`, {
      details: { table: table.name, column: name },
    });
  }
  return column;
}

/**
 * The managed tables of one schema: their definitions, qualified names and physical layouts
 * (cached until {@link TableCatalog.clearLayouts}).
 */
export class TableCatalog {
  readonly schema: string;
  readonly tables: Readonly<Record<string, TableDefinition>>;
  #layouts = new Map<string, readonly (ColumnDefinition | undefined)[]>();

  constructor(schema: string, tables: Readonly<Record<string, TableDefinition>>) {
    this.schema = schema;
    this.tables = tables;
  }

  /** The quoted, schema-qualified name of a table. */
  qualify(table: string): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(table)}`;
  }

  /** @throws `OrderstreamError` `DUCKDB_UNKNOWN_TABLE` when no managed table has this name */
  table(name: string): TableDefinition {
    const table = this.tables[name];
    if (!table) {
      throw duckDbError('DUCKDB_UNKNOWN_TABLE', `The warehouse does not manage a table named ${name}`, {
        details: { table: name },
      });
    }
    return table;
  }

  /** Forgets the cached layouts (after a migration). */
  clearLayouts(): void {
    this.#layouts.clear();
  }

  /** The table's physical columns in order, mapped to their definitions (a dropped one is undefined). */
  async layout(conn: DuckDBConnection, table: string): Promise<readonly (ColumnDefinition | undefined)[]> {
    const cached = this.#layouts.get(table);
    if (cached) return cached;
    const definition = this.table(table);
    const names = await this.physicalColumns(conn, table);
    const byName = new Map(definition.columns.map((column) => [column.name, column]));
    const layout = names.map((name) => byName.get(name));
    this.#layouts.set(table, layout);
    return layout;
  }

  /** The names of the table's physical columns in order. */
  async physicalColumns(conn: DuckDBConnection, table: string): Promise<string[]> {
    const sql =
      // Only this database's catalog: an attached database (the dbt analytics copy) has the same tables.
      'SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = ? AND table_name = ? ORDER BY ordinal_position';
    try {
      const reader = await conn.runAndReadAll(sql, [this.schema, table]);
      return reader.getRows().map((row) => String(row[0]));
    } catch (error) {
      throw queryError(error, sql);
    }
  }
}
