/**
 * The dashboard on real Olist rows (`../shared/olist-real-sample`, skipped when absent): the
 * history loaded with loadHistory and modelled by `dbt build` (the repo's .venv: models and data tests), the same orders streamed
 * (replayed as `order_created` events at their real instants); every History and Live panel shows
 * the values that independent queries over the RAW tables give, with the catalogue's definitions
 * written out by hand here. Times: Olist's naive timestamps are São Paulo local time.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OrderEvent, Warehouse } from '@orderstream/core';
import { loadHistory, localToInstant, runDbt, toOrderEventRow } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { replayOlistOrders } from '@orderstream/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { panelPayloads } from './helpers/panel-payloads.js';

const root = resolve(import.meta.dirname, '../../..');
const SAMPLE = resolve(root, '../shared/olist-real-sample');
const ZONE = 'America/Sao_Paulo';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NET = "o.order_status NOT IN ('canceled', 'unavailable')";

const cents = (value: unknown) => Math.round(Number(value ?? 0) * 100);
const naiveText = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

interface RawOrder {
  order_id: string;
  order_status: string;
  customer_unique_id: string;
  /** Naive local purchase time, as a Date whose UTC fields are the wall clock. */
  ts: Date;
  items: { seller_id: string; price: number; freight: number }[];
}

