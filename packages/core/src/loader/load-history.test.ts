import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOlistDataset } from '../generator/generate-olist-dataset.js';
import { OLIST_TABLE_KEYS, OLIST_TABLES } from '../schema/olist-tables.js';
import { isColumnBatch } from '../warehouse/column-batch.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { loadHistory } from './load-history.js';

/** A warehouse that fails the test if the loader touches it. */
const untouchable = new Proxy({} as Warehouse, {
  get: (_, member) => {
    if (member === 'replaceTable') return () => Promise.reject(new Error('the warehouse must not be used'));
    if (typeof member === 'string') {
      return () => {
        throw new Error(`the warehouse must not be used (called ${member})`);
      };
    }
    return undefined;
  },
});

describe('loadHistory preconditions', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderstream-load-pre-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects invalid options with CORE_INVALID_OPTIONS naming the field', async () => {
    await expect(
      loadHistory({ dataDir: dir, warehouse: {} as Warehouse, batchSize: 0 } as Parameters<
        typeof loadHistory
      >[0]),
    ).rejects.toMatchObject({ code: 'CORE_INVALID_OPTIONS', message: expect.stringContaining('warehouse') });
  });

  it('names every missing file and touches no warehouse', async () => {
    const present = OLIST_TABLE_KEYS.slice(0, 7);
    for (const key of present)
      await writeFile(join(dir, OLIST_TABLES[key].file), `${OLIST_TABLES[key].header.join(',')}\n`);
    const error = await loadHistory({ dataDir: dir, warehouse: untouchable }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({
      code: 'CORE_FILE_NOT_FOUND',
      details: { missing: ['olist_order_payments_dataset.csv', 'olist_order_reviews_dataset.csv'] },
    });
    expect((error as Error).message).toContain(
      'olist_order_payments_dataset.csv, olist_order_reviews_dataset.csv',
    );
  });

  it('rejects a data folder that is a file', async () => {
    const file = join(dir, 'not-a-folder.csv');
    await writeFile(file, 'x');
    await expect(loadHistory({ dataDir: file, warehouse: untouchable })).rejects.toMatchObject({
      code: 'CORE_DATA_DIR_INVALID',
      message: expect.stringContaining('it is not a folder'),
    });
  });

  it('stops before reading when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(
      loadHistory({ dataDir: dir, warehouse: untouchable, signal: controller.signal }),
    ).rejects.toThrow('cancelled');
  });
});

describe('loadHistory scheduling', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderstream-load-order-'));
    await generateOlistDataset({ outDir: dir, orders: 30, seed: 3 });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A warehouse that keeps nothing but the calls; `hold` decides when a replacement may finish. */
  function recorder(hold: (table: string, finished: readonly string[]) => Promise<void>) {
    const finished: string[] = [];
    let running = 0;
    let most = 0;
    const warehouse: Warehouse = {
      dialect: 'memory',
      migrate: async () => undefined,
      qualify: (table) => table,
      write: async () => undefined,
      writeWithOffsets: async () => undefined,
      readOffsets: async () => [],
      query: async () => [],
      close: async () => undefined,
      async replaceTable(table, batches) {
        running += 1;
        most = Math.max(most, running);
        try {
          let rows = 0;
          for await (const batch of batches) rows += isColumnBatch(batch) ? batch.rowCount : batch.length;
          await hold(table, finished);
          finished.push(table);
          return { rows };
        } finally {
          running -= 1;
        }
      },
    };
    return { warehouse, finished, most: () => most };
  }

  it('loads two files at once: small files go on while a large one is still loading', async () => {
    const geolocation = OLIST_TABLES.geolocation.name;
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { warehouse, finished, most } = recorder(async (table, done) => {
      if (table === geolocation) await released;
      // Geolocation (the second file) finishes only once three files after it have.
      if (done.length === 4) release();
    });
    const result = await loadHistory({ dataDir: dir, warehouse, readers: 0 });
    expect(result.ok).toBe(true);
    expect(most()).toBe(2);
    expect(finished.indexOf(geolocation)).toBeGreaterThan(3);
    // Reported in the files' order all the same.
    expect(result.tables.map((entry) => entry.file)).toEqual(
      OLIST_TABLE_KEYS.map((key) => OLIST_TABLES[key].file),
    );
  });

  it('checkpoints the warehouse once, after every file has started and before it returns', async () => {
    const { warehouse, finished } = recorder(async () => undefined);
    const seen: number[] = [];
    let done = false;
    warehouse.checkpoint = async () => {
      seen.push(finished.length);
      await new Promise((resolve) => setTimeout(resolve, 20));
      done = true;
    };
    const result = await loadHistory({ dataDir: dir, warehouse, readers: 0 });
    expect(result.ok).toBe(true);
    expect(done).toBe(true);
    // At least seven of the nine files had finished when it was called (two may still load).
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThanOrEqual(7);
  });

  it('fails when the checkpoint fails', async () => {
    const { warehouse } = recorder(async () => undefined);
    warehouse.checkpoint = () => Promise.reject(new Error('no room for the checkpoint'));
    await expect(loadHistory({ dataDir: dir, warehouse, readers: 0 })).rejects.toThrow(
      'no room for the checkpoint',
    );
  });

  it('fails with a warehouse error only once the file loading beside it has finished', async () => {
    let sideFinished = false;
    const { warehouse } = recorder(async (table) => {
      if (table === OLIST_TABLES.geolocation.name) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        sideFinished = true;
      }
      if (table === OLIST_TABLES.customers.name) throw new Error('the warehouse is gone');
    });
    await expect(loadHistory({ dataDir: dir, warehouse, readers: 0 })).rejects.toThrow(
      'the warehouse is gone',
    );
    expect(sideFinished).toBe(true);
  });
});
