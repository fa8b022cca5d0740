import type { MetricId } from '@orderstream/core';
import { NET_ORDER_SQL } from '@orderstream/core';
import { metricColumn, metricSelect } from '../internal/metric-sql.js';
import type { SqlDialect } from '../internal/sql-dialect.js';
import { weekdayHourSql } from './heatmap-panel.js';

/**
 * What the history view shows, panel by panel: the catalogue's metrics computed with the same SQL
 * as the live panels, over the dbt facts `fct_orders` (the order relation: one row per order,
 * history and stream, latest status) and `fct_order_items` (the item relation); plus two dbt
 * marts whose figures are not catalogue metrics (delivery times, review scores).
 *
 * Hours, days and months are those of `purchased_at`, which the marts keep as the local time of
 * the business time zone (Olist's naive timestamps are; stream instants are converted by dbt).
 */

/** A column of a history panel: its name in the result, its header, and the metric it shows. */
export interface HistoryColumnSpec {
  readonly id: string;
  readonly label: string;
  /** The catalogue metric (its definition is the header's tooltip). */
  readonly metric?: MetricId;
}

/** How the page charts a history panel. */
export interface HistoryChart {
  /** The label column (x axis, bar names). */
  readonly label: string;
  /** The value column. */
  readonly value: string;
  readonly kind: 'line' | 'bar' | 'heatmap' | 'tiles';
  /** `label`: ascending labels (time, scores); `value`: the largest values first, top 25. */
  readonly sort: 'label' | 'value';
  /**
   * For a time axis: the step between consecutive labels (`month`, `day`); where labels skip
   * steps (the years between the Olist history and the stream) the page draws a visible break.
   */
  readonly step?: 'month' | 'day';
}

/** The relations and marts a history panel reads, by the table name dbt gives them. */
export type HistoryTable =
  | 'fct_orders'
  | 'fct_order_items'
  | 'mart_delivery_performance'
  | 'mart_review_scores';

/** One history panel. */
export interface HistorySpec {
  readonly id: string;
  readonly title: string;
  /** The tables it reads; all must exist, else the panel says how to build them. */
  readonly tables: readonly HistoryTable[];
  /** Its SQL, given the quoted names of its tables. */
  readonly sql: (names: Readonly<Record<HistoryTable, string>>, dialect: SqlDialect) => string;
  /** Its columns; `null`: whatever the mart has (labels from {@link humanHeader}). */
  readonly columns: readonly HistoryColumnSpec[] | null;
  readonly chart: HistoryChart | null;
}

const m = (metric: MetricId, label?: string): HistoryColumnSpec => ({
  id: metricColumn(metric),
  label: label ?? metricLabel(metric),
  metric,
});

const LABELS: Partial<Record<MetricId, string>> = {
  orders: 'Orders',
  netOrders: 'Net orders',
  deliveredOrders: 'Delivered orders',
  gmv: 'Revenue (R$)',
  freight: 'Freight (R$)',
  orderValue: 'Order value (R$)',
  items: 'Items sold',
  averageBasket: 'Average basket (R$)',
  activeCustomers: 'Active customers',
  activeSellers: 'Active sellers',
  payments: 'Payments (R$)',
};

function metricLabel(metric: MetricId): string {
  return LABELS[metric] ?? metric;
}

/** The select list of some metrics, for columns that are metrics. */
const select = (metrics: readonly MetricId[], relation: 'order' | 'item') => metricSelect(metrics, relation);

const TOTAL_ORDER_METRICS: readonly MetricId[] = [
  'orders',
  'netOrders',
  'deliveredOrders',
  'gmv',
  'freight',
  'orderValue',
  'items',
  'averageBasket',
  'activeCustomers',
  'payments',
];
const PERIOD_METRICS: readonly MetricId[] = [
  'orders',
  'netOrders',
  'gmv',
  'orderValue',
  'items',
  'averageBasket',
  'activeCustomers',
];

