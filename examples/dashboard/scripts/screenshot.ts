/**
 * Takes `docs/images/dashboard.png`: seeds a temporary DuckDB file with realistic sample orders and
 * alerts, keeps a trickle of live orders flowing, starts the dashboard and photographs it in
 * headless Chromium.
 *
 * Usage: node --conditions=@orderstream/source --import tsx examples/dashboard/scripts/screenshot.ts
 *          [--out docs/images/dashboard.png] [--theme light|dark] [--view live|history]
 *
 * With `--view history`, sample tables shaped like the dbt marts stand in for `dbt run`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { chromium } from 'playwright-core';
import { createDashboardServer } from '../src/index.js';
import { hexId, orderCreatedRow, randomOrder, seededRandom, seedOrders } from '../test/helpers/order-rows.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'docs/images/dashboard.png' },
    theme: { type: 'string', default: 'light' },
    view: { type: 'string', default: 'live' },
  },
});

const dir = await mkdtemp(join(tmpdir(), 'orderstream-screenshot-'));
const warehouse = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
await warehouse.migrate();
const now = new Date();
await seedOrders(warehouse, { now, orders: 40_000, spanHours: 24 * 28, dailyProfile: true, seed: 2018 });

const minute = 60_000;
await warehouse.write([
  {
    table: 'alerts',
    rows: [
      {
        alert_id: 'orders-spike-1',
        rule: 'orders-spike',
        series: 'orders',
        severity: 'critical',
        state: 'firing',
        started_at: new Date(now.getTime() - 6 * minute),
        fired_at: new Date(now.getTime() - 3 * minute),
        resolved_at: null,
        observed: 38,
        expected: 14.2,
        band_low: 7.9,
        band_high: 20.5,
        explanation:
          'Orders per minute (38) are far above the normal band 7.9–20.5 for this hour (z = 5.6): a sales spike.',
        details: '{}',
      },
      {
        alert_id: 'revenue-drop-rj-1',
        rule: 'revenue-drop',
        series: 'revenue{customer_state="RJ"}',
        severity: 'warning',
        state: 'resolved',
        started_at: new Date(now.getTime() - 26 * 60 * minute),
        fired_at: new Date(now.getTime() - 26 * 60 * minute + 5 * minute),
        resolved_at: new Date(now.getTime() - 25 * 60 * minute),
        observed: 310.5,
        expected: 1240,
        band_low: 720,
        band_high: 1760,
        explanation: 'Revenue from RJ per minute fell below its normal band for 5 minutes (CUSUM): a drop.',
        details: '{}',
      },
    ],
  },
]);

if (values.view === 'history') {
  // Stand-ins for the dbt marts, with their columns, built from the sample events.
  const events = warehouse.qualify('raw_order_events');
  await warehouse.query('CREATE SCHEMA IF NOT EXISTS marts');
  await warehouse.query(`CREATE TABLE marts.mart_sales_by_month AS
    SELECT CAST(m AS DATE) AS purchase_month, CAST(800 + 90 * i + 60 * sin(i) AS INTEGER) AS orders,
           CAST((800 + 90 * i + 60 * sin(i)) * 152.4 AS DECIMAL(18, 2)) AS revenue
    FROM (SELECT DATE '2017-01-01' + INTERVAL (i) MONTH AS m, i FROM range(20) t(i))`);
  await warehouse.query(`CREATE TABLE marts.mart_sales_by_category AS
    SELECT cat AS product_category_name_english, count(*) AS orders, sum(items_value) AS revenue
    FROM (SELECT items_value, json_extract_string(payload, '$.order.items[0].product_category_name') AS cat FROM ${events})
    GROUP BY 1`);
  await warehouse.query(`CREATE TABLE marts.mart_sales_by_state AS
    SELECT customer_state, count(*) AS orders, sum(items_value) AS revenue FROM ${events} GROUP BY 1`);
  await warehouse.query(`CREATE TABLE marts.mart_delivery_performance AS
    SELECT CAST(DATE '2017-01-01' + INTERVAL (i) MONTH AS DATE) AS purchase_month,
           14 - i * 0.3 + 2 * cos(i) AS avg_delivery_days, 0.12 - i * 0.003 AS late_rate
    FROM range(20) t(i)`);
  await warehouse.query(`CREATE TABLE marts.mart_review_scores AS
    SELECT s AS review_score, CAST([11000, 3100, 8100, 19000, 57000][s] AS BIGINT) AS orders
    FROM range(1, 6) t(s)`);
}

// A trickle of live orders, so the page shows fresh data and a real ingest rate.
const random = seededRandom(99);
const sellers = Array.from({ length: 40 }, () => hexId(seededRandom(2018)));
const trickle = setInterval(() => {
  const eventTime = new Date();
  const row = orderCreatedRow(
    { ...randomOrder(random, eventTime, sellers), ingestedAt: new Date(eventTime.getTime() + 180) },
    random,
  );
  void warehouse.write([{ table: 'raw_order_events', rows: [row] }]);
}, 250);

const dashboard = await createDashboardServer({
  warehouse,
  port: 0,
  health: () => ({
    eventsPerSecond: 4 + random(),
    deadLetterCount: 3,
    endToEndLatencyMs: 420 + Math.round(random() * 60),
    consumerLag: [0, 1, 2].map((partition) => ({
      topic: 'orders',
      partition,
      lag: Math.floor(random() * 12),
    })),
  }),
});

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1240 }, deviceScaleFactor: 1 });
  await page.addInitScript(
    (theme) => localStorage.setItem('orderstream-theme', theme),
    values.theme ?? 'light',
  );
  await page.goto(dashboard.url);
  for (const id of [
    'panel-kpis',
    'panel-hourly-sales',
    'panel-top-sellers',
    'panel-heatmap',
    'panel-health',
    'panel-alert-status',
  ]) {
    await page.locator(`[data-testid="${id}"][data-renders]`).waitFor({ timeout: 20_000 });
  }
  await page.getByTestId('period-picker').selectOption('today');
  if (values.view === 'history') {
    await page.getByRole('tab', { name: 'History' }).click();
    await page.locator('[data-history="history-review-scores"] canvas').waitFor();
  }
  await page.waitForTimeout(2500);
  await page.screenshot({ path: values.out ?? 'docs/images/dashboard.png', fullPage: true });
  console.log(`screenshot: ${values.out}`);
} finally {
  clearInterval(trickle);
  await browser.close();
  await dashboard.close();
  await warehouse.close();
  await rm(dir, { recursive: true, force: true });
}
