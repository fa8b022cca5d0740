import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll } from 'vitest';
import type { OlistTableKey } from '../schema/olist-tables.js';
import { type GenerateOlistResult, generateOlistDataset } from './generate-olist-dataset.js';

/** A parsed CSV row, by header. */
export type Row = Record<string, string>;

/** The folder of the generated data sets (live bindings: set once the `beforeAll` of {@link useGeneratedDatasets} ran). */
export let root: string;
/** The data set generated without defects. */
export let plain: GenerateOlistResult;
/** The same data set generated with defects. */
export let withDefects: GenerateOlistResult;
/** The number of orders of both data sets. */
export const ORDERS = 4000;

const parsed = new Map<string, Promise<Row[]>>();

/** The rows of a generated file, parsed once per file by csv-parse (not by the code under test). */
export function readTable(result: GenerateOlistResult, table: OlistTableKey): Promise<Row[]> {
  const path = result.files[table].path;
  let rows = parsed.get(path);
  if (rows === undefined) {
    rows = readFile(path).then((text) => parse(text, { columns: true, bom: true }) as Row[]);
    parsed.set(path, rows);
  }
  return rows;
}

/** The text of a generated file. */
export async function readText(result: GenerateOlistResult, table: OlistTableKey): Promise<string> {
  return readFile(result.files[table].path, 'utf8');
}

/** An Olist timestamp in milliseconds (read as UTC). */
export const ms = (timestamp: string): number => Date.parse(`${timestamp.replace(' ', 'T')}Z`);
/** The share of rows matching the predicate. */
export const share = (rows: readonly unknown[], predicate: (row: never) => boolean): number =>
  rows.filter(predicate as (row: unknown) => boolean).length / rows.length;

/** Generates {@link plain} and {@link withDefects} (seed 7) before the calling file's tests, and removes them after. */
export function useGeneratedDatasets(): void {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'orderstream-generator-'));
    plain = await generateOlistDataset({ outDir: join(root, 'plain'), orders: ORDERS, seed: 7 });
    withDefects = await generateOlistDataset({
      outDir: join(root, 'defects'),
      orders: ORDERS,
      seed: 7,
      defects: true,
    });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
}
