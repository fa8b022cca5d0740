import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOrderstreamError } from '../../errors/orderstream-error.js';
import type { QueryParam } from '../../warehouse/warehouse.js';
import { duckDbDialect, snowflakeDialect, sqlDialectFor } from './sql-dialect.js';

// The DuckDB pieces run on DuckDB itself (its Node client, a dev dependency of core), not through
// @orderstream/duckdb: core does not depend on its adapters. The Snowflake pieces run against the
// Snowflake emulator in the integration suite (examples/dashboard/test/dashboard-snowflake.test.ts),
// which compares every panel on both engines.

describe('sqlDialectFor', () => {
  it('picks the dialect from the warehouse engine', () => {
    expect(sqlDialectFor({ dialect: 'duckdb' })).toMatchObject({
      name: 'duckdb',
      timeZone: 'America/Sao_Paulo',
    });
    expect(sqlDialectFor({ dialect: 'snowflake' }, 'UTC')).toMatchObject({
      name: 'snowflake',
      timeZone: 'UTC',
    });
  });

  it('rejects an engine it has no SQL for with CORE_UNSUPPORTED_WAREHOUSE', () => {
    let caught: unknown;
    try {
      sqlDialectFor({ dialect: 'toString' });
    } catch (error) {
      caught = error;
    }
    expect(isOrderstreamError(caught) && caught.code).toBe('CORE_UNSUPPORTED_WAREHOUSE');
  });
});

describe.each([duckDbDialect, snowflakeDialect])('$name dialect', (dialect) => {
  it('refuses names that are not plain SQL names', () => {
    expect(() => dialect.column('partition"; DROP TABLE x; --')).toThrow(TypeError);
    expect(() => dialect.itemRows('SELECT payload', ['x y'], {})).toThrow(TypeError);
    expect(() => dialect.itemRows('SELECT payload', [], { 'a, b': 'price' })).toThrow(TypeError);
  });

  it('keeps item values out of the SQL text', () => {
    const scope = { events: '"raw"."raw_order_events"', from: 'from', to: 'to' };
    const condition = dialect.anyItemEquals('product_category_name', "x') OR 1=1 --", scope);
    expect(condition.sql).not.toContain('OR 1=1');
    expect(condition.params).toContain("x') OR 1=1 --");
    expect(condition.sql.split('?').length - 1).toBe(condition.params.length);
  });
});

describe('DuckDB dialect on DuckDB', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  /** Runs a query with `?` text parameters, rows as plain objects. */
  const duckdb = {
    async query(sql: string, params: readonly QueryParam[]): Promise<Record<string, unknown>[]> {
      return (await connection.runAndReadAll(sql, params.map(String))).getRowObjectsJS();
    },
  };
  const payload = JSON.stringify({
    order: {
      items: [
        { seller_id: 's1', price: '10.50', product_category_name: 'brinquedos' },
        { seller_id: 's2', price: '1.25', product_category_name: 'beleza_saude' },
      ],
    },
  });
  const source = `SELECT 'o1' AS order_id, CAST(? AS JSON) AS payload`;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it('turns each item of the payload into a row with its fields as text', async () => {
    const rows = await duckdb.query(
      `${duckDbDialect.itemRows(source, ['order_id'], { seller: 'seller_id', price: 'price' })} ORDER BY seller`,
      [payload],
    );
    expect(rows).toEqual([
      { order_id: 'o1', seller: 's1', price: '10.50' },
      { order_id: 'o1', seller: 's2', price: '1.25' },
    ]);
  });

  it('matches an order by any of its items', async () => {
    const match = async (category: string) => {
      const condition = duckDbDialect.anyItemEquals('product_category_name', category, {
        events: 'unused',
        from: '',
        to: '',
      });
      const rows = await duckdb.query(`SELECT order_id FROM (${source}) AS o WHERE ${condition.sql}`, [
        payload,
        ...condition.params,
      ]);
      return rows.length;
    };
    expect(await match('beleza_saude')).toBe(1);
    expect(await match('informatica_acessorios')).toBe(0);
  });

  it('does epoch and interval arithmetic on instants in UTC', async () => {
    const [row] = await duckdb.query(
      `SELECT ${duckDbDialect.epochSeconds(duckDbDialect.instant)} AS seconds,
              ${duckDbDialect.millisecondsBetween(duckDbDialect.instant, duckDbDialect.instant)} AS ms`,
      ['1970-01-02T00:00:00.000Z', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:01.250Z'],
    );
    expect(Number(row?.seconds)).toBe(86_400);
    expect(Number(row?.ms)).toBe(1250);
  });

  it('reads instants as the wall clock of the business time zone, DST days included', async () => {
    const local = async (timeZone: string, instant: string) => {
      const dialect = sqlDialectFor({ dialect: 'duckdb' }, timeZone);
      const [row] = await duckdb.query(
        `SELECT ${dialect.localEpochSeconds(dialect.instant)} AS local_seconds`,
        [instant],
      );
      return new Date(Number(row?.local_seconds) * 1000).toISOString();
    };
    // standard time (UTC-3), summer time (UTC-2), and both 23:30s of the 25-hour 2018-02-17
    expect(await local('America/Sao_Paulo', '2018-06-15T12:00:00.000Z')).toBe('2018-06-15T09:00:00.000Z');
    expect(await local('America/Sao_Paulo', '2018-01-15T12:00:00.000Z')).toBe('2018-01-15T10:00:00.000Z');
    expect(await local('America/Sao_Paulo', '2018-02-18T01:30:00.000Z')).toBe('2018-02-17T23:30:00.000Z');
    expect(await local('America/Sao_Paulo', '2018-02-18T02:30:00.000Z')).toBe('2018-02-17T23:30:00.000Z');
    expect(await local('Asia/Kolkata', '2018-06-15T12:00:00.000Z')).toBe('2018-06-15T17:30:00.000Z');
  });

  it('refuses a time-zone name that could break out of its SQL literal', () => {
    expect(() => sqlDialectFor({ dialect: 'duckdb' }, "UTC'); DROP TABLE x; --")).toThrow(TypeError);
  });
});
