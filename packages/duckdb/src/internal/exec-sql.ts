import type { DuckDBConnection } from '@duckdb/node-api';
import type { WarehouseValue } from '@orderstream/core';
import { queryError } from './duckdb-error.js';
import { bindValue } from './values.js';

/**
 * Runs one statement with `?` parameters on a connection, turning a failure into an
 * `OrderstreamError` with `code` and `details.sql` (never the parameters).
 */
export async function execSql(
  conn: DuckDBConnection,
  sql: string,
  params: readonly WarehouseValue[] = [],
  code: 'DUCKDB_QUERY_FAILED' | 'DUCKDB_TRANSACTION_FAILED' = 'DUCKDB_TRANSACTION_FAILED',
): Promise<void> {
  try {
    if (params.length === 0) await conn.run(sql);
    else await conn.run(sql, params.map(bindValue));
  } catch (error) {
    throw queryError(error, sql, params, code);
  }
}
