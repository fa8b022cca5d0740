import type { MetricId } from '../metrics/catalogue.js';
import { liveItemsSql, liveOrdersSql } from './internal/live-orders.js';
import { metricSelect, metricValue } from './internal/metric-sql.js';
import type { QueryContext } from './internal/query-context.js';
import { instantParam } from './internal/sql.js';
import { kpiWindows } from './internal/time-windows.js';
import { toCount } from './internal/values.js';
import { type MetricInfo, metricInfo } from './metric-info.js';
import type { QueryScope } from './query-scope.js';

/** The KPIs of one window, by the metric catalogue's definitions. Money is an exact decimal string. */
export interface KpiValues {
  /** Revenue (GMV): item prices of net orders, freight excluded. */
  readonly revenue: string;
  /** Orders placed, all statuses. */
  readonly orders: number;
  /** Order items of net orders. */
  readonly itemsSold: number;
  /** Revenue ÷ net orders with at least one item, rounded to the cent; `"0.00"` without any. */
  readonly averageBasket: string;
  /** Distinct customers with a net order. */
  readonly activeCustomers: number;
  /** Distinct sellers with an item in a net order. */
  readonly activeSellers: number;
}

/**
 * The KPI panel: the last hour, the hour before, and the same local hour last week. The windows
 * end at the message's `generatedAt`; they are left out of the payload so its hash moves only with
 * data.
 */
export interface KpiPayload {
  readonly current: KpiValues;
  readonly previous: KpiValues;
  readonly lastWeek: KpiValues;
  /** The business time zone the page's times are in. */
  readonly timeZone: string;
  /** Label and definition of each tile's metric (the tooltips), by `KpiValues` key. */
  readonly metrics: Readonly<Record<keyof KpiValues, MetricInfo>>;
}

/** The windows of {@link KpiPayload}, in the order a page shows them. */
export const KPI_PERIODS = ['current', 'previous', 'lastWeek'] as const;

/** Each tile and the catalogue metric it shows. */
const TILES: Readonly<Record<keyof KpiValues, MetricId>> = {
  revenue: 'gmv',
  orders: 'orders',
  itemsSold: 'items',
  averageBasket: 'averageBasket',
  activeCustomers: 'activeCustomers',
  activeSellers: 'activeSellers',
};

const ORDER_METRICS: readonly MetricId[] = ['gmv', 'orders', 'items', 'averageBasket', 'activeCustomers'];

/** KPIs for the last hour with deltas, read from `raw_order_events` (one row per `event_id`). */
export async function readKpis(
  { warehouse, tables, dialect }: QueryContext,
  { now, filters = {} }: QueryScope,
): Promise<KpiPayload> {
  const w = kpiWindows(now, dialect.timeZone);
  const ts = dialect.instant;
  const orders = liveOrdersSql(dialect, tables, filters, {
    created: [{ from: w.previous.from, to: w.current.to }, w.lastWeek],
    status: true,
    statusUntil: now,
  });
  // Each order labelled with the window it was placed in; the order metrics and the distinct
  // sellers of its items are two aggregations over the same labelled orders.
  const label = `CASE WHEN event_time >= ${ts} THEN 'current' WHEN event_time >= ${ts} THEN 'previous' ELSE 'lastWeek' END`;
  const sql = `
    WITH labelled AS (SELECT ${label} AS period, live_orders.* FROM (${orders.sql}) AS live_orders),
    totals AS (SELECT period, ${metricSelect(ORDER_METRICS, 'order')} FROM labelled GROUP BY period),
    sellers AS (
      SELECT period, ${metricSelect(['activeSellers'], 'item')}
      FROM (SELECT labelled_items.*, ${label} AS period FROM (${liveItemsSql(dialect, 'SELECT * FROM labelled')}) AS labelled_items) AS items
      GROUP BY period
    )
    SELECT totals.*, coalesce(sellers.active_sellers, 0) AS active_sellers
    FROM totals LEFT JOIN sellers ON sellers.period = totals.period`;
  const windows = [instantParam(w.current.from), instantParam(w.previous.from)];
  const rows = await warehouse.query(sql, [...windows, ...orders.params, ...windows]);
  const byPeriod = new Map(rows.map((row) => [String(row.period), row]));
  const values = (period: (typeof KPI_PERIODS)[number]): KpiValues => {
    const row = byPeriod.get(period);
    return {
      revenue: String(metricValue('gmv', row)),
      orders: toCount(metricValue('orders', row)),
      itemsSold: toCount(metricValue('items', row)),
      averageBasket: String(metricValue('averageBasket', row)),
      activeCustomers: toCount(metricValue('activeCustomers', row)),
      activeSellers: toCount(metricValue('activeSellers', row)),
    };
  };
  const info = metricInfo(Object.values(TILES));
  return {
    current: values('current'),
    previous: values('previous'),
    lastWeek: values('lastWeek'),
    timeZone: dialect.timeZone,
    metrics: Object.fromEntries(
      Object.entries(TILES).map(([tile, id]) => [tile, info[id]]),
    ) as KpiPayload['metrics'],
  };
}
