import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateOlistDataset, OLIST_TABLE_KEYS } from '@orderstream/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-generate-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('orderstream generate', () => {
  it('writes the same files as the API for the same options, prints a summary and writes the ground truth', async () => {
    const out = join(dir, 'cli');
    const truth = join(dir, 'truth.json');
    const { stdout } = await run(
      process.execPath,
      [
        '--conditions=@orderstream/source',
        '--import',
        'tsx',
        CLI,
        'generate',
        '--out',
        out,
        '--orders',
        '300',
        '--seed',
        '5',
        '--defects',
        '--malformed',
        '6',
        '--truth',
        truth,
      ],
      { env: { ...process.env, NO_COLOR: '1' } },
    );
    const api = await generateOlistDataset({
      outDir: join(dir, 'api'),
      orders: 300,
      seed: 5,
      defects: true,
      malformedRows: 6,
    });
    for (const table of OLIST_TABLE_KEYS) expect(stdout).toContain(api.files[table].sha256.slice(0, 16));
    expect(stdout).toMatch(/olist_orders_dataset\.csv\s+300\s/);
    expect(stdout).toContain('Generated 300 orders (seed 5)');
    expect(stdout).toContain('with 6 malformed rows');
    const written = JSON.parse(await readFile(truth, 'utf8')) as {
      malformedRows: unknown[];
      defects: unknown;
    };
    expect(written.malformedRows).toEqual(api.malformedRows);
    expect(written.defects).toEqual(api.defects);
  });
});
