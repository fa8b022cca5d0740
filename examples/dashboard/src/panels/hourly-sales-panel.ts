import type { HourlySalesPayload } from '@orderstream/core/queries';
import { definePanel } from './panel.js';

/**
 * Orders, revenue and items per local hour of the business time zone over the last 24 hours, from
 * `raw_order_events` (one row per `event_id`, one order per `order_id`, latest status).
 */
export const hourlySalesPanel = definePanel<HourlySalesPayload>({
  id: 'hourly-sales',
  title: 'Hourly sales',
  source: 'stream',
  filtered: true,
  slow: false,
  load: ({ queries, now, filters }) => queries.hourlySales({ now, filters }),
  toCsv(payload) {
    return {
      columns: ['hour', 'local_hour', 'orders', 'items', 'revenue'],
      rows: payload.points.map((p) => [p.hour, p.localHour, p.orders, p.items, p.revenue]),
    };
  },
});
