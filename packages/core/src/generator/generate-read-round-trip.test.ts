import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CsvReject } from '../csv/csv-reject.js';
import { readOlistCsv } from '../csv/read-olist-csv.js';
import { OLIST_TABLE_KEYS, type OlistTableKey } from '../schema/olist-tables.js';
import { type GenerateOlistResult, generateOlistDataset } from './generate-olist-dataset.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'orderstream-round-trip-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function readAll(result: GenerateOlistResult) {
  const rows = {} as Record<OlistTableKey, number>;
  const rejects: CsvReject[] = [];
  for (const table of OLIST_TABLE_KEYS) {
    rows[table] = 0;
    for await (const batch of readOlistCsv(table, result.files[table].path)) {
      rows[table] += batch.rows.length;
      rejects.push(...batch.rejects);
    }
  }
  return { rows, rejects };
}

describe('generator → reader round trip', () => {
  it.each([
    ['without defects', false],
    ['with the real data defects', true],
  ])('reads every generated row back with zero rejects, %s', async (_, defects) => {
    const result = await generateOlistDataset({
      outDir: join(root, `clean-${defects}`),
      orders: 2000,
      seed: 11,
      defects,
    });
    const { rows, rejects } = await readAll(result);
    expect(rejects).toEqual([]);
    for (const table of OLIST_TABLE_KEYS) expect(rows[table], table).toBe(result.files[table].rows);
  });

  it('rejects exactly the injected malformed rows, at their file and line, and loses nothing else', async () => {
    const result = await generateOlistDataset({
      outDir: join(root, 'malformed'),
      orders: 2000,
      seed: 12,
      defects: true,
      malformedRows: 60,
    });
    const { rows, rejects } = await readAll(result);
    const where = (entry: { file: string; line: number }) => `${entry.file}:${entry.line}`;
    expect(rejects.map(where).sort()).toEqual(result.malformedRows.map(where).sort());
    for (const table of OLIST_TABLE_KEYS) expect(rows[table], table).toBe(result.files[table].rows);
    // Every kind was injected, and a field-level reject names the injected field.
    expect(new Set(result.malformedRows.map((row) => row.kind)).size).toBe(4);
    const byLine = new Map(rejects.map((reject) => [where(reject), reject]));
    for (const injected of result.malformedRows.filter((row) => row.kind === 'bad_id')) {
      expect(byLine.get(where(injected))?.field).toBe(injected.field);
    }
  });
});
