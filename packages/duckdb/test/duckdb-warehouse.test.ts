import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOrderstreamError, RAW_TABLES, type TableDefinition } from '@orderstream/core';
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

  it('opens DuckDB with dictionary compression disabled unless config sets disabled_compression_methods', async () => {
    // DuckDB takes this setting in its open configuration without applying it: the warehouse sets it.
    const setting = async (options: { config?: Record<string, string>; rowGroupSize?: number } = {}) => {
      const path = options.rowGroupSize === undefined ? ':memory:' : join(dir, 'compression.duckdb');
      const warehouse = await createDuckDbWarehouse({ path, ...options });
      const [row] = await warehouse.query<{ value: string }>(
        "SELECT current_setting('disabled_compression_methods') AS value",
      );
      await warehouse.close();
      return row?.value;
    };
    expect(DUCKDB_WAREHOUSE_DEFAULTS.config.disabled_compression_methods).toBe('dictionary');
    expect(await setting()).toBe('Dictionary');
    expect(await setting({ rowGroupSize: 8192 })).toBe('Dictionary');
    expect(await setting({ config: { threads: '1' } })).toBe('Dictionary');
    expect(await setting({ config: { disabled_compression_methods: 'fsst' } })).toBe('FSST');
    expect(await setting({ config: { disabled_compression_methods: '' } })).toBe('');
  });

  it('limitMemory sets the instance memory_limit, for every warehouse on the same file', async () => {
    const path = join(dir, 'limited.duckdb');
    const first = await createDuckDbWarehouse({ path });
    const second = await createDuckDbWarehouse({ path });
    const limit = async () =>
      (await second.query<{ value: string }>("SELECT current_setting('memory_limit') AS value"))[0]?.value;
    await first.limitMemory(96 * 1024 * 1024);
    expect(await limit()).toBe('96.0 MiB');
    await first.limitMemory(1);
    expect(await limit()).toBe('1.0 MiB');
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      await expect(first.limitMemory(bad)).rejects.toMatchObject({ code: 'CORE_INVALID_OPTIONS' });
    expect(await limit()).toBe('1.0 MiB');
    await second.close();
    await first.close();
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
