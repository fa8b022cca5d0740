import { instantParam, orderFilterSql } from '../internal/sql.js';
import { sellerPeriods } from '../internal/time-windows.js';
import { centsToDecimal, toCents, toCount } from '../internal/values.js';
import { definePanel } from './panel.js';

/** The periods of the top-sellers picker. */
export const SELLER_PERIODS = ['hour', 'today', 'week'] as const;

/** One seller's sales in a period. */
export interface SellerRow {
  readonly sellerId: string;
  readonly orders: number;
  readonly items: number;
  /** Sum of this seller's item prices. */
  readonly revenue: string;
}

/** The top-10 sellers by revenue for each period of the picker. */
export interface TopSellersPayload {
  readonly periods: Readonly<Record<(typeof SELLER_PERIODS)[number], readonly SellerRow[]>>;
}

const LIMIT = 10;

/** Top-10 sellers by revenue in the last hour, today and this week (UTC), from the events' items. */
export const topSellersPanel = definePanel<TopSellersPayload>({
  id: 'top-sellers',
  title: 'Top 10 sellers',
  source: 'stream',
  filtered: true,
  slow: true,
  async load({ warehouse, tables, dialect, now, filters }) {
    const windows = sellerPeriods(now);
    const from = new Date(Math.min(...SELLER_PERIODS.map((period) => windows[period].from.getTime())));
    const filter = orderFilterSql(dialect, tables, filters, from, now);
    const ts = dialect.instant;
    const aggregates = SELLER_PERIODS.map(
      (period) => `
        count(DISTINCT CASE WHEN event_time >= ${ts} THEN order_id END) AS orders_${period},
        coalesce(sum(CASE WHEN event_time >= ${ts} THEN 1 ELSE 0 END), 0) AS items_${period},
        sum(CASE WHEN event_time >= ${ts} THEN price END) AS revenue_${period}`,
    ).join(',');
    // One scan over the widest window, one row per item.
    const items = dialect.itemRows(
      `SELECT order_id, event_time, payload
       FROM ${tables.events}
       WHERE event_type = 'order_created' AND event_time >= ${ts} AND event_time < ${ts} ${filter.sql}`,
      ['order_id', 'event_time'],
      { seller_id: 'seller_id', price: 'price' },
    );
    const rows = await warehouse.query(
      `SELECT seller_id, ${aggregates}
       FROM (SELECT order_id, event_time, seller_id, CAST(price AS DECIMAL(18, 2)) AS price FROM (${items}) AS item_rows) AS priced
       GROUP BY seller_id`,
      [
        ...SELLER_PERIODS.flatMap((period) =>
          Array.from({ length: 3 }, () => instantParam(windows[period].from)),
        ),
        instantParam(from),
        instantParam(now),
        ...filter.params,
      ],
    );
    const periods = {} as Record<(typeof SELLER_PERIODS)[number], SellerRow[]>;
    for (const period of SELLER_PERIODS) {
      periods[period] = rows
        .map((row) => ({
          sellerId: String(row.seller_id),
          orders: toCount(row[`orders_${period}`]),
          items: toCount(row[`items_${period}`]),
          cents: toCents(row[`revenue_${period}`]),
        }))
        .filter((seller) => seller.items > 0)
        .sort((a, b) => b.cents - a.cents || a.sellerId.localeCompare(b.sellerId))
        .slice(0, LIMIT)
        .map(({ cents, ...seller }) => ({ ...seller, revenue: centsToDecimal(cents) }));
    }
    return { periods };
  },
  toCsv(payload) {
    return {
      columns: ['period', 'rank', 'seller_id', 'orders', 'items', 'revenue'],
      rows: SELLER_PERIODS.flatMap((period) =>
        payload.periods[period].map((s, i) => [period, i + 1, s.sellerId, s.orders, s.items, s.revenue]),
      ),
    };
  },
});
