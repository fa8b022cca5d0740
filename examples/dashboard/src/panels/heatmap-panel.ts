import { instantParam, orderFilterSql } from '../internal/sql.js';
import { DAY_MS } from '../internal/time-windows.js';
import { toCount } from '../internal/values.js';
import { definePanel } from './panel.js';

/** Orders (`order_created` events) by UTC day of week (0 = Sunday) and hour over the last four weeks. */
export interface HeatmapPayload {
  readonly days: number;
  /** `cells[dow][hour]` = orders. */
  readonly cells: readonly (readonly number[])[];
}

const DAYS = 28;

/** The day-of-week × hour heatmap of orders over the last 28 days. */
export const heatmapPanel = definePanel<HeatmapPayload>({
  id: 'heatmap',
  title: 'Orders by weekday and hour',
  source: 'stream',
  filtered: true,
  slow: true,
  async load({ warehouse, tables, dialect, now, filters }) {
    const from = new Date(now.getTime() - DAYS * DAY_MS);
    const filter = orderFilterSql(dialect, tables, filters, from, now);
    const epoch = dialect.epochSeconds('event_time');
    const ts = dialect.instant;
    // From epoch seconds: hour of day and weekday in UTC (1970-01-01 was a Thursday, dow 4).
    const rows = await warehouse.query(
      `SELECT CAST((floor(${epoch} / 86400) + 4) % 7 AS INTEGER) AS dow,
              CAST(floor(${epoch} / 3600) % 24 AS INTEGER) AS hour,
              count(*) AS orders
       FROM ${tables.events}
       WHERE event_type = 'order_created' AND event_time >= ${ts} AND event_time < ${ts} ${filter.sql}
       GROUP BY 1, 2`,
      [instantParam(from), instantParam(now), ...filter.params],
    );
    const cells = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
    for (const row of rows) {
      const day = cells[toCount(row.dow)];
      if (day !== undefined) day[toCount(row.hour)] = toCount(row.orders);
    }
    return { days: DAYS, cells };
  },
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
