import { appendFile, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadHistoryResult, OlistTableKey } from '@orderstream/core';
import {
  formatCents,
  generateOlistDataset,
  isOrderstreamError,
  loadHistory,
  OLIST_TABLE_KEYS,
  OLIST_TABLES,
} from '@orderstream/core';
import type { DuckDbWarehouse } from '@orderstream/duckdb';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OlistFixture } from './olist-fixture.js';
import { sumMoneyColumn, writeOlistFixture } from './olist-fixture.js';

describe('loadHistory into DuckDB', () => {
  let root: string;
  let fixture: OlistFixture;
  let warehouse: DuckDbWarehouse;
  const clock = () => new Date('2026-11-25T12:00:00.000Z');

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'orderstream-load-history-'));
    fixture = await writeOlistFixture(join(root, 'olist'), 60);
    warehouse = await createDuckDbWarehouse({ path: join(root, 'db', 'warehouse.duckdb') });
  });

  afterEach(async () => {
    await warehouse.close();
    await rm(root, { recursive: true, force: true });
  });

  const count = async (table: string): Promise<number> => {
    const [row] = await warehouse.query<{ n: number }>(
      `select count(*) as n from ${warehouse.qualify(table)}`,
    );
    return Number(row?.n);
  };
  const file = (key: OlistTableKey) => join(fixture.dir, OLIST_TABLES[key].file);
  const byFile = (result: LoadHistoryResult) =>
    Object.fromEntries(result.tables.map((entry) => [entry.file, entry]));

  it('loads every table: rows = file records − rejects, rejects quarantined, manifest written', async () => {
    const progress: number[] = [];
    const result = await loadHistory({
      dataDir: fixture.dir,
      warehouse,
      clock,
      batchSize: 16,
      onProgress: ({ bytesDone }) => progress.push(bytesDone),
    });
    expect(result.ok).toBe(true);
    expect(result.tables.map((entry) => entry.status)).toEqual(OLIST_TABLE_KEYS.map(() => 'loaded'));
    for (const key of OLIST_TABLE_KEYS) {
      const { name, file: fileName } = OLIST_TABLES[key];
      const expectedRows = fixture.records[key] - fixture.defects[key];
      expect(await count(name), name).toBe(expectedRows);
      const entry = byFile(result)[fileName];
      expect(entry?.rows, fileName).toBe(expectedRows);
      expect(entry?.rejects, fileName).toBe(fixture.defects[key]);
    }
    const rejects = await warehouse.query<{ source_name: string; line: number; code: string }>(
      `select source_name, line, code from ${warehouse.qualify('raw_rejects')} where source = ? order by source_name, line`,
      ['csv'],
    );
    expect(rejects).toEqual([
      { source_name: 'olist_geolocation_dataset.csv', line: 5, code: 'CSV_INVALID_VALUE' },
      { source_name: 'olist_order_items_dataset.csv', line: 4, code: 'CSV_COLUMN_COUNT' },
      { source_name: 'olist_order_payments_dataset.csv', line: 3, code: 'CSV_INVALID_VALUE' },
      {
        source_name: 'olist_order_payments_dataset.csv',
        line: fixture.records.orderPayments + 1,
        code: 'CSV_MISSING_VALUE',
      },
      { source_name: 'olist_orders_dataset.csv', line: 5, code: 'CSV_INVALID_VALUE' },
    ]);
    const manifest = await warehouse.query<{ file_name: string; sha256: string; loaded_at: Date }>(
      `select file_name, sha256, loaded_at from ${warehouse.qualify('load_manifest')} order by file_name`,
    );
    expect(manifest).toHaveLength(9);
    for (const entry of manifest) {
      expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(entry.loaded_at).toEqual(clock());
    }
    expect(progress.at(-1)).toBe(result.tables.reduce((sum, entry) => sum + entry.bytes, 0));
  });

  it('stores the same tables whether files are read on reader threads or on the calling thread', async () => {
    const snapshot = async (target: DuckDbWarehouse) => {
      const tables: Record<string, unknown[]> = {};
      for (const key of OLIST_TABLE_KEYS) {
        const { name } = OLIST_TABLES[key];
        tables[name] = await target.query(`select * from ${target.qualify(name)} order by all`);
      }
      tables.raw_rejects = await target.query(
        `select * exclude (rejected_at) from ${target.qualify('raw_rejects')} order by all`,
      );
      return tables;
    };
    const threaded = await loadHistory({ dataDir: fixture.dir, warehouse, clock, readers: 3, batchSize: 7 });
    const other = await createDuckDbWarehouse({ path: join(root, 'db', 'single-thread.duckdb') });
    try {
      const inline = await loadHistory({ dataDir: fixture.dir, warehouse: other, clock, readers: 0 });
      expect(inline.tables.map(({ seconds, ...entry }) => entry)).toEqual(
        threaded.tables.map(({ seconds, ...entry }) => entry),
      );
      const expected = await snapshot(other);
      expect(Object.values(expected).every((rows) => rows.length > 0)).toBe(true);
      expect(await snapshot(warehouse)).toEqual(expected);
    } finally {
      await other.close();
    }
  });

  it('sums payment_value, price and freight_value exactly to the cent (independent parser and read_csv)', async () => {
    await loadHistory({ dataDir: fixture.dir, warehouse, clock });
    const [sums] = await warehouse.query<{ payments: string; price: string; freight: string }>(
      `select (select sum(payment_value) from ${warehouse.qualify('olist_order_payments')}) as payments,
              (select sum(price) from ${warehouse.qualify('olist_order_items')}) as price,
              (select sum(freight_value) from ${warehouse.qualify('olist_order_items')}) as freight`,
    );
    const payments = sumMoneyColumn(await readFile(file('orderPayments'), 'utf8'), 'payment_value');
    const items = await readFile(file('orderItems'), 'utf8');
    expect(sums?.payments).toBe(formatCents(Number(payments.cents)));
    expect(sums?.price).toBe(formatCents(Number(sumMoneyColumn(items, 'price').cents)));
    expect(sums?.freight).toBe(formatCents(Number(sumMoneyColumn(items, 'freight_value').cents)));
    // DuckDB's own CSV reader over the same file, skipping the rows the loader quarantined.
    const [own] = await warehouse.query<{ total: string }>(
      `select sum(try_cast(payment_value as decimal(18,2))) as total
         from read_csv(?, header = true, all_varchar = true, null_padding = true)
        where regexp_full_match(payment_value, '\\d+(\\.\\d{1,2})?')`,
      [file('orderPayments')],
    );
    expect(own?.total).toBe(sums?.payments);
  });

  it('re-running on unchanged files changes nothing', async () => {
    await loadHistory({ dataDir: fixture.dir, warehouse, clock });
    const before = await warehouse.query(
      `select * from ${warehouse.qualify('load_manifest')} order by file_name`,
    );
    const later = () => new Date('2026-11-26T00:00:00.000Z');
    const again = await loadHistory({ dataDir: fixture.dir, warehouse, clock: later });
    expect(again.tables.map((entry) => entry.status)).toEqual(OLIST_TABLE_KEYS.map(() => 'skipped'));
    expect(again.tables.find((entry) => entry.table === 'olist_orders')?.rows).toBe(
      fixture.records.orders - fixture.defects.orders,
    );
    expect(
      await warehouse.query(`select * from ${warehouse.qualify('load_manifest')} order by file_name`),
    ).toEqual(before);
    expect(await count('olist_order_payments')).toBe(
      fixture.records.orderPayments - fixture.defects.orderPayments,
    );
    expect(await count('raw_rejects')).toBe(5);
  });

  it('a changed file replaces its table and its rejects, never duplicating', async () => {
    await loadHistory({ dataDir: fixture.dir, warehouse, clock });
    const text = await readFile(file('orderPayments'), 'utf8');
    // Drop both defective lines and add one payment.
    const kept = text
      .split('\n')
      .filter((line) => !line.endsWith(',12.345') && !line.endsWith(','))
      .join('\n');
    await writeFile(file('orderPayments'), `${kept.trimEnd()}\n${'1'.padEnd(32, 'f')},1,boleto,1,0.01\n`);
    const again = await loadHistory({ dataDir: fixture.dir, warehouse, clock });
    expect(byFile(again)['olist_order_payments_dataset.csv']?.status).toBe('loaded');
    expect(again.tables.filter((entry) => entry.status === 'loaded')).toHaveLength(1);
    const validBefore = fixture.records.orderPayments - fixture.defects.orderPayments;
    expect(await count('olist_order_payments')).toBe(validBefore + 1);
    const rejects = await warehouse.query<{ n: number }>(
      `select count(*) as n from ${warehouse.qualify('raw_rejects')} where source_name = ?`,
      ['olist_order_payments_dataset.csv'],
    );
    expect(Number(rejects[0]?.n)).toBe(0);
    expect(await count('raw_rejects')).toBe(3);
    const [sum] = await warehouse.query<{ total: string }>(
      `select sum(payment_value) as total from ${warehouse.qualify('olist_order_payments')}`,
    );
    expect(sum?.total).toBe(
      formatCents(
        Number(sumMoneyColumn(await readFile(file('orderPayments'), 'utf8'), 'payment_value').cents),
      ),
    );
  });

  it('reports a file with a wrong header as failed, names it and the expected header, and keeps its table', async () => {
    await loadHistory({ dataDir: fixture.dir, warehouse, clock });
    const text = await readFile(file('sellers'), 'utf8');
    await writeFile(file('sellers'), text.replace('seller_zip_code_prefix', 'seller_zip'));
    const result = await loadHistory({ dataDir: fixture.dir, warehouse, clock });
    expect(result.ok).toBe(false);
    const failed = byFile(result)['olist_sellers_dataset.csv'];
    expect(failed?.status).toBe('failed');
    expect(failed?.error?.code).toBe('CORE_CSV_HEADER_MISMATCH');
    expect(failed?.error?.message).toContain('olist_sellers_dataset.csv');
    expect(failed?.error?.message).toContain('seller_id,seller_zip_code_prefix,seller_city,seller_state');
    expect(await count('olist_sellers')).toBe(3);
    expect(result.tables.filter((entry) => entry.status === 'skipped')).toHaveLength(8);
  });

  it('names a missing file and loads nothing', async () => {
    await unlink(file('orderReviews'));
    const failing = loadHistory({ dataDir: fixture.dir, warehouse, clock });
    await expect(failing).rejects.toSatisfy(
      (error) =>
        isOrderstreamError(error) &&
        error.code === 'CORE_FILE_NOT_FOUND' &&
        error.message.includes('olist_order_reviews_dataset.csv'),
    );
    await warehouse.migrate();
    expect(await count('load_manifest')).toBe(0);
  });

  it('rejects a missing folder', async () => {
    const missing = join(root, 'no-such-folder');
    await expect(loadHistory({ dataDir: missing, warehouse })).rejects.toSatisfy(
      (error) =>
        isOrderstreamError(error) &&
        error.code === 'CORE_DATA_DIR_INVALID' &&
        error.message.includes(missing),
    );
  });

  it('stops on abort and leaves the table being loaded untouched', async () => {
    await loadHistory({ dataDir: fixture.dir, warehouse, clock });
    await appendFile(file('geolocation'), '20040,-22.9,-43.1,rio de janeiro,RJ\n');
    const controller = new AbortController();
    const failing = loadHistory({
      dataDir: fixture.dir,
      warehouse,
      clock,
      force: true,
      batchSize: 1,
      signal: controller.signal,
      onProgress: ({ table }) => {
        if (table === 'olist_geolocation') controller.abort(new Error('stop'));
      },
    });
    await expect(failing).rejects.toThrow('stop');
    expect(await count('olist_geolocation')).toBe(fixture.records.geolocation - fixture.defects.geolocation);
  });

  describe('on a generated data set', () => {
    it('loads the valid rows of every file and quarantines exactly the malformed lines', async () => {
      const generated = await generateOlistDataset({
        outDir: join(root, 'generated'),
        orders: 1_500,
        seed: 11,
        defects: true,
        malformedRows: 24,
      });
      const result = await loadHistory({ dataDir: generated.outDir, warehouse, clock });
      expect(result.ok).toBe(true);
      for (const key of OLIST_TABLE_KEYS) {
        const truth = generated.files[key];
        const entry = byFile(result)[OLIST_TABLES[key].file];
        expect(await count(OLIST_TABLES[key].name), key).toBe(truth.rows);
        expect(entry?.rows, key).toBe(truth.rows);
        expect(entry?.rejects, key).toBe(truth.malformedRows);
        expect(entry?.sha256, key).toBe(truth.sha256);
      }
      const rejected = await warehouse.query<{ source_name: string; line: number }>(
        `select source_name, line from ${warehouse.qualify('raw_rejects')} order by source_name, line`,
      );
      const expected = generated.malformedRows
        .map((row) => ({ source_name: row.file, line: row.line }))
        .sort((a, b) => a.source_name.localeCompare(b.source_name) || a.line - b.line);
      expect(rejected).toEqual(expected);
    });

    it('matches DuckDB read_csv sums of payment_value, price and freight_value to the cent', async () => {
      const generated = await generateOlistDataset({
        outDir: join(root, 'clean'),
        orders: 3_000,
        seed: 5,
        defects: true,
      });
      await loadHistory({ dataDir: generated.outDir, warehouse, clock });
      const [loaded] = await warehouse.query<{ payments: string; price: string; freight: string }>(
        `select (select sum(payment_value) from ${warehouse.qualify('olist_order_payments')}) as payments,
                (select sum(price) from ${warehouse.qualify('olist_order_items')}) as price,
                (select sum(freight_value) from ${warehouse.qualify('olist_order_items')}) as freight`,
      );
      const [own] = await warehouse.query<{ payments: string; price: string; freight: string }>(
        `select (select sum(cast(payment_value as decimal(18,2))) from read_csv(?, header = true, all_varchar = true)) as payments,
                (select sum(cast(price as decimal(18,2))) from read_csv(?, header = true, all_varchar = true)) as price,
                (select sum(cast(freight_value as decimal(18,2))) from read_csv(?, header = true, all_varchar = true)) as freight`,
        [
          generated.files.orderPayments.path,
          generated.files.orderItems.path,
          generated.files.orderItems.path,
        ],
      );
      expect(loaded).toEqual(own);
      expect(Number(loaded?.payments)).toBeGreaterThan(0);
    });
  });
});
