import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CsvReject } from '../csv/csv-reject.js';
import { readOlistCsv } from '../csv/read-olist-csv.js';
import { isOrderstreamError, OrderstreamError } from '../errors/orderstream-error.js';
import { generateOlistDataset } from '../generator/generate-olist-dataset.js';
import { OLIST_TABLE_KEYS, OLIST_TABLES, type OlistTableKey } from '../schema/olist-tables.js';
import { columnBatchRows } from '../warehouse/column-batch.js';
import type { WarehouseRow } from '../warehouse/warehouse.js';
import {
  type FileReadEvent,
  type FileReadJob,
  postError,
  readFileColumns,
  rebuildError,
} from './file-read.js';
import { ReaderPool } from './reader-pool.js';
import { READ_AHEAD } from './reader-protocol.js';

let dir: string;
const path = (key: OlistTableKey) => join(dir, OLIST_TABLES[key].file);
const job = (key: OlistTableKey, extra: Partial<FileReadJob> = {}): FileReadJob => ({
  table: key,
  path: path(key),
  batchSize: 97,
  ...extra,
});

interface Collected {
  rows: WarehouseRow[];
  rejects: CsvReject[];
  ends: Exclude<FileReadEvent, { type: 'batch' }>[];
}

async function collect(key: OlistTableKey, events: AsyncIterable<FileReadEvent>): Promise<Collected> {
  const collected: Collected = { rows: [], rejects: [], ends: [] };
  for await (const event of events) {
    if (event.type === 'batch') {
      expect(event.batch.rowCount + event.rejects.length).toBeLessThanOrEqual(97);
      collected.rows.push(...columnBatchRows(event.batch, OLIST_TABLES[key]));
      collected.rejects.push(...event.rejects);
    } else {
      collected.ends.push(event);
    }
  }
  return collected;
}

