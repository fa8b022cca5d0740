import { KPI_PERIODS, type KpiPayload } from '@orderstream/core/queries';
import { definePanel } from './panel.js';

/** KPIs for the last hour with deltas, read from `raw_order_events` (one row per `event_id`). */
export const kpiPanel = definePanel<KpiPayload>({
  id: 'kpis',
  title: 'Last hour',
  source: 'stream',
  filtered: true,
  slow: false,
  load: ({ queries, now, filters }) => queries.kpis({ now, filters }),
  toCsv(payload) {
    return {
      columns: [
        'period',
        'revenue',
        'orders',
        'items_sold',
        'average_basket',
        'active_customers',
        'active_sellers',
      ],
      rows: KPI_PERIODS.map((period) => {
        const v = payload[period];
        return [
          period,
          v.revenue,
          v.orders,
          v.itemsSold,
          v.averageBasket,
          v.activeCustomers,
          v.activeSellers,
        ];
      }),
    };
  },
});
