import type { RetryLogger, Warehouse } from '@orderstream/core';
import { OrderstreamError } from '@orderstream/core';
import {
  DEFAULT_WAREHOUSE_URI,
  isWarehouseScheme,
  parseWarehouseUri,
  WAREHOUSE_SCHEMES,
  WAREHOUSE_USAGE,
  type WarehouseScheme,
} from './warehouse-uri.js';

/** How a command wants its warehouse opened. */
export interface WarehouseOpenOptions {
  /** Receives one line per retried failure (a login, a statement) with its backoff. */
  readonly log?: RetryLogger;
  /** How long one warehouse operation keeps retrying transient failures, in milliseconds. */
  readonly retryDeadlineMs?: number;
}

/** Opens a warehouse from the part of the URI after the scheme (`undefined` when there is none). */
type WarehouseOpener = (target: string | undefined, options: WarehouseOpenOptions) => Promise<Warehouse>;

/**
 * The engines `--warehouse` knows. To add one, add its scheme to `WAREHOUSE_SCHEMES`
 * (warehouse-uri.ts) and its opener here: it receives what follows `scheme:` (or `undefined`). Keep secrets out of the URI: an engine that
 * needs credentials reads them from its own environment variables.
 */
const OPENERS: Readonly<Record<WarehouseScheme, WarehouseOpener>> = {
  // `duckdb` opens ./data/orderstream.duckdb; `duckdb:PATH` opens PATH (`duckdb::memory:` for memory).
  // Loaded on demand, like snowflake: a CLI that only checks its options need not load DuckDB.
  duckdb: async (target) => {
    const { createDuckDbWarehouse } = await import('@orderstream/duckdb');
    return createDuckDbWarehouse(target ? { path: target } : {});
  },
  // `snowflake` connects with the SNOWFLAKE_* environment (account, user, password or key pair,
  // role, warehouse, database, SNOWFLAKE_ACCESS_URL for an emulator); `snowflake:SCHEMA` picks the
  // RAW schema, else SNOWFLAKE_SCHEMA, else RAW.
  // Loaded on demand: snowflake-sdk is heavy and warns about the Node version at import time.
  snowflake: async (target, { log, retryDeadlineMs }) => {
    const { createSnowflakeWarehouse, snowflakeConnectionFromEnv, snowflakeSchemaFromEnv } = await import(
      '@orderstream/snowflake'
    );
    const schema = target ?? snowflakeSchemaFromEnv();
    return createSnowflakeWarehouse({
      connection: snowflakeConnectionFromEnv(),
      ...(schema ? { schema } : {}),
      ...(log ? { log } : {}),
      ...(retryDeadlineMs === undefined ? {} : { retryDeadlineMs }),
    });
  },
};

/**
 * Opens the warehouse a `--warehouse` value names.
 *
 * @param uri - `duckdb`, `duckdb:PATH`, `snowflake` (SNOWFLAKE_* environment) or `snowflake:SCHEMA`
 * @param options - where retried failures are logged
 * @returns the open warehouse (not yet migrated)
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for an unknown scheme, and the engine's open errors
 */
export function warehouseFromUri(
  uri: string = DEFAULT_WAREHOUSE_URI,
  options: WarehouseOpenOptions = {},
): Promise<Warehouse> {
  const { scheme, target } = parseWarehouseUri(uri);
  if (!isWarehouseScheme(scheme)) {
    return Promise.reject(
      new OrderstreamError(
        'CORE_INVALID_OPTIONS',
        `Unknown warehouse "${scheme}" in --warehouse ${uri}; expected one of: ${WAREHOUSE_SCHEMES.map(
          (known) => WAREHOUSE_USAGE[known],
        ).join(', ')}`,
        { details: { scheme, known: WAREHOUSE_SCHEMES } },
      ),
    );
  }
  return OPENERS[scheme](target, options);
}
