import { execFile } from 'node:child_process';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { OLIST_TABLE_KEYS, OLIST_TABLES } from '@orderstream/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
const run = promisify(execFile);

/** Runs `orderstream <args>` from source, as `npx orderstream` does; never throws on a non-zero exit. */
async function orderstream(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=@orderstream/source', '--import', 'tsx', CLI, ...args],
      {
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const SELLER_ROWS = [
  '"3442f8959a84dea7ee197c632cb2df15",13023,campinas,SP',
  'd1b65fc7debc3361ea86b5f14c68d2e2,1384,mogi guacu,SP', // line 3: 4-digit zip
  'ce3ad9de960102d0677a81f5d0bb7b2d,13844,mogi guacu', // line 4: a field short
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-check-cli-'));
  for (const key of OLIST_TABLE_KEYS) {
    const { file, header } = OLIST_TABLES[key];
    const rows = key === 'sellers' ? SELLER_ROWS : [];
    await writeFile(join(dir, file), `${[header.join(','), ...rows].join('\n')}\n`);
  }
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('orderstream check', () => {
  it('exits 0 when every file is read, and says clearly that records were rejected, with line, field and reason', async () => {
    const { code, stdout } = await orderstream('check', '--data', dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/olist_sellers_dataset\.csv\s+3\s+1\s+2\s/);
    expect(stdout).toContain(
      'olist_sellers_dataset.csv: 2 rejected (CSV_INVALID_VALUE 1, CSV_COLUMN_COUNT 1)',
    );
    expect(stdout).toContain(
      'line 3: seller_zip_code_prefix: expected a 5-digit zip code prefix, found "1384" [CSV_INVALID_VALUE]',
    );
    expect(stdout).toContain('line 4: expected 4 fields, found 3 [CSV_COLUMN_COUNT]');
    expect(stdout).toContain('but 2 of 3 records were REJECTED');
  });

  it('exits 1 and names every missing or unreadable file', async () => {
    await unlink(join(dir, OLIST_TABLES.orders.file));
    await writeFile(join(dir, OLIST_TABLES.geolocation.file), 'zip,lat,lng,city,state\n');
    const { code, stdout } = await orderstream('check', '--data', dir);
    expect(code).toBe(1);
    expect(stdout).toMatch(/olist_orders_dataset\.csv\s+0\s+0\s+0\s+0 B\s+MISSING/);
    expect(stdout).toMatch(/olist_geolocation_dataset\.csv.*BAD HEADER/);
    expect(stdout).toContain('error CORE_FILE_NOT_FOUND');
    expect(stdout).toContain(
      'error CORE_CSV_HEADER_MISMATCH: ' +
        `${join(dir, OLIST_TABLES.geolocation.file)} has the header "zip,lat,lng,city,state"; expected the header ` +
        `"${OLIST_TABLES.geolocation.header.join(',')}"`,
    );
    expect(stdout).toContain('FAILED: 2 of 9 files missing, unreadable or with a wrong header');
  });

  it('prints the report as JSON with --json', async () => {
    const { code, stdout } = await orderstream('check', '--data', dir, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      ok: boolean;
      totals: { records: number; rows: number; rejects: number };
    };
    expect(report.ok).toBe(true);
    expect(report.totals).toMatchObject({ records: 3, rows: 1, rejects: 2 });
  });

  it('exits 1 with CORE_DATA_DIR_INVALID for a folder that does not exist', async () => {
    const { code, stderr } = await orderstream('check', '--data', join(dir, 'nope'));
    expect(code).toBe(1);
    expect(stderr).toContain('error CORE_DATA_DIR_INVALID');
  });
});
