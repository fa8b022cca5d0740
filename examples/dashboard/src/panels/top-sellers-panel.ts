import { ITEMS_PATH, instantParam, orderFilterSql, TS } from '../internal/sql.js';
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
  async load({ warehouse, tables, now, filters }) {
    const windows = sellerPeriods(now);
    const filter = orderFilterSql(filters);
    const periods = {} as Record<(typeof SELLER_PERIODS)[number], SellerRow[]>;
    for (const period of SELLER_PERIODS) {
      const { from, to } = windows[period];
      const rows = await warehouse.query(
        `SELECT json_extract_string(item, '$.seller_id') AS seller_id,
                count(DISTINCT order_id) AS orders,
                count(*) AS items,
                sum(CAST(json_extract_string(item, '$.price') AS DECIMAL(18, 2))) AS revenue
         FROM (
           SELECT order_id, unnest(json_extract(payload, '${ITEMS_PATH}[*]')) AS item
           FROM ${tables.events}
           WHERE event_type = 'order_created' AND event_time >= ${TS} AND event_time < ${TS} ${filter.sql}
         )
         GROUP BY 1
         ORDER BY revenue DESC, seller_id
         LIMIT ${LIMIT}`,
        [instantParam(from), instantParam(to), ...filter.params],
      );
      periods[period] = rows.map((row) => ({
        sellerId: String(row.seller_id),
        orders: toCount(row.orders),
        items: toCount(row.items),
        revenue: centsToDecimal(toCents(row.revenue)),
      }));
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
