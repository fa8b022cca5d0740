export {
  SNOWFLAKE_ENV_VARIABLES,
  snowflakeConnectionFromEnv,
  snowflakeSchemaFromEnv,
} from './connection-from-env.js';
export type {
  ResolvedSnowflakeWarehouseOptions,
  SnowflakeCommitContext,
  SnowflakeConnectionOptions,
  SnowflakeWarehouseOptions,
} from './options.js';
export {
  SNOWFLAKE_WAREHOUSE_DEFAULTS,
  snowflakeConnectionOptionsSchema,
  snowflakeWarehouseOptionsSchema,
} from './options.js';
export { SNOWFLAKE_COLUMN_TYPES } from './snowflake-column-types.js';
export { createSnowflakeWarehouse, SnowflakeWarehouse } from './snowflake-warehouse.js';
