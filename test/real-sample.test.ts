/**
 * Real Olist rows (`../shared/olist-real-sample`: 1,550 orders, all nine files) end to end on
 * DuckDB: loadHistory loads them with zero rejects, `dbt build` (the repo's venv, through core's
 * runDbt) passes, and every number of the marts equals the same number computed independently,
 * with plain SQL over the RAW tables (orders, delivered orders, GMV, freight, payments, orders per
 * status, top-10 sellers, revenue per local day, customers, products per category, zero-item
 * orders, orders and order value per review score). Skips when `../shared` is absent (a fresh clone).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DbtRunSummary, LoadHistoryResult } from '@orderstream/core';
import { loadHistory, runDbt } from '@orderstream/core';
import type { DuckDbWarehouse } from '@orderstream/duckdb';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const sample = resolve(root, '..', 'shared', 'olist-real-sample');

/** Net orders per the metric catalogue: not canceled or unavailable. */
const NET = "o.order_status not in ('canceled', 'unavailable')";

describe.skipIf(!existsSync(sample))('real Olist rows (../shared/olist-real-sample) through dbt', () => {
  let dir: string;
  let dbPath: string;
  let loaded: LoadHistoryResult;
  let built: DbtRunSummary;

  async function query(sql: string): Promise<Record<string, unknown>[]> {
    const warehouse: DuckDbWarehouse = await createDuckDbWarehouse({ path: dbPath, readConnections: 1 });
    try {
      // values as text: money compares to the cent, counts whatever integer type an engine returns
      const rows = await warehouse.query(sql);
      return rows.map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])),
      );
    } finally {
      await warehouse.close();
    }
  }

  beforeAll(async () => {
    execFileSync('bash', [join(root, 'scripts', 'pyenv.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
    dir = await mkdtemp(join(tmpdir(), 'orderstream-real-'));
    dbPath = join(dir, 'orderstream.duckdb');
    const warehouse = await createDuckDbWarehouse({ path: dbPath });
    try {
      loaded = await loadHistory({ dataDir: sample, warehouse });
    } finally {
      await warehouse.close();
    }
    built = await runDbt({
      projectDir: join(root, 'dbt_transform'),
      args: ['build'],
      duckdbPath: dbPath,
      env: { DBT_TARGET: 'duckdb', ORDERSTREAM_RAW_SCHEMA: 'raw', DBT_THREADS: '2' },
    });
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads all nine files with zero rejects', () => {
    expect(loaded.ok).toBe(true);
    expect(loaded.tables).toHaveLength(9);
    for (const table of loaded.tables) {
      expect({ table: table.table, status: table.status, rejects: table.rejects }).toEqual({
        table: table.table,
        status: 'loaded',
        rejects: 0,
      });
    }
  });

  it('builds every model and passes every error-severity test (warnings only for stated real quirks)', () => {
    expect(built.models.failed).toBe(0);
    expect(built.models.passed).toBe(built.models.total);
    expect(built.tests.failed).toBe(0);
    const warned = built.nodes.filter((node) => node.status === 'warn').map((node) => node.name);
    // the warn-severity tests that list real quirks (each states its reason in its file)
    for (const name of warned) {
      expect(name).toMatch(/lifecycle_timestamps|payments_reconcile|negative_delivery_duration/);
    }
  });

  it('holds the orders, delivered orders, GMV, freight, order value, payments and customers of RAW', async () => {
    const [raw] = await query(`
      with items as (
          select order_id, sum(price) as price, sum(freight_value) as freight, count(*) as items
          from raw.olist_order_items group by order_id
      )
      select
          (select count(*) from raw.olist_orders) as orders,
          (select count(*) from raw.olist_orders o where ${NET}) as net_orders,
          (select count(*) from raw.olist_orders where order_status = 'delivered') as delivered_orders,
          (select cast(sum(i.price) as decimal(18, 2)) from raw.olist_order_items i
             join raw.olist_orders o using (order_id) where ${NET}) as revenue,
          (select cast(sum(i.freight_value) as decimal(18, 2)) from raw.olist_order_items i
             join raw.olist_orders o using (order_id) where ${NET}) as freight_value,
          (select cast(sum(i.price + i.freight_value) as decimal(18, 2)) from raw.olist_order_items i
             join raw.olist_orders o using (order_id) where ${NET}) as order_value,
          (select count(*) from raw.olist_order_items i join raw.olist_orders o using (order_id) where ${NET}) as items,
          (select cast(sum(payment_value) as decimal(18, 2)) from raw.olist_order_payments) as payments,
          (select cast(sum(i.price) / count(*) as decimal(18, 2)) from items i
             join raw.olist_orders o using (order_id) where ${NET}) as avg_basket,
          (select count(distinct c.customer_unique_id) from raw.olist_orders o
             join raw.olist_customers c using (customer_id)) as customers,
          (select count(distinct c.customer_unique_id) from raw.olist_orders o
             join raw.olist_customers c using (customer_id) where ${NET}) as active_customers,
          (select count(distinct i.seller_id) from raw.olist_order_items i
             join raw.olist_orders o using (order_id) where ${NET}) as active_sellers
    `);
    const [mart] = await query(`
      select orders, net_orders, delivered_orders, revenue, freight_value, order_value, items, payments,
             avg_basket, customers, active_customers, active_sellers
      from marts.mart_sales_summary`);
    expect(mart).toEqual(raw);
    expect(Number(raw?.orders)).toBe(1550);
  });

  it('holds the orders, items, money and zero-item orders of RAW per status', async () => {
    const raw = await query(`
      select o.order_status,
             count(*) as orders,
             sum(coalesce(i.items, 0)) as items,
             sum(case when i.order_id is null then 1 else 0 end) as zero_item_orders,
             cast(sum(coalesce(i.price, 0)) as decimal(18, 2)) as items_value,
             cast(sum(coalesce(p.paid, 0)) as decimal(18, 2)) as payments
      from raw.olist_orders o
      left join (select order_id, count(*) as items, sum(price) as price
                 from raw.olist_order_items group by order_id) i using (order_id)
      left join (select order_id, sum(payment_value) as paid
                 from raw.olist_order_payments group by order_id) p using (order_id)
      group by o.order_status order by o.order_status`);
    const mart = await query(`
      select order_status, orders, items, zero_item_orders, items_value, payments
      from marts.mart_orders_by_status order by order_status`);
    expect(mart).toEqual(raw);
  });

  it('puts the zero-item orders that were paid in their own reconciliation category, not in mismatch', async () => {
    const [raw] = await query(`
      select count(*) as orders, cast(sum(p.paid) as decimal(18, 2)) as payments
      from raw.olist_orders o
      join (select order_id, sum(payment_value) as paid from raw.olist_order_payments group by order_id) p
        using (order_id)
      where o.order_id not in (select order_id from raw.olist_order_items)`);
    const [mart] = await query(`
      select orders, payments from marts.mart_payment_reconciliation
      where reconciliation_category = 'zero_item_with_payment'`);
    expect(mart).toEqual(raw);
    expect(Number(raw?.orders)).toBeGreaterThan(0);
  });

  it('ranks the same top-10 sellers by GMV as RAW', async () => {
    const raw = await query(`
      select i.seller_id, cast(sum(i.price) as decimal(18, 2)) as revenue, count(*) as items,
             count(distinct i.order_id) as net_orders
      from raw.olist_order_items i join raw.olist_orders o using (order_id)
      where ${NET}
      group by i.seller_id order by sum(i.price) desc, i.seller_id limit 10`);
    const mart = await query(`
      select seller_id, revenue, items, net_orders from marts.mart_sales_by_seller
      where revenue_rank <= 10 order by revenue_rank`);
    expect(mart).toEqual(raw);
  });

  it('holds the revenue, orders and customers of RAW for every local purchase day and month', async () => {
    // Olist timestamps are naive local times of the business time zone: the day is the date as written
    const perDay = (period: string) => `
      select ${period} as period,
             count(*) as orders,
             sum(case when ${NET} then 1 else 0 end) as net_orders,
             cast(sum(case when ${NET} then coalesce(i.price, 0) else 0 end) as decimal(18, 2)) as revenue,
             count(distinct case when ${NET} then c.customer_unique_id end) as active_customers
      from raw.olist_orders o
      join raw.olist_customers c using (customer_id)
      left join (select order_id, sum(price) as price from raw.olist_order_items group by order_id) i
        using (order_id)
      group by 1 order by 1`;
    const rawDays = await query(perDay('cast(cast(o.order_purchase_timestamp as date) as varchar)'));
    const martDays = await query(`
      select cast(purchase_date as varchar) as period, orders, net_orders, revenue, active_customers
      from marts.mart_sales_by_day order by 1`);
    expect(martDays).toEqual(rawDays);
    expect(rawDays.length).toBeGreaterThan(300);
    const rawMonths = await query(
      perDay("strftime(cast(o.order_purchase_timestamp as timestamp), '%Y-%m-01')"),
    );
    const martMonths = await query(`
      select cast(purchase_month as varchar) as period, orders, net_orders, revenue, active_customers
      from marts.mart_sales_by_month order by 1`);
    expect(martMonths).toEqual(rawMonths);
  });

  it("holds the orders and the net orders' mean order value of RAW per review score (latest review)", async () => {
    const raw = await query(`
      with latest as (
          select order_id, review_score,
                 row_number() over (
                     partition by order_id
                     order by cast(review_answer_timestamp as timestamp) desc nulls last, review_id desc
                 ) as rank
          from raw.olist_order_reviews
      ),
      value as (
          select order_id, sum(price) + sum(freight_value) as order_value
          from raw.olist_order_items group by order_id
      )
      select l.review_score, count(*) as orders,
             cast(avg(case when ${NET} then coalesce(v.order_value, 0) end) as decimal(18, 2))
                 as avg_order_value
      from latest l
      join raw.olist_orders o using (order_id)
      left join value v using (order_id)
      where l.rank = 1
      group by 1 order by 1`);
    const mart = await query(`
      select review_score, orders, avg_order_value from marts.mart_review_scores order by 1`);
    expect(mart).toEqual(raw);
    expect(raw).toHaveLength(5);
  });

  it('holds the products, items and revenue of RAW per category (empty ones as unknown)', async () => {
    const raw = await query(`
      with products as (
          select p.product_id,
                 coalesce(t.product_category_name_english, nullif(p.product_category_name, ''), 'unknown')
                     as category
          from raw.olist_products p
          left join raw.product_category_name_translation t
            on t.product_category_name = p.product_category_name
      )
      select products.category, count(distinct i.product_id) as products, count(*) as items,
             cast(sum(i.price) as decimal(18, 2)) as revenue
      from raw.olist_order_items i
      join raw.olist_orders o using (order_id)
      join products using (product_id)
      where ${NET}
      group by 1 order by 1`);
    const mart = await query(`
      select product_category_name_english as category, products, items, revenue
      from marts.mart_sales_by_category order by 1`);
    expect(mart).toEqual(raw);
    expect(raw.some((row) => row.category === 'unknown')).toBe(true);
  });
});
