import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenerateOlistResult } from '@orderstream/core';
import { generateOlistDataset, loadHistory, OLIST_TABLE_KEYS, OLIST_TABLES } from '@orderstream/core';
import type { DuckDbWarehouse } from '@orderstream/duckdb';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import type { SnowflakeWarehouse } from '@orderstream/snowflake';
import { createSnowflakeWarehouse } from '@orderstream/snowflake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, testBatching, testConnection, uniqueSchema } from './support/snowflake-kit.js';

describe('loadHistory into Snowflake through PUT + COPY INTO', () => {
  const schema = uniqueSchema('LOAD');
  let root: string;
  let dataset: GenerateOlistResult;
  let snowflake: SnowflakeWarehouse;
  let duckdb: DuckDbWarehouse;
  const clock = () => new Date('2026-11-25T12:00:00.000Z');

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'orderstream-snowflake-load-'));
    dataset = await generateOlistDataset({
      outDir: join(root, 'olist'),
      orders: 120,
      seed: 5,
      defects: true,
      malformedRows: 9,
    });
    snowflake = await createSnowflakeWarehouse({ connection: testConnection(), schema, ...testBatching });
    duckdb = await createDuckDbWarehouse({ path: ':memory:' });
  });
  afterAll(async () => {
    await snowflake.close();
    await duckdb.close();
    await dropSchema(schema);
    await rm(root, { recursive: true, force: true });
  });

  const counts = async (warehouse: SnowflakeWarehouse | DuckDbWarehouse) => {
    const result: Record<string, number> = {};
    for (const key of OLIST_TABLE_KEYS) {
      const table = OLIST_TABLES[key].name;
      const [row] = await warehouse.query<{ n: unknown }>(
        `select count(*) as n from ${warehouse.qualify(table)}`,
      );
      result[table] = Number(row?.n);
    }
    return result;
  };
  const rejects = async (warehouse: SnowflakeWarehouse | DuckDbWarehouse) =>
    (
      await warehouse.query<{ source_name: string; line: unknown; code: string }>(
        `select source_name, line, code from ${warehouse.qualify('raw_rejects')} order by source_name, line`,
      )
    ).map((row) => [row.source_name, Number(row.line), row.code]);

  it('lands the same per-table counts, rejects and money totals as DuckDB, and skips unchanged files', async () => {
    const onSnowflake = await loadHistory({ dataDir: dataset.outDir, warehouse: snowflake, clock });
    const onDuckDb = await loadHistory({ dataDir: dataset.outDir, warehouse: duckdb, clock });
    expect(onSnowflake.ok).toBe(true);
    expect(onSnowflake.tables.map((t) => [t.file, t.status, t.rows, t.rejects])).toEqual(
      onDuckDb.tables.map((t) => [t.file, t.status, t.rows, t.rejects]),
    );
    const snowflakeCounts = await counts(snowflake);
    expect(snowflakeCounts).toEqual(await counts(duckdb));
    expect(Object.values(snowflakeCounts).every((n) => n > 0)).toBe(true);
    expect(await rejects(snowflake)).toEqual(await rejects(duckdb));
    expect((await rejects(snowflake)).length).toBeGreaterThanOrEqual(dataset.malformedRows.length);

    const money = 'select sum(price) as p, sum(freight_value) as f from';
    expect(await snowflake.query(`${money} ${snowflake.qualify('olist_order_items')}`)).toEqual(
      await duckdb.query(`${money} ${duckdb.qualify('olist_order_items')}`),
    );
    const stamps = 'select min(order_purchase_timestamp) as lo, max(order_purchase_timestamp) as hi from';
    expect(await snowflake.query(`${stamps} ${snowflake.qualify('olist_orders')}`)).toEqual(
      await duckdb.query(`${stamps} ${duckdb.qualify('olist_orders')}`),
    );

    const again = await loadHistory({ dataDir: dataset.outDir, warehouse: snowflake, clock });
    expect(again.tables.every((t) => t.status === 'skipped')).toBe(true);
    const forced = await loadHistory({ dataDir: dataset.outDir, warehouse: snowflake, clock, force: true });
    expect(forced.tables.every((t) => t.status === 'loaded')).toBe(true);
    expect(await counts(snowflake)).toEqual(snowflakeCounts);
  });
});
