/**
 * Takes `docs/images/dashboard.png`: seeds a temporary DuckDB file with realistic sample orders and
 * alerts, keeps a trickle of live orders flowing, starts the dashboard and photographs it in
 * headless Chromium.
 *
 * Usage: node --conditions=@orderstream/source --import tsx examples/dashboard/scripts/screenshot.ts
 *          [--out docs/images/dashboard.png] [--theme light|dark] [--view live|history]
 *
 * With `--view history`, sample tables shaped like dbt's facts and marts stand in for `dbt build`.
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
  // Stand-ins for what `dbt build` makes and the History tab reads, with their columns: the facts
  // fct_orders / fct_order_items (the sample orders at their São Paulo local time, plus a synthetic
  // 2017–2018 history, so the page shows the break between the two) and two marts.
  const events = warehouse.qualify('raw_order_events');
  const history = `SELECT i, 'h' || i AS order_id,
      CASE WHEN i % 41 = 0 THEN 'canceled' WHEN i % 17 = 0 THEN 'shipped' ELSE 'delivered' END AS order_status,
      'c' || (i % 9000) AS customer_unique_id, ['SP', 'RJ', 'MG', 'RS', 'PR', 'BA'][1 + i % 6] AS customer_state,
      TIMESTAMP '2017-01-05 08:00:00' + INTERVAL (i * 41 + (i * 7919) % 600) MINUTE AS purchased_at,
      CAST(40 + (i * 7919) % 260 + 0.9 AS DECIMAL(18, 2)) AS price,
      CAST(9 + (i * 31) % 25 + 0.5 AS DECIMAL(18, 2)) AS freight_value
    FROM range(20000) t(i)`;
  await warehouse.query('CREATE SCHEMA IF NOT EXISTS marts');
  await warehouse.query(`CREATE TABLE marts.fct_orders AS
    SELECT order_id, order_status, customer_unique_id, customer_state,
           CAST(timezone('America/Sao_Paulo', event_time) AS TIMESTAMP) AS purchased_at,
           items_count, items_value, freight_value, payment_value
    FROM ${events}
    UNION ALL
    SELECT order_id, order_status, customer_unique_id, customer_state, purchased_at, 1, price,
           freight_value, price + freight_value
    FROM (${history})`);
  await warehouse.query(`CREATE TABLE marts.fct_order_items AS
    SELECT order_id, order_status, json_extract_string(payload, '$.order.items[0].seller_id') AS seller_id,
           json_extract_string(payload, '$.order.items[0].product_id') AS product_id,
           coalesce(json_extract_string(payload, '$.order.items[0].product_category_name'), 'unknown')
             AS product_category_name_english,
           CAST(timezone('America/Sao_Paulo', event_time) AS TIMESTAMP) AS purchased_at,
           items_value AS price, freight_value
    FROM ${events}
    UNION ALL
    SELECT order_id, order_status, 's' || (i % 80), 'p' || (i % 700),
           ['bed_bath_table', 'health_beauty', 'sports_leisure', 'furniture_decor', 'watches_gifts'][1 + i % 5],
           purchased_at, price, freight_value
    FROM (${history})`);
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
