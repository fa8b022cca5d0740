import type { QueryParam, Warehouse } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardServer, type DashboardServer } from '../src/index.js';
import { orderCreatedRow, seededRandom, seedOrders } from './helpers/order-rows.js';

// Regression (issue 19): 300 concurrent panel requests over 4 filter combinations each ran their
// own queries, one at a time (the last answered after 48 s on a loaded machine). Identical panel
// requests now share one computation and its result, per panel + filters + data version.

/** A fixed clock (a Wednesday afternoon in São Paulo): the windows never depend on today. */
const NOW = new Date('2026-11-18T18:00:00.000Z');
const FILTER_SETS = ['', '?state=SP', '?category=CATEGORY', '?state=SP&category=CATEGORY'];
const REQUESTS = 300;
/** The version probe of the hub: cheap, and not a panel query. */
const PROBE = /SELECT count\(\*\) AS n, max\(ingested_at\) AS newest FROM/;

let duckdb: Warehouse;
let dashboard: DashboardServer;
type Sent = { sql: string; params: string }[];
/** Every statement the dashboard sent, with its parameters. */
const sent: Sent = [];

/** The real DuckDB warehouse, recording every query sent through it into `sent`. */
function counting(warehouse: Warehouse, sent: Sent): Warehouse {
  return new Proxy(warehouse, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (sql: string, params?: readonly QueryParam[]) => {
          sent.push({ sql, params: JSON.stringify(params ?? []) });
          return target.query(sql, params);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

let category: string;
let panels: string[];

beforeAll(async () => {
  duckdb = await createDuckDbWarehouse({ path: ':memory:' });
  await duckdb.migrate();
  await seedOrders(duckdb, { now: NOW, orders: 1500, spanHours: 24 * 9 });
  dashboard = await createDashboardServer({ warehouse: counting(duckdb, sent), port: 0, now: () => NOW });
  const filters = (await (await fetch(`${dashboard.url}api/filters`)).json()) as { categories: string[] };
  category = filters.categories[0] as string;
  const listed = (await (await fetch(`${dashboard.url}api/panels`)).json()) as {
    live: { id: string; filtered: boolean }[];
  };
  panels = listed.live.filter((panel) => panel.filtered).map((panel) => panel.id);
});

afterAll(async () => {
  await dashboard?.close();
  await duckdb?.close();
});

describe('dashboard under load', () => {
  it('answers 300 concurrent panel requests over 4 filter combinations with one query per distinct panel + filters', async () => {
    expect(panels.length).toBeGreaterThanOrEqual(3);
    const combinations = panels.flatMap((id) =>
      FILTER_SETS.map((filters) => `${id}${filters.replace('CATEGORY', category)}`),
    );
    sent.length = 0;
    const responses = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const path = combinations[i % combinations.length] as string;
        const response = await fetch(`${dashboard.url}api/panels/${path}`);
        return { path, status: response.status, body: (await response.json()) as { payload: unknown } };
      }),
    );
    expect(responses.filter((r) => r.status !== 200)).toEqual([]);
    // Requests for the same panel + filters got the same data.
    const byPath = new Map<string, string>();
    for (const { path, body } of responses) {
      const payload = JSON.stringify(body.payload);
      expect(byPath.get(path) ?? payload, path).toBe(payload);
      byPath.set(path, payload);
    }
    expect(byPath.size).toBe(combinations.length);

    const panelQueries = sent.filter(({ sql }) => !PROBE.test(sql));
    const executions = new Map<string, number>();
    for (const { sql, params } of panelQueries) {
      const key = `${sql}\n${params}`;
      executions.set(key, (executions.get(key) ?? 0) + 1);
    }
    const repeated = [...executions].filter(([, n]) => n > 1).map(([key, n]) => `${n}× ${key.slice(0, 160)}`);
    expect(repeated).toEqual([]);
    // One computation per distinct panel + filters: exactly the queries of loading each
    // combination once, one after the other, on a fresh dashboard.
    const baseline: Sent = [];
    const fresh = await createDashboardServer({
      warehouse: counting(duckdb, baseline),
      port: 0,
      now: () => NOW,
    });
    try {
      await fetch(`${fresh.url}api/filters`);
      baseline.length = 0;
      for (const path of combinations)
        expect((await fetch(`${fresh.url}api/panels/${path}`)).status).toBe(200);
    } finally {
      await fresh.close();
    }
    const baselineQueries = baseline.filter(({ sql }) => !PROBE.test(sql));
    expect(baselineQueries.length).toBeGreaterThanOrEqual(combinations.length);
    expect(panelQueries.length).toBe(baselineQueries.length);
    expect(panelQueries.map(({ sql, params }) => `${sql}\n${params}`).sort()).toEqual(
      baselineQueries.map(({ sql, params }) => `${sql}\n${params}`).sort(),
    );
  });

  it('stays live: a request after a write sees the written order', async () => {
    const orders = async () =>
      (
        (await (await fetch(`${dashboard.url}api/panels/kpis?state=AC`)).json()) as {
          payload: { current: { orders: number } };
        }
      ).payload.current.orders;
    const before = await orders();
    expect(await orders()).toBe(before);
    const row = orderCreatedRow(
      {
        eventTime: new Date(NOW.getTime() - 60_000),
        state: 'AC',
        items: [{ sellerId: 'a'.repeat(32), category, price: 1000, freight: 100 }],
      },
      seededRandom(3),
    );
    await duckdb.write([{ table: 'raw_order_events', rows: [row] }]);
    expect(await orders()).toBe(before + 1);
  });
});
