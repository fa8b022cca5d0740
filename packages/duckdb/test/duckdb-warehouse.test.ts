import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ColumnBatch, isOrderstreamError, RAW_TABLES, type TableDefinition } from '@orderstream/core';
import { createDuckDbWarehouse, DUCKDB_WAREHOUSE_DEFAULTS, DuckDbWarehouse } from '@orderstream/duckdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** Opens `path` with DuckDB in another Node process and keeps it open until stdin closes. */
async function holdInChildProcess(path: string): Promise<ChildProcess> {
  const script = `
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(process.argv[1]);
    process.stdout.write('ready\\n');
    process.stdin.resume();
    process.stdin.on('end', () => { instance.closeSync(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], {
    cwd: process.cwd(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [data] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  expect(data.toString()).toContain('ready');
  return child;
}

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

  it('defaults to ./data/orderstream.duckdb and the raw schema', () => {
    const warehouse = new DuckDbWarehouse();
    expect(warehouse.options.path).toBe('./data/orderstream.duckdb');
    expect(DUCKDB_WAREHOUSE_DEFAULTS.path).toBe('./data/orderstream.duckdb');
    expect(warehouse.options.schema).toBe('raw');
    expect(warehouse.qualify('olist_orders')).toBe('"raw"."olist_orders"');
  });

  it('opens DuckDB with a 256 MB checkpoint threshold unless config sets one', async () => {
    const setting = async (config?: Record<string, string>) => {
      const warehouse = await createDuckDbWarehouse({ path: ':memory:', ...(config ? { config } : {}) });
      const [row] = await warehouse.query<{ value: string }>(
        "SELECT current_setting('checkpoint_threshold') AS value",
      );
      await warehouse.close();
      return row?.value;
    };
    expect(await setting()).toBe('256.0 MiB');
    expect(await setting({ threads: '1' })).toBe('256.0 MiB');
    expect(await setting({ checkpoint_threshold: '16MB' })).toBe('15.2 MiB');
  });

  it('rejects invalid options with CORE_INVALID_OPTIONS', () => {
    expect(() => new DuckDbWarehouse({ schema: 'raw; drop' })).toThrow(
      expect.objectContaining({ code: 'CORE_INVALID_OPTIONS' }),
    );
  });

  it('raises DUCKDB_LOCKED (retryable) while another process holds the file, and opens once it lets go', async () => {
    const path = join(dir, 'locked.duckdb');
    const first = await createDuckDbWarehouse({ path });
    await first.migrate();
    await first.close();
    const child = await holdInChildProcess(path);
    try {
      const failing = createDuckDbWarehouse({ path });
      await expect(failing).rejects.toSatisfy(
        (error) =>
          isOrderstreamError(error) &&
          error.code === 'DUCKDB_LOCKED' &&
          error.retryable &&
          error.message.includes(path),
      );
    } finally {
      child.stdin?.end();
      await once(child, 'exit');
    }
    const again = await createDuckDbWarehouse({ path });
    expect(await again.query('select 1 as one')).toEqual([{ one: 1 }]);
    await again.close();
  });

  it('raises DUCKDB_FILE_UNREADABLE for a file that is not a DuckDB database', async () => {
    const path = join(dir, 'notes.duckdb');
    await writeFile(path, 'these are my notes, not a database\n'.repeat(200));
    await expect(createDuckDbWarehouse({ path })).rejects.toSatisfy(
      (error) => isOrderstreamError(error) && error.code === 'DUCKDB_FILE_UNREADABLE' && !error.retryable,
    );
  });

  it('raises DUCKDB_FILE_UNWRITABLE at once for a folder that cannot be created (/proc: no mkdir loop)', async () => {
    // Node 20's mkdir({ recursive: true }) spins forever on /proc/x; this must fail, not hang.
    for (const path of ['/proc/orderstream-x/w.duckdb', join(dir, 'a-file', 'w.duckdb')]) {
      await writeFile(join(dir, 'a-file'), 'not a folder\n');
      await expect(createDuckDbWarehouse({ path })).rejects.toSatisfy(
        (error) =>
          isOrderstreamError(error) &&
          error.code === 'DUCKDB_FILE_UNWRITABLE' &&
          / cannot be written: /.test(error.message),
      );
    }
  });

  it('creates the parent folder and maps column types as documented', async () => {
    const warehouse = await createDuckDbWarehouse({
      path: join(dir, 'a', 'b', 'w.duckdb'),
      schema: 'landing',
    });
    await warehouse.migrate();
    const columns = await warehouse.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `select column_name, data_type, is_nullable from information_schema.columns
        where table_schema = ? and table_name = ? order by ordinal_position`,
      ['landing', 'raw_order_events'],
    );
    const types = Object.fromEntries(columns.map((column) => [column.column_name, column.data_type]));
    expect(types).toMatchObject({
      event_id: 'VARCHAR',
      event_time: 'TIMESTAMP WITH TIME ZONE',
      schema_version: 'INTEGER',
      order_purchase_timestamp: 'TIMESTAMP',
      items_value: 'DECIMAL(18,2)',
      payload: 'JSON',
      kafka_offset: 'BIGINT',
    });
    expect(columns.find((column) => column.column_name === 'kafka_topic')?.is_nullable).toBe('YES');
    expect(columns.find((column) => column.column_name === 'event_id')?.is_nullable).toBe('NO');
    const tables = await warehouse.query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = ? order by table_name',
      ['landing'],
    );
    expect(tables.map((table) => table.table_name)).toEqual(Object.keys(RAW_TABLES).sort());
    await warehouse.close();
  });

  it('migrates an older table by adding the columns it lacks, keeping its rows', async () => {
    const path = join(dir, 'w.duckdb');
    const v1: TableDefinition = {
      name: 'notes',
      key: ['id'],
      columns: [{ name: 'id', type: 'text', nullable: false }],
    };
    const v2: TableDefinition = {
      ...v1,
      columns: [...v1.columns, { name: 'amount', type: 'money', nullable: true }],
    };
    const old = await createDuckDbWarehouse({ path, tables: { notes: v1 } });
    await old.migrate();
    await old.write([{ table: 'notes', rows: [{ id: 'a' }] }]);
    await old.close();
    const current = await createDuckDbWarehouse({ path, tables: { notes: v2 } });
    await current.migrate();
    await current.write([{ table: 'notes', rows: [{ id: 'b', amount: 1 }] }]);
    expect(await current.query(`select id, amount from ${current.qualify('notes')} order by id`)).toEqual([
      { id: 'a', amount: null },
      { id: 'b', amount: '0.01' },
    ]);
    await current.close();
  });

  it('writes column batches: an empty string stays empty, a column the definition lacks stays null', async () => {
    const path = join(dir, 'w.duckdb');
    const v1: TableDefinition = {
      name: 'notes',
      key: [],
      columns: [
        { name: 'id', type: 'text', nullable: false },
        { name: 'note', type: 'text', nullable: true },
      ],
    };
    const v2: TableDefinition = {
      ...v1,
      columns: [...v1.columns, { name: 'amount', type: 'money', nullable: true }],
    };
    const newer = await createDuckDbWarehouse({ path, tables: { notes: v2 } });
    await newer.migrate();
    await newer.close();
    // An older definition writes to the newer table: `amount` is not in its batches.
    const older = await createDuckDbWarehouse({ path, tables: { notes: v1 } });
    const text = (values: readonly (string | null)[]) => {
      const encoder = new TextEncoder();
      const parts = values.map((value) => encoder.encode(value ?? ''));
      const offsets = new Int32Array(values.length + 1);
      for (const [index, part] of parts.entries())
        offsets[index + 1] = (offsets[index] as number) + part.length;
      const bytes = new Uint8Array(offsets[values.length] as number);
      for (const [index, part] of parts.entries()) bytes.set(part, offsets[index]);
      const nulls = values.some((value) => value === null)
        ? Uint8Array.from(values, (value) => (value === null ? 1 : 0))
        : null;
      return { kind: 'text' as const, bytes, offsets, nulls };
    };
    async function* batches(): AsyncGenerator<ColumnBatch> {
      yield {
        kind: 'columns',
        rowCount: 4,
        columns: [text(['a', 'b', 'c', 'd']), text(['', null, 'exactly 12 b', 'thirteen byte'])],
      };
    }
    expect(await older.replaceTable('notes', batches())).toEqual({ rows: 4 });
    expect(await older.query(`select id, note, amount from ${older.qualify('notes')} order by id`)).toEqual([
      { id: 'a', note: '', amount: null },
      { id: 'b', note: null, amount: null },
      { id: 'c', note: 'exactly 12 b', amount: null },
      { id: 'd', note: 'thirteen byte', amount: null },
    ]);
    await older.close();
  });

  it('writes the long strings of column batches exactly, across 2,048-row slices, with nulls and multi-byte text', async () => {
    const path = join(dir, 'long.duckdb');
    const definition: TableDefinition = {
      name: 'notes',
      key: [],
      columns: [
        { name: 'n', type: 'integer', nullable: false },
        { name: 'note', type: 'text', nullable: true },
        { name: 'other', type: 'text', nullable: true },
      ],
    };
    const warehouse = await createDuckDbWarehouse({ path, tables: { notes: definition } });
    await warehouse.migrate();
    // Lengths 0 to 70 bytes (inline up to 12, out of line beyond), accents, every 7th row null.
    const note = (n: number) =>
      n % 7 === 3 ? null : `${n % 2 === 0 ? 'ação' : 'x'}${'-'.repeat(n % 60)}${n}`.slice(0, 70);
    const other = (n: number) => (n % 5 === 0 ? null : `${'0123456789abcdef'.repeat(1 + (n % 4))}#${n}`);
    const rows = 5000;
    const text = (values: readonly (string | null)[]) => {
      const parts = values.map((value) => Buffer.from(value ?? '', 'utf8'));
      const offsets = new Int32Array(values.length + 1);
      for (const [index, part] of parts.entries())
        offsets[index + 1] = (offsets[index] as number) + part.length;
      return {
        kind: 'text' as const,
        bytes: new Uint8Array(Buffer.concat(parts)),
        offsets,
        nulls: Uint8Array.from(values, (value) => (value === null ? 1 : 0)),
      };
    };
    const numbers = Array.from({ length: rows }, (_, n) => n);
    async function* batches(): AsyncGenerator<ColumnBatch> {
      // Two batches: 3,000 rows (a full slice and a partial one), then 2,000.
      for (const [from, to] of [
        [0, 3000],
        [3000, rows],
      ] as const) {
        const slice = numbers.slice(from, to);
        yield {
          kind: 'columns',
          rowCount: slice.length,
          columns: [
            { kind: 'number', values: Float64Array.from(slice), nulls: null },
            text(slice.map(note)),
            text(slice.map(other)),
          ],
        };
      }
    }
    expect(await warehouse.replaceTable('notes', batches())).toEqual({ rows });
    const stored = await warehouse.query<{ n: number; note: string | null; other: string | null }>(
      `select n, note, other from ${warehouse.qualify('notes')} order by n`,
    );
    expect(stored).toEqual(numbers.map((n) => ({ n, note: note(n), other: other(n) })));
    await warehouse.close();
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

  it('shares one database between two warehouses on the same file in one process', async () => {
    const path = join(dir, 'shared.duckdb');
    const a = await createDuckDbWarehouse({ path });
    const b = await createDuckDbWarehouse({ path });
    await a.migrate();
    await a.write([
      {
        table: 'olist_sellers',
        rows: [{ seller_id: 's1', seller_zip_code_prefix: '01000', seller_city: 'x', seller_state: 'SP' }],
      },
    ]);
    await a.close();
    expect(await b.query(`select seller_id from ${b.qualify('olist_sellers')}`)).toEqual([
      { seller_id: 's1' },
    ]);
    await b.close();
  });

  it('names the table and column, never the value, when a write is invalid', async () => {
    const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    await warehouse.migrate();
    const row = {
      seller_id: 'secret-value',
      seller_zip_code_prefix: 1000,
      seller_city: 'x',
      seller_state: 'SP',
    };
    const invalid = await warehouse
      .write([{ table: 'olist_sellers', rows: [row] }])
      .catch((error: unknown) => error);
    expect(invalid).toMatchObject({
      code: 'DUCKDB_INVALID_VALUE',
      details: { column: 'seller_zip_code_prefix' },
    });
    expect((invalid as Error).message).not.toContain('1000');
    await expect(warehouse.write([{ table: 'nope', rows: [row] }])).rejects.toMatchObject({
      code: 'DUCKDB_UNKNOWN_TABLE',
    });
    await expect(
      warehouse.write([
        { table: 'olist_sellers', rows: [{ ...row, seller_zip_code_prefix: '01000', extra: 1 }] },
      ]),
    ).rejects.toMatchObject({ code: 'DUCKDB_UNKNOWN_COLUMN' });
    const failed = await warehouse
      .query('select * from nowhere where a = ?', ['secret-value'])
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({
      code: 'DUCKDB_QUERY_FAILED',
      details: { sql: 'select * from nowhere where a = ?' },
    });
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

  it('copies the RAW schema into another file as a snapshot, attaches it read-only and detaches it', async () => {
    const warehouse = await createDuckDbWarehouse({ path: join(dir, 'main.duckdb') });
    await warehouse.migrate();
    const seller = (id: string) => ({
      seller_id: id,
      seller_zip_code_prefix: '01000',
      seller_city: 'x',
      seller_state: 'SP',
    });
    await warehouse.write([{ table: 'olist_sellers', rows: [seller('s1'), seller('s2')] }]);
    const copy = join(dir, 'copies', 'analytics.duckdb');
    await warehouse.copyRawSchemaTo(copy);
    await warehouse.write([{ table: 'olist_sellers', rows: [seller('s3')] }]);
    // Detached after the copy: another process can open the file.
    const child = await holdInChildProcess(copy);
    child.stdin?.end();
    await once(child, 'exit');
    await warehouse.attachDatabase(copy, 'analytics', { readOnly: true });
    const count = async (from: string) =>
      Number((await warehouse.query<{ n: number }>(`select count(*) as n from ${from}`))[0]?.n);
    expect(await count('analytics.raw.olist_sellers')).toBe(2);
    expect(await count(warehouse.qualify('olist_sellers'))).toBe(3);
    await warehouse.detachDatabase('analytics');
    await warehouse.detachDatabase('analytics');
    await expect(warehouse.query('select count(*) from analytics.raw.olist_sellers')).rejects.toMatchObject({
      code: 'DUCKDB_QUERY_FAILED',
    });
    await warehouse.copyRawSchemaTo(copy);
    await warehouse.attachDatabase(copy, 'analytics', { readOnly: true });
    expect(await count('analytics.raw.olist_sellers')).toBe(3);
    await warehouse.close();
  });

  it('appends to its own table while a copy with the same tables is attached (regression: column index out of range)', async () => {
    const warehouse = await createDuckDbWarehouse({ path: join(dir, 'attached-append.duckdb') });
    await warehouse.migrate();
    const copy = join(dir, 'copies', 'attached-append-analytics.duckdb');
    await warehouse.copyRawSchemaTo(copy);
    await warehouse.attachDatabase(copy, 'analytics', { readOnly: true });
    const seller = { seller_id: 's9', seller_zip_code_prefix: '01000', seller_city: 'x', seller_state: 'SP' };
    await warehouse.write([{ table: 'olist_sellers', rows: [seller], mode: 'append' }]);
    const [row] = await warehouse.query<{ n: number }>(
      `select count(*) as n from ${warehouse.qualify('olist_sellers')}`,
    );
    expect(Number(row?.n)).toBe(1);
    await warehouse.close();
  });

  it('keeps Olist wall-clock timestamps unchanged in SQL text whatever the host zone', async () => {
    const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    await warehouse.migrate();
    const at = new Date(Date.UTC(2017, 9, 2, 10, 56, 33));
    await warehouse.write([
      {
        table: 'olist_order_items',
        rows: [
          {
            order_id: 'o',
            order_item_id: 1,
            product_id: 'p',
            seller_id: 's',
            shipping_limit_date: at,
            price: 1,
            freight_value: 0,
          },
        ],
      },
    ]);
    const [row] = await warehouse.query<{ text: string; tz: Date }>(
      `select cast(shipping_limit_date as varchar) as text, cast(shipping_limit_date as timestamptz) as tz from ${warehouse.qualify('olist_order_items')}`,
    );
    expect(row?.text).toBe('2017-10-02 10:56:33');
    expect(row?.tz).toEqual(at);
    await warehouse.close();
  });
});
