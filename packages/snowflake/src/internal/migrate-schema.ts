import type { TableDefinition } from '@orderstream/core';
import type { Connection } from 'snowflake-sdk';
import { SNOWFLAKE_COLUMN_TYPES } from '../warehouse/snowflake-column-types.js';
import type { ExecStatement } from './exec-statement.js';
import { createTableSql, quoteIdent } from './sql.js';

/**
 * Creates the schema and every managed table, and adds the columns a newer definition has. Each
 * statement is DDL and commits on its own.
 */
export async function migrateSchema(
  exec: ExecStatement,
  session: Connection,
  schemaName: string,
  tables: Readonly<Record<string, TableDefinition>>,
  qualify: (table: string) => string,
): Promise<void> {
  const schema = schemaName.toUpperCase();
  await exec(session, `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`, [], 'SNOWFLAKE_QUERY_FAILED');
  for (const table of Object.values(tables)) {
    await exec(session, createTableSql(qualify(table.name), table), [], 'SNOWFLAKE_QUERY_FAILED');
    const { rows } = await exec(
      session,
      'SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?',
      [schema, table.name.toUpperCase()],
      'SNOWFLAKE_QUERY_FAILED',
    );
    const existing = new Set(rows.map((row) => String(Object.values(row)[0]).toUpperCase()));
    for (const column of table.columns) {
      if (existing.has(column.name.toUpperCase())) continue;
      await exec(
        session,
        `ALTER TABLE ${qualify(table.name)} ADD COLUMN ${quoteIdent(column.name)} ${SNOWFLAKE_COLUMN_TYPES[column.type]}`,
        [],
        'SNOWFLAKE_QUERY_FAILED',
      );
    }
  }
}
