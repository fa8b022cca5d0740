import type { ColumnDefinition, TableDefinition, TableWrite, WarehouseRow } from '@orderstream/core';
import type { Connection } from 'snowflake-sdk';
import type { ExecStatement } from './exec-statement.js';
import { insertFromStagingSql, insertStagingSql, mergeFromStagingSql, stagingName } from './sql.js';
import { checkColumns, tableDefinition } from './table-lookup.js';
import type { TextWriter } from './values.js';
import { textWriter } from './values.js';

/** A write converted to staged text. */
export interface PreparedWrite {
  readonly definition: TableDefinition;
  readonly upsert: boolean;
  readonly binds: (string | null)[][];
}

/** Converts a write's rows to staged text once, before any session is taken (so retries reuse it). */
export function prepareWrite(
  tables: Readonly<Record<string, TableDefinition>>,
  write: TableWrite,
): PreparedWrite {
  const definition = tableDefinition(tables, write.table);
  const upsert = (write.mode ?? 'upsert') === 'upsert' && definition.key.length > 0;
  for (const row of write.rows) checkColumns(definition, row);
  let rows = write.rows;
  if (upsert) {
    // Keep the last row per key: MERGE refuses several source rows for one target row.
    const byKey = new Map<string, WarehouseRow>();
    for (const row of rows) byKey.set(JSON.stringify(definition.key.map((key) => row[key] ?? null)), row);
    rows = [...byKey.values()];
  }
  const writers: TextWriter[] = definition.columns.map((column) => textWriter(definition.name, column));
  const binds = rows.map((row) =>
    writers.map((write, index) => write(row[(definition.columns[index] as ColumnDefinition).name])),
  );
  return { definition, upsert, binds };
}

/**
 * Applies a prepared write inside the session's open transaction: array-binds its rows into the
 * staging table in chunks of at most `arrayBindingThreshold` values, then MERGEs (upsert) or
 * INSERTs them into `target`.
 */
export async function applyPreparedWrite(
  exec: ExecStatement,
  session: Connection,
  write: PreparedWrite,
  target: string,
  arrayBindingThreshold: number,
): Promise<void> {
  if (write.binds.length === 0) return;
  const { definition } = write;
  const chunk = Math.max(1, Math.floor(arrayBindingThreshold / definition.columns.length));
  await exec(session, `DELETE FROM ${stagingName(definition.name)}`);
  for (let start = 0; start < write.binds.length; start += chunk) {
    await exec(session, insertStagingSql(definition), write.binds.slice(start, start + chunk));
  }
  await exec(
    session,
    write.upsert ? mergeFromStagingSql(target, definition) : insertFromStagingSql(target, definition),
  );
  await exec(session, `DELETE FROM ${stagingName(definition.name)}`);
}
