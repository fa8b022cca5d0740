import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Warehouse } from '@orderstream/core';
import { startOfLocalDay, startOfLocalWeek } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardServer, type DashboardServer } from '../src/index.js';
import { orderCreatedRow, seededRandom, seedOrders } from './helpers/order-rows.js';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
/**
 * The dashboard's clock stands still at a fixed instant (a Wednesday afternoon in São Paulo), so
 * "today" and "this week" hold data whatever day and hour the test runs (regression: a test run
 * early on a Monday found no sellers in "this week").
 */
const NOW = new Date('2026-11-18T18:00:00.000Z');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let dir: string;
let warehouse: Warehouse;
let dashboard: DashboardServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const random = seededRandom(7);

/** Digits of a displayed number: "1,234" → 1234, "R$ 1,234.56" → 123456 (cents). */
const digits = (text: string | null) => Number((text ?? '').replace(/[^0-9]/g, ''));

interface Kpis {
  orders: number;
  items: number;
  revenueCents: number;
  sellers: number;
}

/** The last hour's KPIs computed independently: plain SQL per window, sellers counted in JS. */
async function expectedKpis(from: Date, to: Date, state?: string): Promise<Kpis> {
  const stateSql = state === undefined ? '' : 'AND customer_state = ?';
  const params = state === undefined ? [from, to] : [from, to, state];
  const table = warehouse.qualify('raw_order_events');
  const [totals] = await warehouse.query<{ orders: number; items: number | null; revenue: string | null }>(
    `SELECT count(*) AS orders, sum(items_count) AS items, sum(items_value) AS revenue FROM ${table}
     WHERE event_type = 'order_created' AND event_time >= ? AND event_time < ? ${stateSql}`,
    params,
  );
  const payloads = await warehouse.query<{ payload: string }>(
    `SELECT payload FROM ${table} WHERE event_type = 'order_created' AND event_time >= ? AND event_time < ? ${stateSql}`,
    params,
  );
  const sellers = new Set<string>();
  for (const { payload } of payloads) {
    for (const item of (JSON.parse(payload) as { order: { items: { seller_id: string }[] } }).order.items) {
      sellers.add(item.seller_id);
    }
  }
  const [whole = '0', fraction = '00'] = (totals?.revenue ?? '0.00').split('.');
  return {
    orders: Number(totals?.orders ?? 0),
    items: Number(totals?.items ?? 0),
    revenueCents: Number(whole) * 100 + Number(fraction.padEnd(2, '0')),
    sellers: sellers.size,
  };
}

async function shownKpis(): Promise<Kpis & { basketCents: number }> {
  const text = (id: string) => page.getByTestId(id).textContent();
  return {
    orders: digits(await text('kpi-orders')),
    items: digits(await text('kpi-items')),
    basketCents: digits(await text('kpi-basket')),
    revenueCents: digits((await text('kpi-revenue'))?.match(/R\$ [\d,.]+/)?.[0] ?? ''),
    sellers: digits(await text('kpi-sellers')),
  };
}

