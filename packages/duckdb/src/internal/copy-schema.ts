import type { DuckDBConnection } from '@duckdb/node-api';
import { duckDbError, openError } from './duckdb-error.js';
import { execSql } from './exec-sql.js';
import { quoteIdent, quoteLiteral } from './sql.js';
import type { TableCatalog } from './table-catalog.js';

const ALIAS = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks that an attached database's alias is a plain identifier.
 *
 * @throws `OrderstreamError` `DUCKDB_QUERY_FAILED` when it is not
 */
export function checkAlias(alias: string): string {
  if (!ALIAS.test(alias)) {
    throw duckDbError(
      'DUCKDB_QUERY_FAILED',
      `"${alias}" is not a plain identifier for an attached database`,
      {
        details: { alias },
      },
    );
  }
  return alias;
}

/**
 * Copies every managed table into the database file `target` in one transaction: attaches it,
 * replaces its tables, detaches it.
 */
export async function copySchema(
  conn: DuckDBConnection,
  catalog: TableCatalog,
  target: string,
): Promise<void> {
  const alias = quoteIdent('__orderstream_copy');
  const schema = quoteIdent(catalog.schema);
  try {
    await conn.run(`ATTACH ${quoteLiteral(target)} AS ${alias}`);
  } catch (error) {
    throw openError(error, target);
  }
  try {
    await execSql(conn, 'BEGIN TRANSACTION');
    try {
      await execSql(conn, `CREATE SCHEMA IF NOT EXISTS ${alias}.${schema}`);
      for (const table of Object.keys(catalog.tables)) {
        await execSql(
          conn,
          `CREATE OR REPLACE TABLE ${alias}.${schema}.${quoteIdent(table)} AS SELECT * FROM ${catalog.qualify(table)}`,
        );
      }
      await execSql(conn, 'COMMIT');
    } catch (error) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await conn.run(`DETACH DATABASE IF EXISTS ${alias}`).catch(() => undefined);
  }
}