/** The panels of the history view, in page order. */
export const HISTORY_SPECS: readonly HistorySpec[] = [
  {
    id: 'history-totals',
    title: 'All time',
    tables: ['fct_orders', 'fct_order_items'],
    sql: (t) => `SELECT * FROM
      (SELECT ${select(TOTAL_ORDER_METRICS, 'order')} FROM ${t.fct_orders}) AS order_totals
      CROSS JOIN (SELECT ${select(['activeSellers'], 'item')} FROM ${t.fct_order_items}) AS item_totals`,
    columns: [...TOTAL_ORDER_METRICS, 'activeSellers' as const].map((metric) => m(metric)),
    chart: { label: 'orders', value: 'gmv', kind: 'tiles', sort: 'label' },
  },
  {
    id: 'history-sales-by-month',
    title: 'Revenue by month',
    tables: ['fct_orders'],
    sql: (t) => `SELECT CAST(date_trunc('month', purchased_at) AS DATE) AS purchase_month,
        ${select(PERIOD_METRICS, 'order')}
      FROM ${t.fct_orders} GROUP BY 1 ORDER BY 1`,
    columns: [{ id: 'purchase_month', label: 'Month' }, ...PERIOD_METRICS.map((metric) => m(metric))],
    chart: { label: 'purchase_month', value: 'gmv', kind: 'line', sort: 'label', step: 'month' },
  },
  {
    id: 'history-sales-by-day',
    title: 'Revenue by day',
    tables: ['fct_orders'],
    // The latest 1,000 days; the page sorts them back into time order.
    sql: (t) => `SELECT CAST(purchased_at AS DATE) AS purchase_date, ${select(['orders', 'gmv'], 'order')}
      FROM ${t.fct_orders} GROUP BY 1 ORDER BY 1 DESC LIMIT 1000`,
    columns: [{ id: 'purchase_date', label: 'Day' }, m('orders'), m('gmv')],
    chart: { label: 'purchase_date', value: 'gmv', kind: 'line', sort: 'label', step: 'day' },
  },
  {
    id: 'history-orders-by-status',
    title: 'Orders by status',
    tables: ['fct_orders'],
    sql: (t) => `SELECT order_status, ${select(['orders', 'payments'], 'order')}
      FROM ${t.fct_orders} GROUP BY 1 ORDER BY 2 DESC, 1`,
    columns: [{ id: 'order_status', label: 'Status' }, m('orders'), m('payments')],
    chart: { label: 'order_status', value: 'orders', kind: 'bar', sort: 'value' },
  },
  {
    id: 'history-top-sellers',
    title: 'Top 10 sellers by revenue',
    tables: ['fct_order_items'],
    sql: (t) => `SELECT seller_id, ${select(['gmv', 'netOrders', 'items'], 'item')}
      FROM ${t.fct_order_items} GROUP BY 1 ORDER BY gmv DESC, seller_id LIMIT 10`,
    columns: [{ id: 'seller_id', label: 'Seller' }, m('gmv'), m('netOrders'), m('items')],
    chart: { label: 'seller_id', value: 'gmv', kind: 'bar', sort: 'value' },
  },
  {
    id: 'history-sales-by-category',
    title: 'Revenue by category',
    tables: ['fct_order_items'],
    sql: (t) => `SELECT product_category_name_english,
        ${select(['gmv', 'netOrders', 'items'], 'item')},
        count(DISTINCT CASE WHEN ${NET_ORDER_SQL} THEN product_id END) AS products
      FROM ${t.fct_order_items} GROUP BY 1 ORDER BY gmv DESC, 1 LIMIT 1000`,
    columns: [
      { id: 'product_category_name_english', label: 'Category' },
      m('gmv'),
      m('netOrders'),
      m('items'),
      { id: 'products', label: 'Products sold' },
    ],
    chart: { label: 'product_category_name_english', value: 'gmv', kind: 'bar', sort: 'value' },
  },
  {
    id: 'history-sales-by-state',
    title: 'Revenue by customer state',
    tables: ['fct_orders'],
    sql: (t) => `SELECT customer_state, ${select(['gmv', 'orders', 'activeCustomers'], 'order')}
      FROM ${t.fct_orders} GROUP BY 1 ORDER BY gmv DESC, 1`,
    columns: [{ id: 'customer_state', label: 'State' }, m('gmv'), m('orders'), m('activeCustomers')],
    chart: { label: 'customer_state', value: 'gmv', kind: 'bar', sort: 'value' },
  },
  {
    id: 'history-heatmap',
    title: 'Orders by weekday and hour',
    tables: ['fct_orders'],
    sql: (
      t,
      dialect,
    ) => `SELECT ${weekdayHourSql(dialect.epochSeconds('purchased_at'))}, ${select(['orders'], 'order')}
      FROM ${t.fct_orders} GROUP BY 1, 2 ORDER BY 1, 2`,
    columns: [{ id: 'dow', label: 'Weekday' }, { id: 'hour', label: 'Hour' }, m('orders')],
    chart: { label: 'hour', value: 'orders', kind: 'heatmap', sort: 'label' },
  },
  {
    id: 'history-delivery-performance',
    title: 'Delivery performance by month',
    tables: ['mart_delivery_performance'],
    sql: (t) => `SELECT * FROM ${t.mart_delivery_performance} ORDER BY 1`,
    columns: null,
    chart: {
      label: 'purchase_month',
      value: 'avg_delivery_days',
      kind: 'line',
      sort: 'label',
      step: 'month',
    },
  },
  {
    id: 'history-review-scores',
    title: 'Review scores',
    tables: ['mart_review_scores'],
    sql: (t) => `SELECT * FROM ${t.mart_review_scores} ORDER BY 1`,
    columns: null,
    chart: { label: 'review_score', value: 'orders', kind: 'bar', sort: 'label' },
  },
];

const HEADERS: Readonly<Record<string, string>> = {
  purchase_month: 'Month',
  purchase_date: 'Day',
  review_score: 'Review score',
  share_of_reviews: 'Share of reviews',
  delivered_orders: 'Delivered orders',
  avg_delivery_days: 'Avg days to deliver',
  median_delivery_days: 'Median days to deliver',
  avg_estimated_days: 'Avg days promised',
  late_orders: 'Late orders',
  late_rate: 'Late share',
  avg_days_late: 'Avg days late',
  timestamp_anomalies: 'Timestamps out of order',
  avg_order_value: 'Avg order value (R$)',
  orders: 'Orders',
};

/**
 * A human header for a mart column: a known name, else the words of the snake-case name.
 *
 * @param column - the column name
 * @returns e.g. `avg_delivery_days` → `Avg days to deliver`, `some_thing` → `Some thing`
 */
export function humanHeader(column: string): string {
  const known = HEADERS[column.toLowerCase()];
  if (known !== undefined) return known;
  const words = column.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
