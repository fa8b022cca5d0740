import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { isOrderstreamError, type OrderstreamError } from '../errors/orderstream-error.js';
import type { OlistTableKey } from '../schema/olist-tables.js';
import type { CsvReject } from './csv-reject.js';
import { type OlistRow, readOlistCsv } from './read-olist-csv.js';

/** The sellers file's header. */
export const SELLERS = 'seller_id,seller_zip_code_prefix,seller_city,seller_state';
/** The reviews file's header. */
export const REVIEWS =
  'review_id,order_id,review_score,review_comment_title,review_comment_message,review_creation_date,review_answer_timestamp';
/** Olist-shaped ids. */
export const ID_A = '3442f8959a84dea7ee197c632cb2df15';
export const ID_B = 'd1b65fc7debc3361ea86b5f14c68d2e2';
export const ID_C = 'ce3ad9de960102d0677a81f5d0bb7b2d';
/** An Olist timestamp. */
export const TS = '2018-01-18 00:00:00';

/** The temporary folder of {@link useCsvDir} (a live binding: set once its `beforeAll` ran). */
export let dir: string;
/** Gives the calling test file a temporary folder for {@link writeCsv}, removed after its tests. */
export function useCsvDir(): void {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderstream-csv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
}

let fileNo = 0;
/** Writes a new CSV file into the folder of {@link useCsvDir}; returns its path. */
export async function writeCsv(content: string | Buffer): Promise<string> {
  fileNo += 1;
  const path = join(dir, `f${fileNo}.csv`);
  await writeFile(path, content);
  return path;
}

/** Everything one read yielded. */
export interface ReadResult<K extends OlistTableKey> {
  rows: OlistRow<K>[];
  rejects: CsvReject[];
  batches: number;
  bytesRead: number;
}

/** Writes `content` to a file and reads it to the end. */
export async function readAll<K extends OlistTableKey>(
  table: K,
  content: string | Buffer,
  options: { batchSize?: number; maxRecordLength?: number } = {},
): Promise<ReadResult<K>> {
  const path = await writeCsv(content);
  const result: ReadResult<K> = { rows: [], rejects: [], batches: 0, bytesRead: 0 };
  for await (const batch of readOlistCsv(table, path, options)) {
    result.rows.push(...batch.rows);
    result.rejects.push(...batch.rejects);
    result.batches += 1;
    result.bytesRead = batch.bytesRead;
  }
  return result;
}

/** Reads the file to the end and returns the `OrderstreamError` the read fails with. */
export async function readError(table: OlistTableKey, path: string): Promise<OrderstreamError> {
  try {
    for await (const _ of readOlistCsv(table, path)) {
      // drain
    }
  } catch (error) {
    if (isOrderstreamError(error)) return error;
    throw error;
  }
  throw new Error('expected the read to fail');
}

/** Asserts the reader's invariant against the number of records the fixture was written with. */
export function expectAllAccountedFor(result: ReadResult<OlistTableKey>, records: number): void {
  expect(result.rows.length + result.rejects.length).toBe(records);
}

/** The lines joined with LF, ending with one. */
export const lines = (...values: string[]) => `${values.join('\n')}\n`;
