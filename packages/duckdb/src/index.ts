/**
 * `@orderstream/duckdb`: the embedded DuckDB warehouse. One file (or memory) holds the RAW tables;
 * the sink and the historical loader write through one connection while the dashboard reads
 * through others.
 *
 * @example
 * ```ts
 * import { loadHistory } from '@orderstream/core';
 * import { createDuckDbWarehouse } from '@orderstream/duckdb';
 *
 * const warehouse = await createDuckDbWarehouse({ path: './data/orderstream.duckdb' });
 * await loadHistory({ dataDir: './data/olist', warehouse });
 * const [row] = await warehouse.query(`SELECT count(*) AS n FROM ${warehouse.qualify('olist_orders')}`);
 * await warehouse.close();
 * ```
 *
 * @packageDocumentation
 */

export type { DuckDbErrorCode } from './duckdb-error-codes.js';
export { DUCKDB_ERROR_CODES } from './duckdb-error-codes.js';
export type {
  DuckDbAttachOptions,
  DuckDbCommitContext,
  DuckDbWarehouseOptions,
  ResolvedDuckDbWarehouseOptions,
} from './warehouse/index.js';
export {
  createDuckDbWarehouse,
  DUCKDB_COLUMN_TYPES,
  DUCKDB_WAREHOUSE_DEFAULTS,
  DuckDbWarehouse,
  duckDbWarehouseOptionsSchema,
} from './warehouse/index.js';
