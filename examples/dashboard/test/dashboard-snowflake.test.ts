import { randomBytes } from 'node:crypto';
import type { Warehouse, WarehouseRow } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import type { SnowflakeConnectionOptions } from '@orderstream/snowflake';
import { SnowflakeWarehouse, snowflakeConnectionFromEnv } from '@orderstream/snowflake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessUrl } from '../../../packages/snowflake/test/support/snowflake-kit.js';
import { createDashboardServer, type DashboardServer } from '../src/index.js';
import { orderCreatedRow, SAMPLE_CATEGORIES, seededRandom, seedOrders } from './helpers/order-rows.js';

// The dashboard on Snowflake: the Snowflake emulator from the integration setup, or the real account
// of the SNOWFLAKE_* variables when SNOWFLAKE_ACCOUNT is set. Every live panel is compared with the
// same panel over the same rows in DuckDB, and the KPIs with independent SQL on Snowflake itself.

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

function connection(): SnowflakeConnectionOptions {
  if (accessUrl === '') return snowflakeConnectionFromEnv();
  return {
    account: 'orderstream',
    username: 'orderstream',
    password: 'emulator-password-not-a-secret',
    database: 'ORDERSTREAM_TEST',
    accessUrl,
  };
}

const schema = `DASH_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.toUpperCase();
// The clock of both dashboards stands still, so rolling windows are the same on both engines.
// A fixed clock, a Wednesday evening in São Paulo: "today" and "this week" (local) hold data
// whatever the machine's time (regression: early on a Monday UTC there were no sellers in "this
// week" under a state + category filter, and the test failed every time).
const frozen = new Date('2026-03-11T21:20:00.000Z');
let snowflake: SnowflakeWarehouse;
let duckdb: Warehouse;
let onSnowflake: DashboardServer;
let onDuckDb: DashboardServer;
let category: string;
/** Every statement the Snowflake dashboard sent. */
const sent: string[] = [];

/**
 * The emulator runs DuckDB underneath and passes many DuckDB functions through, so a DuckDB-only
 * query can succeed on it and fail on Snowflake. These are the DuckDB-isms the dashboard's SQL
 * must not send to Snowflake (each has a Snowflake spelling in the dialect).
 */
const DUCKDB_ONLY: readonly RegExp[] = [
  /\bjson_extract(?:_string)?\s*\(/i,
  /\blist_[a-z_]+\s*\(/i,
  /\bunnest\s*\(/i,
  /\bflatten\s*\(\s*list/i,
  /\bepoch\s*\(/i,
  /\bdate_diff\s*\(/i,
  /\bquantile_[a-z]+\s*\(/i,
  /\bFILTER\s*\(\s*WHERE/i,
  /\bTIMESTAMPTZ\b/i,
  /\blen\s*\(/i,
  /->>?/,
  // Snowflake stores unquoted names upper-case: a quoted lower-case name never matches.
  /"[a-z][a-z0-9_]*"/,
];

/** The Snowflake warehouse, recording the SQL of every query. */
function recording(warehouse: SnowflakeWarehouse): Warehouse {
  return new Proxy(warehouse, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (sql: string, params?: Parameters<Warehouse['query']>[1]) => {
          sent.push(sql);
          return target.query(sql, params);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

interface Message<P = unknown> {
  id: string;
  payload: P;
}
interface KpiValues {
  orders: number;
  itemsSold: number;
  revenue: string;
  averageBasket: string;
  activeSellers: number;
}

async function panel<P>(dashboard: DashboardServer, path: string): Promise<Message<P>> {
  const response = await fetch(`${dashboard.url}api/panels/${path}`);
  expect(response.status, `${path}: ${response.status}`).toBe(200);
  return (await response.json()) as Message<P>;
}

async function writeBoth(writes: Parameters<Warehouse['write']>[0]): Promise<void> {
  await snowflake.write(writes);
  await duckdb.write(writes);
}

beforeAll(async () => {
  snowflake = new SnowflakeWarehouse({
    connection: connection(),
    schema,
    // The emulator rewrites each array-bound INSERT whole; small statements keep it fast.
    ...(accessUrl === '' ? {} : { arrayBindingThreshold: 3_000 }),
  });
  duckdb = await createDuckDbWarehouse({ path: ':memory:' });
  await snowflake.migrate();
  await duckdb.migrate();
  const now = frozen.getTime();
  const seed = {
    now: frozen,
    orders: 2000,
    spanHours: 24 * 9,
    quietAround: [now, now - HOUR, now - 2 * HOUR, now - WEEK, now - WEEK - HOUR].map((t) => new Date(t)),
  };
  const rows = await seedOrders(snowflake, seed);
  await seedOrders(duckdb, seed);
  // The most common category of the last hour, for the category filter.
  const counts = new Map<string, number>();
  for (const row of rows) {
    if ((row.event_time as Date).getTime() < now - HOUR) continue;
    const items = (
      JSON.parse(String(row.payload)) as { order: { items: { product_category_name: string }[] } }
    ).order.items;
    for (const item of items)
      counts.set(item.product_category_name, (counts.get(item.product_category_name) ?? 0) + 1);
  }
  category = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? SAMPLE_CATEGORIES[0];
  const alert: WarehouseRow = {
    alert_id: 'spike-orders-snowflake',
    rule: 'orders-spike',
    series: 'orders',
    severity: 'critical',
    state: 'firing',
    started_at: new Date(now - 120_000),
    fired_at: new Date(now - 60_000),
    resolved_at: null,
    observed: 41,
    expected: 13.5,
    band_low: 8,
    band_high: 19,
    explanation: 'Orders per minute 41 are above the normal band 8–19.',
    details: '{}',
  };
  await writeBoth([{ table: 'alerts', rows: [alert] }]);
  const offsets = [{ consumerGroup: 'orderstream-sink', topic: 'orders', partition: 2, nextOffset: '1234' }];
  await snowflake.writeWithOffsets([], offsets);
  await duckdb.writeWithOffsets([], offsets);
  onSnowflake = await createDashboardServer({ warehouse: recording(snowflake), port: 0, now: () => frozen });
  onDuckDb = await createDashboardServer({ warehouse: duckdb, port: 0, now: () => frozen });
});

afterAll(async () => {
  await onSnowflake?.close();
  await onDuckDb?.close();
  if (snowflake) {
    // The schema name is a plain upper-case identifier made above: quoting it is exact.
    await snowflake.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await snowflake.close();
  }
  await duckdb?.close();
});

/** The KPIs of `[from, to)` computed independently on Snowflake: plain SQL, sellers counted in JS. */
async function expectedKpis(from: Date, to: Date, state?: string) {
  const table = snowflake.qualify('raw_order_events');
  const where = `event_type = 'order_created' AND event_time >= ? AND event_time < ?${state === undefined ? '' : ' AND customer_state = ?'}`;
  const params = state === undefined ? [from, to] : [from, to, state];
  const [totals] = await snowflake.query<{ orders: number; items: number | null; revenue: string | null }>(
    `SELECT count(*) AS orders, sum(items_count) AS items, sum(items_value) AS revenue FROM ${table} WHERE ${where}`,
    params,
  );
  const payloads = await snowflake.query<{ payload: string }>(
    `SELECT payload FROM ${table} WHERE ${where}`,
    params,
  );
  const sellers = new Set<string>();
  for (const { payload } of payloads) {
    for (const item of (JSON.parse(payload) as { order: { items: { seller_id: string }[] } }).order.items) {
      sellers.add(item.seller_id);
    }
  }
  return {
    orders: Number(totals?.orders ?? 0),
    itemsSold: Number(totals?.items ?? 0),
    revenue: totals?.revenue ?? '0.00',
    activeSellers: sellers.size,
  };
}

describe('dashboard on Snowflake', () => {
  it('serves last-hour KPIs equal to independent SQL over the Snowflake tables', async () => {
    const { payload } = await panel<{ current: KpiValues; previous: KpiValues; lastWeek: KpiValues }>(
      onSnowflake,
      'kpis',
    );
    const now = frozen.getTime();
    const current = await expectedKpis(new Date(now - HOUR), frozen);
    expect(current.orders).toBeGreaterThan(0);
    expect(payload.current).toMatchObject(current);
    expect(payload.previous).toMatchObject(
      await expectedKpis(new Date(now - 2 * HOUR), new Date(now - HOUR)),
    );
    expect(payload.lastWeek).toMatchObject(
      await expectedKpis(new Date(now - WEEK - HOUR), new Date(now - WEEK)),
    );
    expect(payload.current.orders).toBeGreaterThan(0);
    expect(payload.lastWeek.orders).toBeGreaterThan(0);

    const sp = await panel<{ current: KpiValues }>(onSnowflake, 'kpis?state=SP');
    expect(sp.payload.current).toMatchObject(await expectedKpis(new Date(now - HOUR), frozen, 'SP'));
    expect(sp.payload.current.orders).toBeLessThan(payload.current.orders);
  });

  it.each(['', '?state=SP', '?category=CATEGORY', '?state=SP&category=CATEGORY'])(
    'serves every live panel with the same data as on DuckDB (filters "%s")',
    async (query) => {
      const filters = query.replace('CATEGORY', category);
      const seen = new Map<string, unknown>();
      for (const id of ['kpis', 'hourly-sales', 'top-sellers', 'heatmap', 'alerts']) {
        const [fromSnowflake, fromDuckDb] = await Promise.all([
          panel(onSnowflake, `${id}${filters}`),
          panel(onDuckDb, `${id}${filters}`),
        ]);
        expect(fromSnowflake.payload, `${id}${filters}`).toEqual(fromDuckDb.payload);
        seen.set(id, fromSnowflake.payload);
      }
      // Not a comparison of empty panels.
      const sellers = seen.get('top-sellers') as { periods: { week: unknown[] } };
      expect(sellers.periods.week.length).toBeGreaterThan(0);
      const heatmap = seen.get('heatmap') as { cells: number[][] };
      expect(heatmap.cells.flat().reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
    },
  );

  it('filters by category to the orders with an item of that category', async () => {
    const all = await panel<{ current: KpiValues }>(onSnowflake, 'kpis');
    const filtered = await panel<{ current: KpiValues }>(onSnowflake, `kpis?category=${category}`);
    const payloads = await snowflake.query<{ payload: string }>(
      `SELECT payload FROM ${snowflake.qualify('raw_order_events')}
       WHERE event_type = 'order_created' AND event_time >= ? AND event_time < ?`,
      [new Date(frozen.getTime() - HOUR), frozen],
    );
    const withCategory = payloads.filter(({ payload }) =>
      (JSON.parse(payload) as { order: { items: { product_category_name: string }[] } }).order.items.some(
        (item) => item.product_category_name === category,
      ),
    );
    expect(withCategory.length).toBeGreaterThan(0);
    expect(filtered.payload.current.orders).toBe(withCategory.length);
    expect(filtered.payload.current.orders).toBeLessThan(all.payload.current.orders);
  });

  it('lists the categories of the stream for the filter', async () => {
    const [fromSnowflake, fromDuckDb] = await Promise.all([
      fetch(`${onSnowflake.url}api/filters`).then((r) => r.json()),
      fetch(`${onDuckDb.url}api/filters`).then((r) => r.json()),
    ]);
    expect((fromSnowflake as { categories: string[] }).categories).toContain(category);
    expect(fromSnowflake).toEqual(fromDuckDb);
  });

  it('shows pipeline health from the Snowflake tables', async () => {
    const { payload } = await panel<{
      lastIngestedAt: string | null;
      committedOffsets: { topic: string; partition: number; nextOffset: string }[];
      deadLetterCount: number;
    }>(onSnowflake, 'health');
    const [newest] = await snowflake.query<{ newest: Date }>(
      `SELECT max(ingested_at) AS newest FROM ${snowflake.qualify('raw_order_events')}`,
    );
    expect(payload.lastIngestedAt).toBe(newest?.newest.toISOString());
    expect(payload.committedOffsets).toMatchObject([{ topic: 'orders', partition: 2, nextOffset: '1234' }]);
    expect(payload.deadLetterCount).toBe(0);
  });

  it('pushes an order written to Snowflake over the event stream', async () => {
    const before = (await panel<{ current: KpiValues }>(onSnowflake, 'kpis')).payload.current.orders;
    const controller = new AbortController();
    const response = await fetch(`${onSnowflake.url}api/stream`, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>)
      .pipeThrough(new TextDecoderStream())
      .getReader();
    let buffer = '';
    const nextKpis = async (): Promise<number> => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (block.includes('event: panel') && data.includes('"id":"kpis"')) {
            return (JSON.parse(data) as Message<{ current: KpiValues }>).payload.current.orders;
          }
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the event stream ended');
        buffer += value;
      }
    };
    try {
      expect(await nextKpis()).toBe(before);
      const row = orderCreatedRow(
        {
          eventTime: new Date(frozen.getTime() - 1000),
          state: 'SP',
          items: [{ sellerId: 'f'.repeat(32), category, price: 4990, freight: 990 }],
        },
        seededRandom(11),
      );
      await snowflake.write([{ table: 'raw_order_events', rows: [row] }]);
      expect(await nextKpis()).toBe(before + 1);
    } finally {
      controller.abort();
    }
    // The only row landed in the last minute (and 5 minutes): its latency is the p95, 150 ms.
    const { payload } = await panel<{ eventsPerSecond: number; endToEndLatencyMs: number | null }>(
      onSnowflake,
      'health',
    );
    expect(payload.endToEndLatencyMs).toBe(150);
    expect(payload.eventsPerSecond).toBeCloseTo(1 / 60, 10);
  });

  it('buckets an order in the last half second of an hour into that hour, like DuckDB', async () => {
    // Regression: whole epoch seconds rounded on the emulator moved such an order to the next hour.
    const hourEnd = Math.floor(frozen.getTime() / HOUR) * HOUR - 2 * HOUR;
    const row = orderCreatedRow(
      {
        eventTime: new Date(hourEnd - 300),
        state: 'AC',
        items: [{ sellerId: 'e'.repeat(32), category, price: 1000, freight: 100 }],
      },
      seededRandom(12),
    );
    await writeBoth([{ table: 'raw_order_events', rows: [row] }]);
    const hours = async (dashboard: DashboardServer) =>
      (await panel<{ points: { hour: string; orders: number }[] }>(dashboard, 'hourly-sales?state=AC'))
        .payload.points;
    const points = await hours(onSnowflake);
    expect(points).toEqual(await hours(onDuckDb));
    expect(points.find((p) => p.hour === new Date(hourEnd - HOUR).toISOString())?.orders).toBeGreaterThan(0);
  });

  it('finds a dbt mart in Snowflake by its stored (upper-case) name', async () => {
    const before = (await (await fetch(`${onSnowflake.url}api/history`)).json()) as { built: boolean };
    expect(before.built).toBe(false);
    await snowflake.query(
      `CREATE TABLE "${schema}".MART_REVIEW_SCORES AS SELECT 5 AS review_score, 42 AS orders`,
    );
    const { payload } = await panel<{ built: boolean; columns: string[]; rows: unknown[][] }>(
      onSnowflake,
      'history-review-scores',
    );
    expect(payload.built).toBe(true);
    expect(payload.columns).toEqual(['review_score', 'orders']);
    expect(payload.rows).toEqual([[5, 42]]);
  });

  it('sends Snowflake no DuckDB-only SQL', () => {
    expect(sent.length).toBeGreaterThan(20);
    const offending = sent.flatMap((sql) =>
      DUCKDB_ONLY.filter((pattern) => pattern.test(sql)).map((pattern) => `${pattern}: ${sql.slice(0, 200)}`),
    );
    expect(offending).toEqual([]);
  });
});
