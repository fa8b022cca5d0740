import { randomBytes } from 'node:crypto';
import type { SnowflakeConnectionOptions, SnowflakeWarehouseOptions } from '@orderstream/snowflake';
import { SnowflakeWarehouse, snowflakeConnectionFromEnv } from '@orderstream/snowflake';
import { inject } from 'vitest';

/**
 * The URL of this worker's emulator from the global setup (files that run side by side use
 * emulators of their own); `''` when a real account is configured.
 */
export const accessUrl = ((urls: string[], worker: number) => urls[(worker - 1) % urls.length] ?? '')(
  inject('snowflakeAccessUrls'),
  Number(process.env.VITEST_POOL_ID ?? '1'),
);

/** Whether the suites run against the emulator (fakesnow) rather than a real account. */
export const onEmulator = accessUrl !== '';

/** The password the emulator suites log in with (the emulator accepts any). */
export const EMULATOR_PASSWORD = 'emulator-password-not-a-secret';

/** The connection of the suites: the emulator, or the real account of the `SNOWFLAKE_*` variables. */
export function testConnection(): SnowflakeConnectionOptions {
  if (!onEmulator) return snowflakeConnectionFromEnv();
  return {
    account: 'orderstream',
    username: 'orderstream',
    password: EMULATOR_PASSWORD,
    database: 'ORDERSTREAM_TEST',
    accessUrl,
  };
}

/**
 * Batching for the emulator: it runs each array-bound INSERT as one multi-row statement that it
 * parses and rewrites whole, which slows down on very big statements; ~3,000 bind values per
 * statement keeps it fast. A real account keeps the adapter's default.
 */
export const testBatching: Pick<SnowflakeWarehouseOptions, 'arrayBindingThreshold'> = onEmulator
  ? { arrayBindingThreshold: 3_000 }
  : {};

/** A schema name no other test uses, so tests are isolated without DROP DATABASE. */
export function uniqueSchema(prefix = 'T'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.toUpperCase();
}

/** Drops a test's schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const warehouse = new SnowflakeWarehouse({ connection: testConnection(), schema });
  try {
    // uniqueSchema() names are plain upper-case identifiers: quoting them is exact.
    await warehouse.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await warehouse.close();
  }
}
