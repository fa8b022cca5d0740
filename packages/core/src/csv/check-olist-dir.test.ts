import { appendFile, cp, mkdtemp, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OLIST_TABLE_KEYS, OLIST_TABLES } from '../schema/olist-tables.js';
import { checkOlistDir } from './check-olist-dir.js';
import type { CheckOlistDirProgress } from './options.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/olist', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-check-'));
  await cp(FIXTURES, dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkOlistDir', () => {
  it('reads the nine files and accounts for every record, reporting progress up to the total bytes', async () => {
    const progress: CheckOlistDirProgress[] = [];
    const report = await checkOlistDir(dir, { onProgress: (p) => progress.push(p) });
    expect(report.ok).toBe(true);
    expect(report.files.map((file) => file.table)).toEqual(OLIST_TABLE_KEYS);
    for (const file of report.files) {
      expect(file).toMatchObject({ records: 2, rows: 2, rejects: 0, firstRejects: [], rejectsByCode: {} });
      expect(file.bytes).toBe((await stat(join(dir, file.file))).size);
      expect(file.error).toBeUndefined();
    }
    expect(report.totals).toEqual({
      records: 18,
      rows: 18,
      rejects: 0,
      bytes: report.files.reduce((sum, file) => sum + file.bytes, 0),
    });
    const last = progress.at(-1);
    expect(last).toMatchObject({
      bytesDone: report.totals.bytes,
      bytesTotal: report.totals.bytes,
      recordsDone: 18,
    });
    expect(progress.map((p) => p.bytesDone)).toEqual(
      [...progress.map((p) => p.bytesDone)].sort((a, b) => a - b),
    );
  });

  it('reports missing, wrongly-headed files and rejects per file without stopping, and is not ok', async () => {
    await unlink(join(dir, OLIST_TABLES.orders.file));
    await writeFile(join(dir, OLIST_TABLES.sellers.file), 'id,zip,city,state\n');
    await appendFile(
      join(dir, OLIST_TABLES.customers.file),
      [
        'b2b6027bc5c5109e529d4dc6358b12c3,290c77bc529b7ac935b93aa66c333dc3,0979,x,SP',
        'b2b6027bc5c5109e529d4dc6358b12c3,290c77bc529b7ac935b93aa66c333dc3,09790,x',
        'b2b6027bc5c5109e529d4dc6358b12c3,290c77bc529b7ac935b93aa66c333dc3,09790,,SP',
        '',
      ].join('\n'),
    );
    const report = await checkOlistDir(dir, { keepRejects: 2 });
    expect(report.ok).toBe(false);
    const byTable = Object.fromEntries(report.files.map((file) => [file.table, file]));
    expect(byTable.orders?.error?.code).toBe('CORE_FILE_NOT_FOUND');
    expect(byTable.orders?.error?.message).toContain(OLIST_TABLES.orders.file);
    expect(byTable.orders).toMatchObject({ records: 0, bytes: 0 });
    expect(byTable.sellers?.error?.code).toBe('CORE_CSV_HEADER_MISMATCH');
    expect(byTable.customers).toMatchObject({
      records: 5,
      rows: 2,
      rejects: 3,
      rejectsByCode: { CSV_INVALID_VALUE: 1, CSV_COLUMN_COUNT: 1, CSV_MISSING_VALUE: 1 },
    });
    expect(byTable.customers?.firstRejects.map((reject) => [reject.line, reject.field])).toEqual([
      [4, 'customer_zip_code_prefix'],
      [5, null],
    ]);
    expect(byTable.orderItems).toMatchObject({ rows: 2, rejects: 0 });
    expect(report.totals).toMatchObject({ records: 17, rows: 14, rejects: 3 });
  });

  it('throws CORE_DATA_DIR_INVALID for a missing folder or a file given as the folder', async () => {
    await expect(checkOlistDir(join(dir, 'nope'))).rejects.toMatchObject({ code: 'CORE_DATA_DIR_INVALID' });
    await expect(checkOlistDir(join(dir, OLIST_TABLES.orders.file))).rejects.toMatchObject({
      code: 'CORE_DATA_DIR_INVALID',
    });
  });
});
