import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOrderstreamError, type TableDefinition } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** A one-column text table, for the tests of replacements side by side. */
const notes = (name: string): TableDefinition => ({
  name,
  key: [],
  columns: [{ name: 'note', type: 'text', nullable: false }],
});

/** A promise and the function that resolves it (Node 20 has no `Promise.withResolvers`). */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('DuckDbWarehouse', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderstream-duckdb-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces two tables side by side (one waits for the other to finish), and a write meanwhile', async () => {
    const path = join(dir, 'side.duckdb');
    const warehouse = await createDuckDbWarehouse({ path, tables: { a: notes('a'), b: notes('b') } });
    await warehouse.migrate();
    const { promise: bFinished, resolve: bDone } = deferred();
    // A's source holds its transaction open until B has committed: one after the other, this
    // would never finish.
    async function* slowA() {
      yield [{ note: 'a1' }];
      await bFinished;
      yield [{ note: 'a2' }];
    }
    async function* quickB() {
      yield [{ note: 'b1' }];
    }
    const a = warehouse.replaceTable('a', slowA());
    const b = warehouse.replaceTable('b', quickB()).then((result) => {
      bDone();
      return result;
    });
    expect(await b).toEqual({ rows: 1 });
    // The writer's connection is free too.
    await warehouse.write([{ table: 'b', rows: [{ note: 'b2' }], mode: 'append' }]);
    expect(await a).toEqual({ rows: 2 });
    expect(await warehouse.query(`select note from ${warehouse.qualify('a')} order by note`)).toEqual([
      { note: 'a1' },
      { note: 'a2' },
    ]);
    expect(await warehouse.query(`select note from ${warehouse.qualify('b')} order by note`)).toEqual([
      { note: 'b1' },
      { note: 'b2' },
    ]);
    await warehouse.close();
  });

  it('fails the second of two replacements of the same table at once, and keeps the first', async () => {
    const path = join(dir, 'same.duckdb');
    const warehouse = await createDuckDbWarehouse({ path, tables: { a: notes('a') } });
    await warehouse.migrate();
    await warehouse.replaceTable(
      'a',
      (async function* () {
        yield [{ note: 'old' }];
      })(),
    );
    const { promise: released, resolve: release } = deferred();
    const { promise: firstStarted, resolve: started } = deferred();
    // The first one's source runs once its DELETE is done; the second starts then.
    const first = warehouse.replaceTable(
      'a',
      (async function* () {
        started();
        yield [{ note: 'first' }];
        await released;
      })(),
    );
    await firstStarted;
    const second = warehouse.replaceTable(
      'a',
      (async function* () {
        yield [{ note: 'second' }];
      })(),
    );
    const failure = await second.then(
      () => undefined,
      (error: unknown) => error,
    );
    release();
    expect(await first).toEqual({ rows: 1 });
    expect(isOrderstreamError(failure) && failure.code).toBe('DUCKDB_TRANSACTION_FAILED');
    expect(await warehouse.query(`select note from ${warehouse.qualify('a')}`)).toEqual([{ note: 'first' }]);
    await warehouse.close();
  });

  it('checkpoints: the committed rows leave the write-ahead log, also while a replacement is open', async () => {
    const path = join(dir, 'checkpoint.duckdb');
    const warehouse = await createDuckDbWarehouse({ path, tables: { a: notes('a'), b: notes('b') } });
    await warehouse.migrate();
    const rows = Array.from({ length: 20_000 }, (_, index) => ({ note: `note number ${index}` }));
    await warehouse.replaceTable(
      'a',
      (async function* () {
        yield rows;
      })(),
    );
    const walBytes = async () => (await stat(`${path}.wal`).catch(() => ({ size: 0 }))).size;
    const before = await walBytes();
    expect(before).toBeGreaterThan(100_000);
    const { promise: released, resolve: release } = deferred();
    const { promise: open, resolve: started } = deferred();
    const replacing = warehouse.replaceTable(
      'b',
      (async function* () {
        started();
        yield [{ note: 'b' }];
        await released;
      })(),
    );
    await open;
    await warehouse.checkpoint();
    expect(await walBytes()).toBeLessThan(before / 10);
    release();
    expect(await replacing).toEqual({ rows: 1 });
    expect(await warehouse.query(`select count(*)::integer as n from ${warehouse.qualify('a')}`)).toEqual([
      { n: 20_000 },
    ]);
    await warehouse.close();
  });

  it('closes the batch source and rolls back when a value does not fit mid-replacement', async () => {
    const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    await warehouse.migrate();
    let batchesRead = 0;
    let closed = false;
    async function* source() {
      try {
        for (let batch = 0; batch < 10; batch += 1) {
          batchesRead += 1;
          yield [
            { product_category_name: `c${batch}`, product_category_name_english: batch === 2 ? 42 : 'x' },
          ];
        }
      } finally {
        closed = true;
      }
    }
    await expect(
      warehouse.replaceTable('product_category_name_translation', source() as AsyncIterable<never>),
    ).rejects.toMatchObject({ code: 'DUCKDB_INVALID_VALUE' });
    expect(batchesRead).toBe(3);
    expect(closed).toBe(true);
    expect(
      await warehouse.query(`select * from ${warehouse.qualify('product_category_name_translation')}`),
    ).toEqual([]);
    await warehouse.close();
  });
});