const renders = (testId: string) => page.getByTestId(testId).getAttribute('data-renders');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-dashboard-'));
  warehouse = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
  await warehouse.migrate();
  const now = NOW.getTime();
  await seedOrders(warehouse, {
    now: NOW,
    orders: 2500,
    spanHours: 24 * 9,
    dailyProfile: true,
    // Rolling windows start and end near these instants: keep them empty so values are stable
    // while the test runs.
    quietAround: [now, now - HOUR, now - 2 * HOUR, now - WEEK, now - WEEK - HOUR].map((t) => new Date(t)),
  });
  dashboard = await createDashboardServer({ warehouse, port: 0, now: () => NOW });
  // The browser only shows what the server sends; it keeps the real clock when the suite runs
  // under libfaketime (scripts/clock-check.sh), whose preload chromium's processes do not survive.
  const { LD_PRELOAD: _preload, FAKETIME: _faketime, ...env } = process.env;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, env });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(dashboard.url);
  for (const id of [
    'panel-kpis',
    'panel-hourly-sales',
    'panel-top-sellers',
    'panel-heatmap',
    'panel-health',
  ]) {
    await page.locator(`[data-testid="${id}"][data-renders]`).waitFor({ timeout: 60_000 });
  }
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await warehouse?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('dashboard in a browser', () => {
  it('loads with every live panel rendered and no console errors', async () => {
    await page.locator('[data-testid="panel-alert-status"][data-renders]').waitFor();
    expect(await page.getByTestId('connection').textContent()).toBe('live');
    expect(await page.locator('#hourly-chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#heatmap-chart canvas').count()).toBeGreaterThan(0);
    // The page names its time zone, leads with Revenue, shows active customers, and every tile
    // carries its catalogue definition as a tooltip.
    expect(await page.getByTestId('time-zone').textContent()).toBe('America/Sao_Paulo');
    expect(await page.locator('.kpi').first().getAttribute('data-kpi')).toBe('revenue');
    expect(await page.locator('[data-kpi="revenue"]').getAttribute('title')).toContain('Freight excluded');
    expect(await page.locator('[data-kpi="activeCustomers"]').getAttribute('title')).toContain(
      'customer_unique_id',
    );
    expect(digits(await page.getByTestId('kpi-customers').textContent())).toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
  });

  it('shows last-hour KPIs equal to independent SQL over the warehouse', async () => {
    const now = NOW.getTime();
    const expected = await expectedKpis(new Date(now - HOUR), new Date(now));
    expect(expected.orders).toBeGreaterThan(0);
    const shown = await shownKpis();
    expect(shown.orders).toBe(expected.orders);
    expect(shown.items).toBe(expected.items);
    expect(shown.revenueCents).toBe(expected.revenueCents);
    expect(shown.basketCents).toBe(Math.round(expected.revenueCents / expected.orders));
    expect(shown.sellers).toBe(expected.sellers);

    const previous = await expectedKpis(new Date(now - 2 * HOUR), new Date(now - HOUR));
    const pct = ((expected.orders - previous.orders) / previous.orders) * 100;
    const ordersDelta = await page.locator('[data-kpi="orders"] .delta span').first().textContent();
    expect(ordersDelta).toContain(
      `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(Math.abs(pct))}%`,
    );
  });

  it('ranks the top sellers of each period like an independent computation over the items', async () => {
    // "today" and "this week" are local days of the business time zone (default São Paulo).
    const now = NOW;
    const midnight = startOfLocalDay(now, 'America/Sao_Paulo');
    const monday = startOfLocalWeek(now, 'America/Sao_Paulo');
    const { payload } = (await (await fetch(`${dashboard.url}api/panels/top-sellers`)).json()) as {
      payload: {
        periods: Record<string, { sellerId: string; orders: number; items: number; revenue: string }[]>;
      };
    };
    for (const [period, from] of [
      ['hour', new Date(now.getTime() - HOUR)],
      ['today', midnight],
      ['week', monday],
    ] as const) {
      const rows = await warehouse.query<{ payload: string }>(
        `SELECT payload FROM ${warehouse.qualify('raw_order_events')}
         WHERE event_type = 'order_created' AND event_time >= ? AND event_time < ?`,
        [from, now],
      );
      const sellers = new Map<string, { orders: Set<string>; items: number; cents: number }>();
      for (const row of rows) {
        const { order } = JSON.parse(row.payload) as {
          order: { order_id: string; items: { seller_id: string; price: string }[] };
        };
        for (const item of order.items) {
          const s = sellers.get(item.seller_id) ?? { orders: new Set(), items: 0, cents: 0 };
          s.orders.add(order.order_id);
          s.items += 1;
          s.cents += Math.round(Number(item.price) * 100);
          sellers.set(item.seller_id, s);
        }
      }
      const expected = [...sellers]
        .sort(([a, x], [b, y]) => y.cents - x.cents || a.localeCompare(b))
        .slice(0, 10)
        .map(([sellerId, s]) => ({
          sellerId,
          orders: s.orders.size,
          items: s.items,
          revenue: `${Math.trunc(s.cents / 100)}.${String(s.cents % 100).padStart(2, '0')}`,
        }));
      expect(payload.periods[period], period).toEqual(expected);
    }
    // The week may have begun minutes ago (local Monday 00:00); the last hour always has sales here.
    expect(payload.periods.hour?.length).toBeGreaterThan(0);
  });

  it('applies the state filter to the KPIs', async () => {
    await page.getByTestId('filter-state').selectOption('RJ');
    const now = NOW.getTime();
    const expected = await expectedKpis(new Date(now - HOUR), new Date(now), 'RJ');
    await page.waitForFunction(
      (orders) => document.querySelector('[data-testid="kpi-orders"]')?.textContent === orders,
      new Intl.NumberFormat('en-US').format(expected.orders),
      { timeout: 30_000 },
    );
    expect((await shownKpis()).items).toBe(expected.items);
    expect(new URL(page.url()).searchParams.get('state')).toBe('RJ');
    await page.getByTestId('filter-state').selectOption('');
    const all = await expectedKpis(new Date(now - HOUR), new Date(now));
    await page.waitForFunction(
      (orders) => document.querySelector('[data-testid="kpi-orders"]')?.textContent === orders,
      new Intl.NumberFormat('en-US').format(all.orders),
      { timeout: 30_000 },
    );
  });

  // How fast the push is belongs to the benchmarks (bench/); here only that it comes, by itself.
  it('pushes an order written now to the page without reload, re-rendering only changed panels', async () => {
    await page.evaluate(() => {
      (window as unknown as { marker: string }).marker = 'same page';
    });
    const before = digits(await page.getByTestId('kpi-orders').textContent());
    const alertRenders = await renders('panel-alert-status');
    const sellerId = 'f'.repeat(32);
    const row = orderCreatedRow(
      {
        eventTime: new Date(NOW.getTime() - 1000),
        state: 'SP',
        items: [{ sellerId, category: 'brinquedos', price: 12_345, freight: 990 }],
      },
      random,
    );
    await warehouse.write([{ table: 'raw_order_events', rows: [row] }]);
    await page.waitForFunction(
      (expected) =>
        Number(document.querySelector('[data-testid="kpi-orders"]')?.textContent?.replace(/\D/g, '')) ===
        expected,
      before + 1,
      { timeout: 30_000, polling: 50 },
    );
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
    expect(await renders('panel-alert-status')).toBe(alertRenders);
  });

  it('shows an alert row written to the alerts table as a visible firing alert with its explanation', async () => {
    const kpiRenders = await renders('panel-kpis');
    const explanation = 'Orders per minute 41 are above the normal band 8–19 (z = 5.2): a sales spike.';
    await warehouse.write([
      {
        table: 'alerts',
        rows: [
          {
            alert_id: 'spike-orders-test',
            rule: 'orders-spike',
            series: 'orders',
            severity: 'critical',
            state: 'firing',
            started_at: new Date(NOW.getTime() - 120_000),
            fired_at: new Date(NOW.getTime() - 60_000),
            resolved_at: null,
            observed: 41,
            expected: 13.5,
            band_low: 8,
            band_high: 19,
            explanation,
            details: '{}',
          },
        ],
      },
    ]);
    const firing = page.locator('[data-testid="firing-alerts"] li[data-alert-id="spike-orders-test"]');
    await firing.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await firing.textContent()).toContain(explanation);
    expect(await page.getByTestId('alert-status').textContent()).toBe('1 alert firing');
    expect(
      await page
        .locator('[data-testid="alert-timeline"] li[data-alert-id="spike-orders-test"]')
        .textContent(),
    ).toContain('critical · firing');
    expect(await renders('panel-kpis')).toBe(kpiRenders);
  });

  it('downloads a panel as CSV with the values shown', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="panel-kpis"] a.csv').click(),
    ]);
    expect(download.suggestedFilename()).toBe('kpis.csv');
    const path = await download.path();
    const lines = (await readFile(path, 'utf8')).trim().split('\r\n');
    expect(lines[0]).toBe('period,revenue,orders,items_sold,average_basket,active_customers,active_sellers');
    const current = lines.find((line) => line.startsWith('current,'))?.split(',');
    expect(Number(current?.[2])).toBe(digits(await page.getByTestId('kpi-orders').textContent()));

    const filtered = await fetch(`${dashboard.url}api/panels/hourly-sales.csv?state=SP`);
    expect(filtered.status).toBe(200);
    expect(filtered.headers.get('content-type')).toContain('text/csv');
    const rows = (await filtered.text()).trim().split('\r\n');
    expect(rows[0]).toBe('hour,local_hour,orders,items,revenue');
    expect(rows).toHaveLength(25);
  });

  it('rejects hostile filter values with 4xx, leaks nothing and stays up', async () => {
    const table = warehouse.qualify('raw_order_events');
    const [{ n: rowsBefore } = { n: 0 }] = await warehouse.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${table}`,
    );
    const hostile = [
      "api/panels/kpis?state=SP' OR '1'='1",
      "api/panels/kpis?category=x'); DROP TABLE raw.raw_order_events; --",
      'api/panels/kpis?category=beleza_saude%27%20OR%201%3D1',
      'api/panels/kpis?admin=true',
      'api/panels/kpis?state=SP&state=RJ',
      'api/panels/kpis?category=%00',
      `api/panels/kpis?category=${'a'.repeat(5000)}`,
      'api/panels/heatmap.csv?state=<script>alert(1)</script>',
      'api/panels/..%2F..%2Fpackage.json',
      'api/panels/no-such-panel.csv',
      'api/stream?state=ZZ',
      'api/history?state=SP',
    ];
    for (const path of hostile) {
      const response = await fetch(`${dashboard.url}${path}`);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      const body = await response.text();
      expect(body, path).not.toMatch(/SELECT|\bat .*\.ts:\d+|node_modules|Error:/);
    }
    const unknown = await (await fetch(`${dashboard.url}api/panels/kpis?admin=true`)).json();
    expect(unknown).toEqual({
      error: {
        code: 'DASHBOARD_INVALID_FILTER',
        message: 'Invalid filter: unknown filter "admin" (allowed: state, category).',
      },
    });
    // A foreign Host header (DNS rebinding) is refused while bound to loopback.
    const rebinding = await new Promise<number>((resolve, reject) => {
      const url = new URL(dashboard.url);
      request(
        { host: url.hostname, port: url.port, path: '/api/panels/kpis', headers: { host: 'evil.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end();
    });
    expect(rebinding).toBe(403);
    expect((await fetch(`${dashboard.url}healthz`)).status).toBe(200);
    expect((await fetch(`${dashboard.url}api/panels/kpis?state=SP`)).status).toBe(200);
    const [{ n: rowsAfter } = { n: 0 }] = await warehouse.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${table}`,
    );
    expect(rowsAfter).toBe(rowsBefore);
  });

  it('shows a clear message for a hostile filter in the address bar and keeps showing all data', async () => {
    const other = await browser.newPage();
    await other.goto(`${dashboard.url}?state=${encodeURIComponent("SP'--")}`);
    await other.getByTestId('banner').waitFor({ state: 'visible' });
    expect(await other.getByTestId('banner').textContent()).toContain('Invalid filter');
    await other.locator('[data-testid="panel-kpis"][data-renders]').waitFor();
    expect(new URL(other.url()).search).toBe('');
    await other.close();
  });

  it('says the history is not built until the dbt marts exist, then charts them', async () => {
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByTestId('history-message').waitFor({ state: 'visible' });
    expect(await page.getByTestId('history-message').textContent()).toBe(
      'history not built yet — run dbt to build the marts: npm run dbt -- build',
    );
    expect(await page.getByTestId('dbt-command').textContent()).toBe('npm run dbt -- build');

    // Stand in for `dbt build`: the order fact with the columns the history panels read (two
    // months of 2018 and one of the stream, years later).
    await warehouse.query('CREATE SCHEMA IF NOT EXISTS marts');
    await warehouse.query(
      `CREATE TABLE marts.fct_orders AS
       SELECT * FROM (VALUES
         ('o1', 'delivered', 'c1', 'SP', TIMESTAMP '2018-06-03 10:00:00', 1, 123456.78, 10.00, 123466.78),
         ('o2', 'canceled', 'c2', 'RJ', TIMESTAMP '2018-07-04 11:00:00', 1, 50.00, 5.00, 55.00),
         ('o3', 'shipped', 'c3', 'SP', TIMESTAMP '2018-07-05 12:00:00', 2, 134567.89, 7.00, 134574.89),
         ('o4', 'created', 'c1', 'MG', TIMESTAMP '2026-01-10 09:00:00', 1, 99.90, 1.00, 100.90)
       ) AS t(order_id, order_status, customer_unique_id, customer_state, purchased_at, items_count,
              items_value, freight_value, payment_value)`,
    );
    await page.locator('#history-refresh').click();
    const card = page.locator('[data-history="history-sales-by-month"]');
    await card.waitFor({ state: 'visible' });
    expect(await card.locator('tbody tr').count()).toBe(3);
    // July 2018: o3's item prices only (o2 is canceled; freight is not revenue)
    expect(await card.locator('tbody').textContent()).toContain('134,567.89');
    expect(await card.locator('thead').textContent()).toContain('Revenue (R$)');
    expect(await card.locator('th', { hasText: 'Revenue (R$)' }).getAttribute('title')).toContain(
      'Freight excluded',
    );
    expect(await card.locator('canvas').count()).toBeGreaterThan(0);
    // 2018-07 → 2026-01 is drawn with a visible break, not as neighbours
    expect(await card.locator('.chart').getAttribute('data-breaks')).toBe('1');
    expect(await page.locator('[data-history="history-review-scores"]').textContent()).toContain(
      'npm run dbt -- build',
    );
    const csv = await (await fetch(`${dashboard.url}api/panels/history-sales-by-month.csv`)).text();
    expect(csv.split('\r\n')[0]).toBe(
      'purchase_month,orders,net_orders,gmv,order_value,items,average_basket,active_customers',
    );
    await page.getByRole('tab', { name: 'Live' }).click();
  });

  it('toggles dark and light themes and remembers the choice', async () => {
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const first = await theme();
    await page.getByTestId('theme-toggle').click();
    const second = await theme();
    expect(second).not.toBe(first);
    await page.reload();
    await page.locator('[data-testid="panel-kpis"][data-renders]').waitFor();
    expect(await theme()).toBe(second);
    expect(consoleErrors).toEqual([]);
  });
});
