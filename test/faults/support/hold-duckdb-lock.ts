/**
 * Holds a DuckDB file open read-write (so DuckDB's file lock keeps every other process out) until
 * SIGTERM, the way another tool (a dbt run, a notebook) would. Prints `{"type":"locked"}` once
 * it holds the lock. Usage: hold-duckdb-lock.ts PATH
 */
import { DuckDbWarehouse } from '@orderstream/duckdb';

const warehouse = new DuckDbWarehouse({ path: process.argv[2] ?? '', config: { threads: '1' } });
await warehouse.open();
await warehouse.query('SELECT 1');
process.stdout.write(`${JSON.stringify({ type: 'locked', at: Date.now() })}\n`);
const keepAlive = setInterval(() => undefined, 1000);
process.once('SIGTERM', () => {
  clearInterval(keepAlive);
  void warehouse.close().then(() => process.exit(0));
});
