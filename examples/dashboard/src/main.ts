import { parseArgs } from 'node:util';
import type { Warehouse } from '@orderstream/core';
import { isOrderstreamError, resolveBusinessTimeZone } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { createDashboardServer } from './dashboard-server.js';

const USAGE = `Usage: dashboard --warehouse duckdb:PATH|snowflake[:SCHEMA] [--host 127.0.0.1] [--port 8501] [--poll-interval-ms 1000] [--time-zone America/Sao_Paulo]
  --time-zone: the business time zone of hours and days (IANA name; else ORDERSTREAM_TIME_ZONE, else America/Sao_Paulo).
  snowflake connects with the SNOWFLAKE_* environment; the schema is SCHEMA, else SNOWFLAKE_SCHEMA, else RAW.`;

/**
 * Opens the warehouse a `--warehouse` value names, or returns `undefined` for anything else.
 * DuckDB is migrated (a new file gets its tables); Snowflake is only read, so the dashboard needs
 * no DDL rights there — the pipeline creates the tables.
 */
async function openWarehouse(target: string): Promise<Warehouse | undefined> {
  if (target.startsWith('duckdb:') && target.length > 'duckdb:'.length) {
    const warehouse = await createDuckDbWarehouse({ path: target.slice('duckdb:'.length) });
    await warehouse.migrate();
    return warehouse;
  }
  if (target === 'snowflake' || target.startsWith('snowflake:')) {
    // Loaded on demand: snowflake-sdk is heavy and warns about the Node version at import time.
    const { createSnowflakeWarehouse, snowflakeConnectionFromEnv, snowflakeSchemaFromEnv } = await import(
      '@orderstream/snowflake'
    );
    const schema = target.slice('snowflake:'.length) || snowflakeSchemaFromEnv();
    return createSnowflakeWarehouse({
      connection: snowflakeConnectionFromEnv(),
      ...(schema ? { schema } : {}),
    });
  }
  return undefined;
}

/**
 * Runs the dashboard standalone against a DuckDB file or Snowflake until SIGINT/SIGTERM.
 *
 * @param argv - the command-line arguments after the script
 * @returns the process exit code
 */
export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      warehouse: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8501' },
      'poll-interval-ms': { type: 'string', default: '1000' },
      'time-zone': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  // Checked before the warehouse is opened: a typo fails fast with the name it did not know.
  const timeZone = resolveBusinessTimeZone(values['time-zone'], process.env);
  const warehouse = await openWarehouse(values.warehouse ?? '');
  if (warehouse === undefined) {
    console.error(`dashboard: --warehouse duckdb:PATH or snowflake[:SCHEMA] is required\n${USAGE}`);
    return 2;
  }
  const dashboard = await createDashboardServer({
    warehouse,
    host: values.host,
    port: Number(values.port),
    pollIntervalMs: Number(values['poll-interval-ms']),
    timeZone,
  });
  console.log(`dashboard: ${dashboard.url} (times in ${timeZone})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await dashboard.close();
  await warehouse.close();
  return 0;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(
        `dashboard: ${isOrderstreamError(error) ? `${error.code}: ${error.message}` : String(error)}`,
      );
      process.exitCode = 1;
    },
  );
}
