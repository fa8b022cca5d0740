import type { OrderHeatmapPayload } from '@orderstream/core/queries';
import { definePanel } from './panel.js';

/** The local day-of-week × hour heatmap of orders over the last 28 days. */
export const heatmapPanel = definePanel<OrderHeatmapPayload>({
  id: 'heatmap',
  title: 'Orders by weekday and hour',
  source: 'stream',
  filtered: true,
  slow: true,
  load: ({ queries, now, filters }) => queries.orderHeatmap({ now, filters }),
  toCsv(payload) {
    const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    return {
      columns: ['weekday', 'hour', 'orders'],
      rows: payload.cells.flatMap((hours, dow) =>
        hours.map((orders, hour) => [names[dow] ?? '', hour, orders]),
      ),
    };
  },
});
