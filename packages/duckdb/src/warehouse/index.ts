export { DUCKDB_COLUMN_TYPES } from './duckdb-column-types.js';
export { createDuckDbWarehouse, DuckDbWarehouse } from './duckdb-warehouse.js';
export type {
  DuckDbAttachOptions,
  DuckDbCommitContext,
  DuckDbWarehouseOptions,
  ResolvedDuckDbWarehouseOptions,
} from './options.js';
export { DUCKDB_WAREHOUSE_DEFAULTS, duckDbWarehouseOptionsSchema } from './options.js';
