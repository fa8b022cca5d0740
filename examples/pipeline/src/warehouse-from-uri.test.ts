import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { warehouseFromUri } from './warehouse-from-uri.js';
import { parseWarehouseUri } from './warehouse-uri.js';

describe('parseWarehouseUri', () => {
  it('splits at the first colon only, so paths may hold colons', () => {
    expect(parseWarehouseUri('duckdb')).toEqual({ scheme: 'duckdb', target: undefined });
    expect(parseWarehouseUri('duckdb:')).toEqual({ scheme: 'duckdb', target: undefined });
    expect(parseWarehouseUri('DuckDB:./data/x.duckdb')).toEqual({
      scheme: 'duckdb',
      target: './data/x.duckdb',
    });
    expect(parseWarehouseUri('duckdb::memory:')).toEqual({ scheme: 'duckdb', target: ':memory:' });
    expect(parseWarehouseUri('duckdb:C:\\data\\x.duckdb')).toEqual({
      scheme: 'duckdb',
      target: 'C:\\data\\x.duckdb',
    });
  });
});

describe('warehouseFromUri', () => {
  it('opens DuckDB at the given path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orderstream-uri-'));
    try {
      const warehouse = await warehouseFromUri(`duckdb:${join(dir, 'w.duckdb')}`);
      expect(warehouse.dialect).toBe('duckdb');
      await warehouse.close();
      expect((await stat(join(dir, 'w.duckdb'))).isFile()).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('opens Snowflake from the SNOWFLAKE_* environment, validating it before connecting', async () => {
    const saved = { ...process.env };
    for (const name of Object.keys(process.env)) if (name.startsWith('SNOWFLAKE_')) delete process.env[name];
    process.env.SNOWFLAKE_USER = 'loader';
    process.env.SNOWFLAKE_PASSWORD = 'pw-from-env-not-in-errors';
    try {
      const failing = warehouseFromUri('snowflake:RAW_DEV');
      await expect(failing).rejects.toMatchObject({
        code: 'CORE_INVALID_OPTIONS',
        message: expect.stringContaining('connection.account'),
      });
      const error = await failing.catch((caught: unknown) => caught);
      expect(
        JSON.stringify([(error as Error).message, (error as { details: unknown }).details]),
      ).not.toContain('pw-from-env-not-in-errors');
    } finally {
      process.env = saved;
    }
  });

  it('rejects an unknown scheme, listing the known ones', async () => {
    await expect(warehouseFromUri('postgres://x')).rejects.toMatchObject({
      code: 'CORE_INVALID_OPTIONS',
      message: expect.stringContaining('duckdb:PATH'),
    });
  });
});
