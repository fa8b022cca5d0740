import type { MetricId } from '../metrics/catalogue.js';
import { liveItemsSql, liveOrdersSql } from './internal/live-orders.js';
import { metricSelect, metricValue } from './internal/metric-sql.js';
import type { QueryContext } from './internal/query-context.js';
import { instantParam } from './internal/sql.js';
import { sellerPeriods } from './internal/time-windows.js';
import { toCents, toCount } from './internal/values.js';
import { type MetricInfo, metricInfo } from './metric-info.js';
import type { QueryScope } from './query-scope.js';

/** The periods of the top-sellers picker. */
export const SELLER_PERIODS = ['hour', 'today', 'week'] as const;

/** One seller's sales in a period, by the catalogue's per-item definitions. */
export interface SellerRow {
  readonly sellerId: string;
  /** Net orders with an item of this seller. */
  readonly orders: number;
  /** This seller's items in net orders. */
  readonly items: number;
  /** Revenue (GMV): this seller's item prices in net orders. */
  readonly revenue: string;
}

/** The top-10 sellers by revenue for each period of the picker. */
export interface TopSellersPayload {
  readonly periods: Readonly<Record<(typeof SELLER_PERIODS)[number], readonly SellerRow[]>>;
  /** The business time zone of "today" and "this week". */
  readonly timeZone: string;
  /** Label and definition of each column (the tooltips). */
  readonly metrics: Readonly<Record<string, MetricInfo>>;
}

const LIMIT = 10;
const METRICS: readonly MetricId[] = ['netOrders', 'items', 'gmv'];

/**
 * Top-10 sellers by revenue in the last hour, today and this week (local days and weeks of the
 * business time zone), from the items of the stream's orders.
 */
export async function readTopSellers(
  { warehouse, tables, dialect }: QueryContext,
  { now, filters = {} }: QueryScope,
): Promise<TopSellersPayload> {
  const windows = sellerPeriods(now, dialect.timeZone);
  const from = new Date(Math.min(...SELLER_PERIODS.map((period) => windows[period].from.getTime())));
  const orders = liveOrdersSql(dialect, tables, filters, {
    created: [{ from, to: now }],
    status: true,
    statusUntil: now,
  });
  // Every item once per period it falls in (the periods overlap), then one aggregation.
  const periods = SELLER_PERIODS.map(
    (period) => `SELECT '${period}' AS period, items.* FROM items WHERE event_time >= ${dialect.instant}`,
  ).join(' UNION ALL ');
  const rows = await warehouse.query(
    `WITH items AS (${liveItemsSql(dialect, orders.sql)})
     SELECT period, seller_id, ${metricSelect(METRICS, 'item')}
     FROM (${periods}) AS period_items
     GROUP BY period, seller_id`,
    [...orders.params, ...SELLER_PERIODS.map((period) => instantParam(windows[period].from))],
  );
  const result = {} as Record<(typeof SELLER_PERIODS)[number], SellerRow[]>;
  for (const period of SELLER_PERIODS) {
    result[period] = rows
      .filter((row) => row.period === period)
      .map((row) => ({
        sellerId: String(row.seller_id),
        orders: toCount(metricValue('netOrders', row)),
        items: toCount(metricValue('items', row)),
        revenue: String(metricValue('gmv', row)),
      }))
      .filter((seller) => seller.items > 0)
      .sort((a, b) => toCents(b.revenue) - toCents(a.revenue) || a.sellerId.localeCompare(b.sellerId))
      .slice(0, LIMIT);
  }
  const info = metricInfo(METRICS);
  return {
    periods: result,
    timeZone: dialect.timeZone,
    metrics: { orders: info.netOrders, items: info.items, revenue: info.gmv } as Record<string, MetricInfo>,
  };
}
