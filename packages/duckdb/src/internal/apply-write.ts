import type { TableWrite } from '@orderstream/core';
import { appendAll } from './append-rows.js';
import { execSql } from './exec-sql.js';
import type { Lane } from './lane.js';
import { createStagingSql, quoteIdent } from './sql.js';
import type { TableCatalog } from './table-catalog.js';

/**
 * Writes one table's rows inside the lane's open transaction: appended as they are (`insert`, or
 * a table without key), or staged in a temporary table, the staged keys deleted from the target
 * and the last staged row per key inserted (`upsert`).
 */
export async function applyWrite(lane: Lane, catalog: TableCatalog, write: TableWrite): Promise<void> {
  const conn = lane.connection;
  const definition = catalog.table(write.table);
  if (write.columns === undefined ? write.rows.length === 0 : write.columns.every((b) => b.rowCount === 0))
    return;
  const upsert = (write.mode ?? 'upsert') === 'upsert' && definition.key.length > 0;
  const columns = definition.columns.map((column) => quoteIdent(column.name)).join(', ');
  if (!upsert) {
    const layout = await catalog.layout(conn, definition.name);
    await appendAll(conn, definition, layout, write, definition.name, catalog.schema);
    return;
  }
  const stage = `__orderstream_stage_${definition.name}`;
  if (!lane.staged.has(stage)) {
    await execSql(conn, createStagingSql(stage, definition), [], 'DUCKDB_TRANSACTION_FAILED');
    lane.staged.add(stage);
  }
  const staged = quoteIdent(stage);
  await execSql(conn, `DELETE FROM ${staged}`, [], 'DUCKDB_TRANSACTION_FAILED');
  await appendAll(conn, definition, definition.columns, write, stage, 'main', 'temp');
  const keys = definition.key.map(quoteIdent);
  const target = catalog.qualify(definition.name);
  await execSql(
    conn,
    `DELETE FROM ${target} AS t USING ${staged} AS s WHERE ${keys.map((key) => `t.${key} = s.${key}`).join(' AND ')}`,
    [],
    'DUCKDB_TRANSACTION_FAILED',
  );
  await execSql(
    conn,
    `INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${staged} QUALIFY row_number() OVER (PARTITION BY ${keys.join(', ')} ORDER BY rowid DESC) = 1`,
    [],
    'DUCKDB_TRANSACTION_FAILED',
  );
  await execSql(conn, `DELETE FROM ${staged}`, [], 'DUCKDB_TRANSACTION_FAILED');
}
