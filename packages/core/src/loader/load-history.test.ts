import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OLIST_TABLE_KEYS, OLIST_TABLES } from '../olist/olist-tables.js';
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
