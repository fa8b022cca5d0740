/**
 * `@orderstream/snowflake`: the Snowflake warehouse on snowflake-sdk. The RAW tables live in one
 * schema; the sink writes with array binds and MERGE in one transaction with its offsets; the
 * historical loader goes through PUT and COPY INTO.
 *
 * @example
 * ```ts
 * import { createSnowflakeWarehouse, snowflakeConnectionFromEnv } from '@orderstream/snowflake';
 *
 * // SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_PASSWORD (or a private key), SNOWFLAKE_DATABASE, …
 * const warehouse = await createSnowflakeWarehouse({ connection: snowflakeConnectionFromEnv() });
 * await warehouse.migrate();
 * const rows = await warehouse.query(`SELECT count(*) AS n FROM ${warehouse.qualify('raw_order_events')}`);
 * await warehouse.close();
 * ```
 *
 * @packageDocumentation
 */

export type { SnowflakeErrorCode } from './snowflake-error-codes.js';
export { SNOWFLAKE_ERROR_CODES, SNOWFLAKE_RETRYABLE_CODES } from './snowflake-error-codes.js';
export type {
  ResolvedSnowflakeWarehouseOptions,
  SnowflakeCommitContext,
  SnowflakeConnectionOptions,
  SnowflakeWarehouseOptions,
} from './warehouse/index.js';
export {
  createSnowflakeWarehouse,
  SNOWFLAKE_COLUMN_TYPES,
  SNOWFLAKE_ENV_VARIABLES,
  SNOWFLAKE_WAREHOUSE_DEFAULTS,
  SnowflakeWarehouse,
  snowflakeConnectionFromEnv,
  snowflakeConnectionOptionsSchema,
  snowflakeSchemaFromEnv,
  snowflakeWarehouseOptionsSchema,
} from './warehouse/index.js';