describe.skipIf(!existsSync(SAMPLE))('the dashboard on the real Olist sample', () => {
  let dir: string;
  let history: Warehouse;
  let live: Warehouse;
  let rejects: number;
  let historyPanels: Record<string, unknown>;
  let livePanels: Record<string, unknown>;
  let raw: RawOrder[];
  let now: Date;

  /** A history panel's rows as objects keyed by column. */
  const table = (id: string) => {
    const payload = historyPanels[id] as { built: boolean; columns: string[]; rows: unknown[][] };
    expect(payload.built, id).toBe(true);
    return payload.rows.map((row) => Object.fromEntries(payload.columns.map((c, i) => [c, row[i]])));
  };
  const q = async (sql: string) => history.query(sql);
  const t = (name: string) => history.qualify(name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderstream-real-sample-'));
    const historyPath = join(dir, 'history.duckdb');
    const loading = await createDuckDbWarehouse({ path: historyPath });
    await loading.migrate();
    const loaded = await loadHistory({ dataDir: SAMPLE, warehouse: loading });
    rejects = loaded.tables.reduce((sum, entry) => sum + entry.rejects, 0);
    await loading.close();
    await runDbt({
      projectDir: join(root, 'dbt_transform'),
      // `build`: the models and every data test, as a user runs it; it throws (CORE_DBT_FAILED) when a
      // test errors, so the panels below are only checked on marts real rows build green.
      args: ['build'],
      duckdbPath: historyPath,
      businessTimeZone: ZONE,
      env: { DBT_TARGET: 'duckdb', ORDERSTREAM_RAW_SCHEMA: 'raw', DBT_THREADS: '2' },
    });
    history = await createDuckDbWarehouse({ path: historyPath });

    // Every order with its items, from RAW.
    const rows = await q(
      `SELECT o.order_id, o.order_status, c.customer_unique_id, o.order_purchase_timestamp AS ts,
              i.seller_id, i.price, i.freight_value
       FROM ${t('olist_orders')} o
       LEFT JOIN ${t('olist_customers')} c ON c.customer_id = o.customer_id
       LEFT JOIN ${t('olist_order_items')} i ON i.order_id = o.order_id`,
    );
    const byId = new Map<string, RawOrder>();
    for (const row of rows) {
      const id = String(row.order_id);
      let order = byId.get(id);
      if (!order) {
        order = {
          order_id: id,
          order_status: String(row.order_status),
          customer_unique_id: String(row.customer_unique_id),
          ts: row.ts as Date,
          items: [],
        };
        byId.set(id, order);
      }
      if (row.seller_id !== null && row.seller_id !== undefined) {
        order.items.push({
          seller_id: String(row.seller_id),
          price: cents(row.price),
          freight: cents(row.freight_value),
        });
      }
    }
    raw = [...byId.values()];

    // The live side: the same orders streamed, each at its real instant (naive São Paulo time).
    live = await createDuckDbWarehouse({ path: join(dir, 'live.duckdb') });
    await live.migrate();
    const events: OrderEvent[] = [];
    for await (const event of replayOlistOrders({ dataDir: SAMPLE, speedup: 1e12, eventTime: 'original' })) {
      events.push({ ...event, event_time: localToInstant(event.order.order_purchase_timestamp, ZONE) });
    }
    const ingestedAt = new Date(Math.max(...events.map((e) => e.event_time.getTime())) + 1000);
    const eventRows = events.map((event) => toOrderEventRow(event, { ingestedAt }));
    for (let i = 0; i < eventRows.length; i += 1000) {
      await live.write([{ table: 'raw_order_events', rows: eventRows.slice(i, i + 1000), mode: 'append' }]);
    }
    // The clock: one minute after the newest order.
    now = new Date(Math.max(...events.map((e) => e.event_time.getTime())) + 60_000);
    historyPanels = await panelPayloads(history, now, ZONE);
    livePanels = await panelPayloads(live, now, ZONE);
  });

  afterAll(async () => {
    await history?.close();
    await live?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads with zero rejects', () => {
    expect(rejects).toBe(0);
  });

  it('shows all-time totals equal to independent SQL over RAW', async () => {
    const [orders] = await q(
      `SELECT count(*) AS orders,
              count(CASE WHEN order_status = 'delivered' THEN 1 END) AS delivered,
              count(CASE WHEN order_status NOT IN ('canceled', 'unavailable') THEN 1 END) AS net
       FROM ${t('olist_orders')}`,
    );
    const [items] = await q(
      `SELECT sum(i.price) AS gmv, sum(i.freight_value) AS freight, count(*) AS items,
              count(DISTINCT i.seller_id) AS sellers, count(DISTINCT i.order_id) AS basket_orders
       FROM ${t('olist_order_items')} i JOIN ${t('olist_orders')} o ON o.order_id = i.order_id WHERE ${NET}`,
    );
    const [payments] = await q(`SELECT sum(payment_value) AS payments FROM ${t('olist_order_payments')}`);
    const [customers] = await q(
      `SELECT count(DISTINCT c.customer_unique_id) AS customers
       FROM ${t('olist_orders')} o JOIN ${t('olist_customers')} c ON c.customer_id = o.customer_id WHERE ${NET}`,
    );
    const [totals] = table('history-totals');
    expect(Number(totals?.orders)).toBe(Number(orders?.orders));
    expect(Number(totals?.delivered_orders)).toBe(Number(orders?.delivered));
    expect(Number(totals?.net_orders)).toBe(Number(orders?.net));
    expect(cents(totals?.gmv)).toBe(cents(items?.gmv));
    expect(cents(totals?.freight)).toBe(cents(items?.freight));
    expect(cents(totals?.order_value)).toBe(cents(items?.gmv) + cents(items?.freight));
    expect(Number(totals?.items)).toBe(Number(items?.items));
    expect(Number(totals?.active_sellers)).toBe(Number(items?.sellers));
    expect(Number(totals?.active_customers)).toBe(Number(customers?.customers));
    expect(cents(totals?.payments)).toBe(cents(payments?.payments));
    expect(cents(totals?.average_basket)).toBe(Math.round(cents(items?.gmv) / Number(items?.basket_orders)));
  });

  it('shows orders per status, top-10 sellers, states and categories as RAW gives them', async () => {
    const statuses = await q(
      `SELECT order_status, count(*) AS orders FROM ${t('olist_orders')} GROUP BY 1 ORDER BY 1`,
    );
    expect(
      table('history-orders-by-status')
        .map((r) => [r.order_status, Number(r.orders)])
        .sort(),
    ).toEqual(statuses.map((r) => [r.order_status, Number(r.orders)]).sort());

    const sellers = await q(
      `SELECT i.seller_id, sum(i.price) AS gmv, count(DISTINCT i.order_id) AS orders, count(*) AS items
       FROM ${t('olist_order_items')} i JOIN ${t('olist_orders')} o ON o.order_id = i.order_id WHERE ${NET}
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
    );
    expect(
      table('history-top-sellers').map((r) => [r.seller_id, cents(r.gmv), r.net_orders, r.items]),
    ).toEqual(sellers.map((r) => [r.seller_id, cents(r.gmv), Number(r.orders), Number(r.items)]));

    const states = await q(
      `SELECT c.customer_state, count(*) AS orders, count(DISTINCT CASE WHEN ${NET} THEN c.customer_unique_id END) AS customers
       FROM ${t('olist_orders')} o JOIN ${t('olist_customers')} c ON c.customer_id = o.customer_id GROUP BY 1`,
    );
    const shownStates = new Map(table('history-sales-by-state').map((r) => [r.customer_state, r]));
    for (const state of states) {
      const shown = shownStates.get(state.customer_state);
      expect(Number(shown?.orders), String(state.customer_state)).toBe(Number(state.orders));
      expect(Number(shown?.active_customers), String(state.customer_state)).toBe(Number(state.customers));
    }

    const categories = await q(
      `SELECT coalesce(tr.product_category_name_english, nullif(p.product_category_name, ''), 'unknown') AS category,
              sum(i.price) AS gmv, count(DISTINCT i.product_id) AS products
       FROM ${t('olist_order_items')} i
       JOIN ${t('olist_orders')} o ON o.order_id = i.order_id
       LEFT JOIN ${t('olist_products')} p ON p.product_id = i.product_id
       LEFT JOIN ${t('product_category_name_translation')} tr ON tr.product_category_name = p.product_category_name
       WHERE ${NET} GROUP BY 1`,
    );
    const shownCategories = new Map(
      table('history-sales-by-category').map((r) => [r.product_category_name_english, r]),
    );
    expect(shownCategories.size).toBe(categories.length);
    for (const category of categories) {
      const shown = shownCategories.get(category.category);
      expect(cents(shown?.gmv), String(category.category)).toBe(cents(category.gmv));
      expect(Number(shown?.products), String(category.category)).toBe(Number(category.products));
    }
  });

  it('shows revenue and orders per local day and month as RAW gives them', async () => {
    const days = await q(
      `SELECT CAST(o.order_purchase_timestamp AS DATE) AS day, count(DISTINCT o.order_id) AS orders,
              coalesce(sum(CASE WHEN ${NET} THEN i.price END), 0) AS gmv
       FROM ${t('olist_orders')} o LEFT JOIN ${t('olist_order_items')} i ON i.order_id = o.order_id
       GROUP BY 1 ORDER BY 1 DESC LIMIT 1000`,
    );
    const shownDays = new Map(
      table('history-sales-by-day').map((r) => [String(r.purchase_date).slice(0, 10), r]),
    );
    expect(shownDays.size).toBe(days.length);
    for (const day of days) {
      const key = (day.day as Date).toISOString().slice(0, 10);
      expect([Number(shownDays.get(key)?.orders), cents(shownDays.get(key)?.gmv)], key).toEqual([
        Number(day.orders),
        cents(day.gmv),
      ]);
    }
    const months = await q(
      `SELECT strftime(o.order_purchase_timestamp, '%Y-%m') AS month, count(DISTINCT o.order_id) AS orders,
              coalesce(sum(CASE WHEN ${NET} THEN i.price END), 0) AS gmv
       FROM ${t('olist_orders')} o LEFT JOIN ${t('olist_order_items')} i ON i.order_id = o.order_id GROUP BY 1`,
    );
    const shownMonths = new Map(
      table('history-sales-by-month').map((r) => [String(r.purchase_month).slice(0, 7), r]),
    );
    expect(shownMonths.size).toBe(months.length);
    for (const month of months) {
      const shown = shownMonths.get(String(month.month));
      expect([Number(shown?.orders), cents(shown?.gmv)], String(month.month)).toEqual([
        Number(month.orders),
        cents(month.gmv),
      ]);
    }
  });

  it('shows the history weekday × hour heatmap in local time', async () => {
    const cells = await q(
      `SELECT dayofweek(order_purchase_timestamp) AS dow, hour(order_purchase_timestamp) AS hour, count(*) AS orders
       FROM ${t('olist_orders')} GROUP BY 1, 2`,
    );
    const shown = new Map(table('history-heatmap').map((r) => [`${r.dow}/${r.hour}`, Number(r.orders)]));
    expect(shown.size).toBe(cells.length);
    for (const cell of cells) expect(shown.get(`${cell.dow}/${cell.hour}`)).toBe(Number(cell.orders));
  });

  // ---- Live: the same orders streamed; the stream carries orders with at least one item ----

  const instantOf = (o: RawOrder) => localToInstant(o.ts, ZONE).getTime();
  const streamed = () => raw.filter((o) => o.items.length > 0);
  const isNet = (o: RawOrder) => o.order_status !== 'canceled' && o.order_status !== 'unavailable';
  const gmvOf = (orders: RawOrder[]) =>
    orders.filter(isNet).reduce((sum, o) => sum + o.items.reduce((s, i) => s + i.price, 0), 0);
  const decimal = (c: number) => `${Math.trunc(c / 100)}.${String(c % 100).padStart(2, '0')}`;

  it('shows the live hourly chart per local hour as the naive RAW hours give it', () => {
    const payload = livePanels['hourly-sales'] as {
      points: { hour: string; localHour: string; orders: number; items: number; revenue: string }[];
    };
    expect(payload.points).toHaveLength(24);
    const from = Date.parse(payload.points[0]?.hour ?? '');
    for (const point of payload.points) {
      // RAW's naive timestamp read as text: the local hour the order belongs to.
      const inHour = streamed().filter(
        (o) =>
          naiveText(o.ts).slice(0, 13) === point.localHour.slice(0, 13) &&
          instantOf(o) >= from &&
          instantOf(o) < now.getTime(),
      );
      expect([point.orders, point.items, point.revenue], point.localHour).toEqual([
        inHour.length,
        inHour.filter(isNet).reduce((s, o) => s + o.items.length, 0),
        decimal(gmvOf(inHour)),
      ]);
    }
    expect(payload.points.reduce((s, p) => s + p.orders, 0)).toBeGreaterThan(0);
  });

  it('shows the live heatmap and top sellers of today and this week in local days', () => {
    const heatmap = livePanels.heatmap as { cells: number[][] };
    const recent = streamed().filter(
      (o) => instantOf(o) >= now.getTime() - 28 * DAY && instantOf(o) < now.getTime(),
    );
    const expected = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
    for (const o of recent) {
      const row = expected[o.ts.getUTCDay()] as number[];
      row[o.ts.getUTCHours()] = (row[o.ts.getUTCHours()] ?? 0) + 1;
    }
    expect(heatmap.cells).toEqual(expected);
    expect(recent.length).toBeGreaterThan(0);

    const sellers = livePanels['top-sellers'] as {
      periods: Record<string, { sellerId: string; orders: number; items: number; revenue: string }[]>;
    };
    const newest = new Date(now.getTime() - 60_000);
    const localNewest = raw.reduce(
      (a, o) => (instantOf(o) === newest.getTime() ? o.ts : a),
      raw[0]?.ts as Date,
    );
    const today = naiveText(localNewest).slice(0, 10);
    const monday = new Date(Date.parse(`${today}T00:00:00Z`) - ((localNewest.getUTCDay() + 6) % 7) * DAY);
    for (const [period, inPeriod] of [
      ['today', (o: RawOrder) => naiveText(o.ts).slice(0, 10) === today],
      ['week', (o: RawOrder) => o.ts.getTime() >= monday.getTime() && instantOf(o) < now.getTime()],
    ] as const) {
      const bySeller = new Map<string, { orders: Set<string>; items: number; cents: number }>();
      for (const o of streamed().filter(inPeriod).filter(isNet)) {
        for (const item of o.items) {
          const s = bySeller.get(item.seller_id) ?? { orders: new Set(), items: 0, cents: 0 };
          s.orders.add(o.order_id);
          s.items += 1;
          s.cents += item.price;
          bySeller.set(item.seller_id, s);
        }
      }
      const expectedTop = [...bySeller]
        .sort(([a, x], [b, y]) => y.cents - x.cents || a.localeCompare(b))
        .slice(0, 10)
        .map(([sellerId, s]) => ({
          sellerId,
          orders: s.orders.size,
          items: s.items,
          revenue: decimal(s.cents),
        }));
      expect(sellers.periods[period], period).toEqual(expectedTop);
    }
  });

  it('shows the live KPIs of the last hour as RAW gives them', () => {
    const kpis = livePanels.kpis as {
      current: { orders: number; revenue: string; activeCustomers: number; itemsSold: number };
    };
    const lastHour = streamed().filter(
      (o) => instantOf(o) >= now.getTime() - HOUR && instantOf(o) < now.getTime(),
    );
    expect(kpis.current).toMatchObject({
      orders: lastHour.length,
      revenue: decimal(gmvOf(lastHour)),
      itemsSold: lastHour.filter(isNet).reduce((s, o) => s + o.items.length, 0),
      activeCustomers: new Set(lastHour.filter(isNet).map((o) => o.customer_unique_id)).size,
    });
    expect(kpis.current.orders).toBeGreaterThan(0);
  });
});
