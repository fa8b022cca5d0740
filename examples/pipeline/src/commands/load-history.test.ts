import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOlistDataset, type LoadHistoryResult, OLIST_TABLES } from '@orderstream/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatLoadSummary } from '../actions/load-history.js';
import { createProgram } from '../cli.js';

describe('orderstream load-history', () => {
  let dir: string;
  let output: string[];
  let errors: string[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderstream-cli-load-'));
    output = [];
    errors = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void output.push(args.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    process.exitCode = undefined;
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) =>
    createProgram().parseAsync(['node', 'orderstream', 'load-history', ...args]);

  it('loads a folder, prints the summary, then skips unchanged files; a wrong header exits with 1', async () => {
    const data = join(dir, 'olist');
    const generated = await generateOlistDataset({ outDir: data, orders: 300, seed: 3, malformedRows: 4 });
    const db = `duckdb:${join(dir, 'w.duckdb')}`;

    await run('--data', data, '--warehouse', db);
    expect(process.exitCode ?? 0).toBe(0);
    const summary = output.join('\n');
    expect(summary).toMatch(/^file\s+rows\s+rejects\s+status\s+seconds$/m);
    const orders = generated.files.orders;
    expect(summary).toMatch(
      new RegExp(
        `^olist_orders_dataset\\.csv\\s+${orders.rows}\\s+${orders.malformedRows}\\s+loaded\\s`,
        'm',
      ),
    );
    expect(summary).toMatch(new RegExp(`^total\\s+${generated.totalRows}\\s+4\\s+ok\\s`, 'm'));

    output = [];
    await run('--data', data, '--warehouse', db);
    expect(output.join('\n').match(/\bskipped\b/g)).toHaveLength(9);

    const sellers = join(data, OLIST_TABLES.sellers.file);
    await writeFile(sellers, (await readFile(sellers, 'utf8')).replace('seller_city', 'city'));
    output = [];
    await run('--data', data, '--warehouse', db);
    expect(process.exitCode).toBe(1);
    expect(output.join('\n')).toMatch(/^olist_sellers_dataset\.csv\s+0\s+0\s+failed\s/m);
    expect(output.join('\n')).toContain('error CORE_CSV_HEADER_MISMATCH');
  });

  it('exits with 2 (a user error) and names the folder when it does not exist, before opening the warehouse', async () => {
    const missing = join(dir, 'missing');
    await run('--data', missing, '--warehouse', `duckdb:${join(dir, 'w.duckdb')}`);
    expect(process.exitCode).toBe(2);
    expect(errors).toEqual([
      expect.stringMatching(`^error CLI_PATH_NOT_FOUND: --data ${missing}: no such folder — fix: `),
    ]);
    expect(existsSync(join(dir, 'w.duckdb'))).toBe(false);
  });

  it('exits with 2 for an unknown warehouse scheme, in one line with the fix', async () => {
    await run('--data', dir, '--warehouse', 'oracle:x');
    expect(process.exitCode).toBe(2);
    expect(errors).toEqual([expect.stringMatching(/^error CLI_WAREHOUSE_INVALID: .* — fix: pass duckdb, /)]);
  });
});

describe('formatLoadSummary', () => {
  const entry = (file: string, seconds: number) => ({
    file,
    table: file.replace('.csv', ''),
    status: 'loaded' as const,
    rows: 10,
    rejects: 1,
    bytes: 100,
    sha256: 'ab',
    seconds,
  });

  it("totals rows and rejects, and gives the load's wall time (files overlap: not the sum of theirs)", () => {
    const result: LoadHistoryResult = {
      dataDir: 'data',
      tables: [entry('a.csv', 1.5), entry('b.csv', 1.25)],
      ok: true,
      seconds: 1.75,
    };
    const lines = formatLoadSummary(result).split('\n');
    expect(lines[0]).toMatch(/^file\s+rows\s+rejects\s+status\s+seconds$/);
    expect(lines.at(-1)).toMatch(/^total\s+20\s+2\s+ok\s+1\.75$/);
  });

  it('marks a failed load and lists the errors under the table', () => {
    const failed = {
      ...entry('b.csv', 0.1),
      status: 'failed' as const,
      rows: 0,
      rejects: 0,
      error: { code: 'CORE_CSV_HEADER_MISMATCH', message: 'b.csv has the header "x"' },
    };
    const text = formatLoadSummary({
      dataDir: 'data',
      tables: [entry('a.csv', 1), failed],
      ok: false,
      seconds: 1.2,
    });
    expect(text).toMatch(/total\s+10\s+1\s+FAILED\s+1\.20/);
    expect(text).toContain('error CORE_CSV_HEADER_MISMATCH: b.csv has the header "x"');
  });
});
