import { SELLER_PERIODS, type TopSellersPayload } from '@orderstream/core/queries';
import { definePanel } from './panel.js';

/**
 * Top-10 sellers by revenue in the last hour, today and this week (local days and weeks of the
 * business time zone), from the items of the stream's orders.
 */
export const topSellersPanel = definePanel<TopSellersPayload>({
  id: 'top-sellers',
  title: 'Top 10 sellers',
  source: 'stream',
  filtered: true,
  slow: true,
  load: ({ queries, now, filters }) => queries.topSellers({ now, filters }),
  toCsv(payload) {
    return {
      columns: ['period', 'rank', 'seller_id', 'orders', 'items', 'revenue'],
      rows: SELLER_PERIODS.flatMap((period) =>
        payload.periods[period].map((s, i) => [period, i + 1, s.sellerId, s.orders, s.items, s.revenue]),
      ),
    };
  },
});
