import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { WarehouseRow } from '@orderstream/core';
import { isOrderstreamError, OrderstreamError, RAW_TABLES } from '@orderstream/core';
import { CONTRACT_TYPES_TABLE } from '@orderstream/core/testing';
import type { SnowflakeWarehouse } from '@orderstream/snowflake';
import { createSnowflakeWarehouse, SnowflakeWarehouse as Warehouse } from '@orderstream/snowflake';
import snowflakeSdk from 'snowflake-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  dropSchema,
  EMULATOR_PASSWORD,
  onEmulator,
  testBatching,
  testConnection,
  uniqueSchema,
} from './support/snowflake-kit.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Every string reachable from an error: message, details, and the whole cause chain. */
function everythingIn(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    if (current instanceof Error) parts.push(current.message, current.stack ?? '');
    parts.push(JSON.stringify(current, Object.getOwnPropertyNames(current as object)));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

describe('SnowflakeWarehouse secrets', () => {
  it('keeps the password out of a failed login: message, details and cause chain', async () => {
    const password = 'known-Password-4711-must-not-leak';
    const failing = createSnowflakeWarehouse({
      // Nothing listens on port 9: the login fails at once.
      connection: { ...testConnection(), password, accessUrl: 'http://127.0.0.1:9' },
      schema: 'NOWHERE',
      retries: 0,
      maxLoginRetries: 0,
    });
    const error = await failing.catch((caught: unknown) => caught);
    expect(isOrderstreamError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('SNOWFLAKE_CONNECTION_FAILED');
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(everythingIn(error)).not.toContain(password);
  });

  it('keeps bound values out of a failed statement', async () => {
    const schema = uniqueSchema('SECRETS');
    const warehouse = await createSnowflakeWarehouse({ connection: testConnection(), schema });
    try {
      const secret = 'card-number-4111111111111111';
      const error = await warehouse
        .query(`select cast(? as number(10,0)) as n`, [secret])
        .catch((caught: unknown) => caught);
      expect(isOrderstreamError(error)).toBe(true);
      expect((error as { details: { sql: string } }).details.sql).toContain('cast(? as number');
      expect(everythingIn(error)).not.toContain(secret);
      expect(everythingIn(error)).not.toContain(EMULATOR_PASSWORD);
    } finally {
      await warehouse.close();
    }
  });
});

describe.skipIf(!onEmulator)(
  'SnowflakeWarehouse read back by an independent client (Python connector)',
  () => {
    const schema = uniqueSchema('PYREAD');
    let warehouse: SnowflakeWarehouse;

    beforeAll(async () => {
      warehouse = await createSnowflakeWarehouse({ connection: testConnection(), schema, ...testBatching });
      await warehouse.migrate();
    });
    afterAll(async () => {
      await warehouse.close();
      await dropSchema(schema);
    });

    it('stores what the adapter wrote: upserted once per key, UTC instants, parsed VARIANT', async () => {
      const rows = Array.from({ length: 250 }, (_, i) => ({
        alert_id: `a-${String(i).padStart(3, '0')}`,
        rule: 'revenue-drop',
        series: 'revenue',
        severity: 'warning',
        state: 'firing',
        started_at: new Date(Date.UTC(2026, 10, 25, 21, 0, i % 60, 123)),
        observed: i / 4,
        explanation: `row ${i}`,
        details: JSON.stringify({ i, label: 'três' }),
      }));
      await warehouse.write([{ table: 'alerts', rows }]);
      await warehouse.write([{ table: 'alerts', rows: rows.slice(0, 10) }]);
      const sql = `SELECT COUNT(*) AS N, COUNT(DISTINCT ALERT_ID) AS D, SUM(OBSERVED) AS S,
        MIN(STARTED_AT) AS FIRST, MAX(DETAILS:i::NUMBER) AS MAX_I FROM ${schema}.ALERTS`;
      const { stdout } = await run(
        join(repoRoot, '.venv/bin/python'),
        [
          join(repoRoot, 'scripts/fakesnow_query.py'),
          '--database',
          testConnection().database,
          '--schema',
          schema,
          sql,
        ],
        { env: { ...process.env, FAKESNOW_PORT: new URL(testConnection().accessUrl ?? '').port } },
      );
      const [result] = JSON.parse(stdout) as Record<string, unknown>[];
      expect(result?.N).toBe(250);
      expect(result?.D).toBe(250);
      expect(result?.S).toBe(rows.reduce((sum, row) => sum + row.observed, 0));
      expect(String(result?.FIRST)).toMatch(/^2026-11-25T21:00:00\.123/);
      expect(Number(result?.MAX_I)).toBe(249);
      const fromAdapter = await warehouse.query<{ n: number }>(
        `select count(*) as n from ${warehouse.qualify('alerts')}`,
      );
      expect(fromAdapter).toEqual([{ n: 250 }]);
    });
  },
);

describe('SnowflakeWarehouse options', () => {
  it('rejects a connection without a password or private key, naming the problem', () => {
    const { password: _password, ...withoutPassword } = testConnection();
    expect(() => new Warehouse({ connection: withoutPassword as never })).toThrow(/privateKeyPath/);
  });
});

describe('SnowflakeWarehouse load stage', () => {
  const schema = uniqueSchema('STAGE');
  afterAll(() => dropSchema(schema));

  it('is created once when several tables load at once (regression: CREATE STAGE … duplicate key)', async () => {
    const names = ['stage_load_a', 'stage_load_b', 'stage_load_c', 'stage_load_d'];
    const tables = Object.fromEntries(names.map((name) => [name, { ...CONTRACT_TYPES_TABLE, name }]));
    // Every statement the adapter's sessions run, read from the driver's own calls.
    const statements: string[] = [];
    const createPool = snowflakeSdk.createPool.bind(snowflakeSdk);
    const spy = vi.spyOn(snowflakeSdk, 'createPool').mockImplementation((options, poolOptions) => {
      const pool = createPool(options, poolOptions);
      const acquire = pool.acquire.bind(pool);
      const wrapped = new WeakSet<object>();
      pool.acquire = async () => {
        const session = await acquire();
        if (wrapped.has(session)) return session;
        wrapped.add(session);
        const execute = session.execute.bind(session);
        session.execute = (statement) => {
          statements.push(statement.sqlText);
          return execute(statement);
        };
        return session;
      };
      return pool;
    });
    const warehouse = await createSnowflakeWarehouse({
      connection: testConnection(),
      schema,
      tables,
      ...testBatching,
    });
    try {
      await warehouse.migrate();
      async function* batches(table: string): AsyncGenerator<WarehouseRow[]> {
        yield [
          { id: `${table}-1`, required: 'r', text_value: table },
          { id: `${table}-2`, required: 'r', text_value: null },
        ];
      }
      const results = await Promise.all(names.map((name) => warehouse.replaceTable(name, batches(name))));
      expect(results).toEqual(names.map(() => ({ rows: 2 })));
      for (const name of names) {
        const rows = await warehouse.query<{ id: string }>(
          `select id from ${warehouse.qualify(name)} order by id`,
        );
        expect(rows.map((row) => row.id)).toEqual([`${name}-1`, `${name}-2`]);
      }
      expect(statements.filter((sql) => /^CREATE STAGE/i.test(sql))).toHaveLength(1);
      expect(statements.filter((sql) => /^PUT /i.test(sql))).toHaveLength(names.length);
    } finally {
      spy.mockRestore();
      await warehouse.close();
    }
  });
});

describe('SnowflakeWarehouse staging tables', () => {
  const schema = uniqueSchema('STAGING');
  afterAll(() => dropSchema(schema));

  it('are created by one session at a time when fresh sessions of two warehouses write one table at once (regression: CREATE TEMPORARY TABLE … duplicate key)', async () => {
    const table = { ...CONTRACT_TYPES_TABLE, name: 'staging_race' };
    const first = await createSnowflakeWarehouse({
      connection: testConnection(),
      schema,
      tables: { staging_race: table },
    });
    await first.migrate();
    await first.close();
    // Each round opens two warehouses whose sessions have no staging table yet and writes from all
    // of them at once, so that several sessions create the same temporary table together.
    for (let round = 0; round < 4; round += 1) {
      const warehouses = await Promise.all(
        [0, 1].map(() =>
          createSnowflakeWarehouse({
            connection: testConnection(),
            schema,
            tables: { staging_race: table },
            poolSize: 3,
            retries: 0,
          }),
        ),
      );
      try {
        const writes = warehouses.flatMap((warehouse, w) =>
          Array.from({ length: 3 }, (_, i) =>
            warehouse.write([
              {
                table: 'staging_race',
                rows: [{ id: `r${round}-${w}-${i}`, required: 'r', text_value: null }],
              },
            ]),
          ),
        );
        await Promise.all(writes);
      } finally {
        await Promise.all(warehouses.map((warehouse) => warehouse.close()));
      }
    }
    const check = await createSnowflakeWarehouse({
      connection: testConnection(),
      schema,
      tables: { staging_race: table },
    });
    try {
      const rows = await check.query<{ n: number }>(
        `select count(*) as n from ${check.qualify('staging_race')}`,
      );
      expect(rows).toEqual([{ n: 24 }]);
    } finally {
      await check.close();
    }
  });
});

describe('SnowflakeWarehouse bulk path (PUT + COPY INTO)', () => {
  const schema = uniqueSchema('BULK');
  let warehouse: SnowflakeWarehouse;

  beforeAll(async () => {
    warehouse = await createSnowflakeWarehouse({
      connection: testConnection(),
      schema,
      tables: { ...RAW_TABLES, [CONTRACT_TYPES_TABLE.name]: CONTRACT_TYPES_TABLE },
      ...testBatching,
    });
    await warehouse.migrate();
  });
  afterAll(async () => {
    await warehouse.close();
    await dropSchema(schema);
  });

  it('round-trips awkward text and every column type through the CSV file exactly like array binds', async () => {
    const row = (id: string) => ({
      id,
      required: 'r',
      text_value: `"Ótimo", chegou\nno prazo; 'aspas' "" e \\ barra, ção 🦆\r\nfim`,
      integer_value: -2_147_483_648,
      bigint_value: Number.MAX_SAFE_INTEGER,
      double_value: -46.63929204800168,
      money_value: 900_719_925_474_099,
      timestamp_value: new Date(Date.UTC(2017, 9, 2, 10, 56, 33)),
      timestamptz_value: new Date('2026-11-25T21:07:42.123Z'),
      json_value: JSON.stringify({ review: 'linha 1\nlinha "2"', n: [1, 2.5] }),
      boolean_value: false,
    });
    async function* batches() {
      yield [row('bulk'), { id: 'nulls', required: 'r' }];
    }
    expect(await warehouse.replaceTable(CONTRACT_TYPES_TABLE.name, batches())).toEqual({ rows: 2 });
    await warehouse.write([{ table: CONTRACT_TYPES_TABLE.name, rows: [row('binds')] }]);
    const rows = await warehouse.query<Record<string, unknown>>(
      `select * from ${warehouse.qualify(CONTRACT_TYPES_TABLE.name)} order by id`,
    );
    expect(rows.map((r) => r.id)).toEqual(['binds', 'bulk', 'nulls']);
    const [binds, bulk, nulls] = rows as [
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect({ ...bulk, id: 'binds' }).toEqual(binds);
    expect(bulk.text_value).toBe(row('x').text_value);
    expect(bulk.money_value).toBe('9007199254740.99');
    expect(JSON.parse(bulk.json_value as string)).toEqual({ review: 'linha 1\nlinha "2"', n: [1, 2.5] });
    for (const column of CONTRACT_TYPES_TABLE.columns) {
      if (column.name !== 'id' && column.name !== 'required')
        expect(nulls[column.name], column.name).toBeNull();
    }
  });
});

describe('SnowflakeWarehouse retries', () => {
  it('rolls back a transaction that failed with a retryable error and replays it: rows and offsets land once', async () => {
    const schema = uniqueSchema('RETRY');
    const failures: string[] = [];
    const warehouse = await createSnowflakeWarehouse({
      connection: testConnection(),
      schema,
      ...testBatching,
      onBeforeCommit: ({ operation }) => {
        if (failures.length < 2) {
          failures.push(operation);
          throw new OrderstreamError('SNOWFLAKE_TRANSACTION_FAILED', 'lock wait timeout (simulated)', {
            retryable: true,
          });
        }
      },
    });
    try {
      await warehouse.migrate();
      const rows = Array.from({ length: 40 }, (_, i) => ({
        alert_id: `r-${i}`,
        rule: 'r',
        series: 's',
        severity: 'info',
        state: 'firing',
        started_at: new Date(Date.UTC(2026, 0, 1)),
        explanation: 'x',
      }));
      await warehouse.writeWithOffsets(
        [{ table: 'alerts', rows, mode: 'append' }],
        [{ consumerGroup: 'g', topic: 't', partition: 0, nextOffset: '40' }],
      );
      expect(failures).toEqual(['writeWithOffsets', 'writeWithOffsets']);
      expect(await warehouse.query(`select count(*) as n from ${warehouse.qualify('alerts')}`)).toEqual([
        { n: 40 },
      ]);
      expect((await warehouse.readOffsets('g', 't')).map((offset) => offset.nextOffset)).toEqual(['40']);
    } finally {
      await warehouse.close();
      await dropSchema(schema);
    }
  });

  it('does not retry a failure that is not retryable', async () => {
    const schema = uniqueSchema('NORETRY');
    let attempts = 0;
    const warehouse = await createSnowflakeWarehouse({
      connection: testConnection(),
      schema,
      onBeforeCommit: () => {
        attempts += 1;
        throw new Error('not retryable');
      },
    });
    try {
      await warehouse.migrate();
      const failing = warehouse.write([
        { table: 'sink_offsets', rows: [] },
        { table: 'alerts', rows: [] },
      ]);
      await expect(failing).rejects.toMatchObject({ code: 'SNOWFLAKE_TRANSACTION_FAILED', retryable: false });
      expect(attempts).toBe(1);
    } finally {
      await warehouse.close();
      await dropSchema(schema);
    }
  });
});