async function expected(key: OlistTableKey) {
  const rows: WarehouseRow[] = [];
  const rejects: CsvReject[] = [];
  for await (const batch of readOlistCsv(key, path(key))) {
    rows.push(...(batch.rows as WarehouseRow[]));
    rejects.push(...batch.rejects);
  }
  const bytes = await readFile(path(key));
  return { rows, rejects, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

const code = (error: unknown) => (isOrderstreamError(error) ? error.code : String(error));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-reader-pool-'));
  await generateOlistDataset({ outDir: dir, orders: 150, seed: 11, defects: true, malformedRows: 40 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readFileColumns', () => {
  it('yields the rows and rejects readOlistCsv yields, then the size and SHA-256 of the file', async () => {
    let rejects = 0;
    for (const key of OLIST_TABLE_KEYS) {
      const want = await expected(key);
      const got = await collect(key, readFileColumns(job(key)));
      expect(got.rows).toEqual(want.rows);
      expect(got.rejects).toEqual(want.rejects);
      expect(got.ends).toEqual([{ type: 'done', size: want.size, sha256: want.sha256 }]);
      rejects += got.rejects.length;
    }
    expect(rejects).toBeGreaterThanOrEqual(40);
  });

  it('skips a file whose manifest size and hash match, and reads one whose hash does not', async () => {
    const { size, sha256, rows } = await expected('orders');
    const unchanged = await collect('orders', readFileColumns(job('orders', { known: { size, sha256 } })));
    expect(unchanged).toEqual({ rows: [], rejects: [], ends: [{ type: 'unchanged', size, sha256 }] });
    const changed = await collect(
      'orders',
      readFileColumns(job('orders', { known: { size, sha256: '0'.repeat(64) } })),
    );
    expect(changed.rows).toHaveLength(rows.length);
    expect(changed.ends).toEqual([{ type: 'done', size, sha256 }]);
  });

  it('raises CORE_FILE_NOT_FOUND and CORE_CSV_HEADER_MISMATCH as the reader does', async () => {
    await expect(
      collect('orders', readFileColumns(job('orders', { path: join(dir, 'nope.csv') }))),
    ).rejects.toSatisfy((error) => code(error) === 'CORE_FILE_NOT_FOUND');
    await expect(
      collect(
        'orders',
        readFileColumns(job('orders', { path: join(dir, 'nope.csv'), known: { size: 1, sha256: '' } })),
      ),
    ).rejects.toSatisfy((error) => code(error) === 'CORE_FILE_NOT_FOUND');
    await expect(
      collect('orders', readFileColumns(job('orders', { path: path('customers') }))),
    ).rejects.toSatisfy((error) => code(error) === 'CORE_CSV_HEADER_MISMATCH');
  });
});

describe('errors posted between threads', () => {
  it('keep their code, message and details, and anything else becomes CORE_READER_FAILED naming the file', () => {
    const posted = postError(
      new OrderstreamError('CORE_FILE_UNREADABLE', 'Cannot read x', { details: { path: 'x' } }),
    );
    const rebuilt = rebuildError(structuredClone(posted), 'x');
    expect([rebuilt.code, rebuilt.message, rebuilt.details]).toEqual([
      'CORE_FILE_UNREADABLE',
      'Cannot read x',
      { path: 'x' },
    ]);
    const foreign = rebuildError(structuredClone(postError(new TypeError('boom'))), '/data/orders.csv');
    expect(foreign.code).toBe('CORE_READER_FAILED');
    expect(foreign.message).toBe('Reading /data/orders.csv failed on a reader thread: TypeError: boom');
  });
});

describe('ReaderPool', () => {
  it('reads every file on worker threads into the same events as the calling thread', async () => {
    const pool = new ReaderPool(2);
    try {
      const reads = OLIST_TABLE_KEYS.map((key) => pool.read(job(key)));
      for (const [index, key] of OLIST_TABLE_KEYS.entries()) {
        const got = await collect(key, reads[index] as AsyncIterable<FileReadEvent>);
        expect(got).toEqual(await collect(key, readFileColumns(job(key))));
      }
    } finally {
      await pool.close();
    }
  });

  it('cancels a file the loader stops reading and goes on with the next ones', async () => {
    const pool = new ReaderPool(1);
    try {
      const first = pool.read(job('geolocation', { batchSize: 5 }));
      const second = pool.read(job('orders'));
      for await (const event of first) {
        expect(event.type).toBe('batch');
        break;
      }
      const got = await collect('orders', second);
      expect(got.rows).toEqual((await expected('orders')).rows);
    } finally {
      await pool.close();
    }
  });

  it('passes a file error on with its code, and fails what is left after close', async () => {
    const pool = new ReaderPool(1);
    const missing = pool.read(job('orders', { path: join(dir, 'missing.csv') }));
    const later = pool.read(job('orders'));
    await expect(collect('orders', missing)).rejects.toSatisfy(
      (error) => code(error) === 'CORE_FILE_NOT_FOUND',
    );
    await pool.close();
    await expect(collect('orders', later)).rejects.toSatisfy((error) => code(error) === 'CORE_READER_FAILED');
  });

  it('does not let a slow loader make a thread buffer a whole large file', async () => {
    const big = join(dir, 'big-geolocation.csv');
    const source = await readFile(path('geolocation'), 'utf8');
    const [header, ...lines] = source.trimEnd().split('\n');
    await writeFile(big, [header, ...Array.from({ length: 40 }, () => lines).flat()].join('\n'));
    const pool = new ReaderPool(1);
    try {
      const events = pool.read(job('geolocation', { path: big, batchSize: 10 }))[Symbol.asyncIterator]();
      await events.next();
      // The thread stops after its read-ahead window; the rest of the file waits for the loader.
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The file holds far more batches than that (40 copies of the rows, 10 per batch).
      expect(pool.buffered).toBeGreaterThanOrEqual(READ_AHEAD - 1);
      expect(pool.buffered).toBeLessThanOrEqual(READ_AHEAD);
      await events.return?.();
    } finally {
      await pool.close();
    }
  });
});
