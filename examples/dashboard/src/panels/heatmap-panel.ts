import { liveOrdersSql } from '../internal/live-orders.js';
import { type MetricInfo, metricInfoOf, metricSelect } from '../internal/metric-sql.js';
import { DAY_MS } from '../internal/time-windows.js';
import { toCount } from '../internal/values.js';
import { definePanel } from './panel.js';

/**
 * Orders placed (all statuses) by local day of week (0 = Sunday) and local hour of the business
 * time zone over the last four weeks.
 */
export interface HeatmapPayload {
  readonly days: number;
  /** `cells[dow][hour]` = orders. */
  readonly cells: readonly (readonly number[])[];
  /** The business time zone of the weekdays and hours. */
  readonly timeZone: string;
  /** What a cell counts (the tooltip). */
  readonly metric: MetricInfo;
}

const DAYS = 28;

/**
 * SQL of the local weekday (0 = Sunday) and hour of a wall-clock epoch expression (seconds as if
 * the local time were UTC; 1970-01-01 was a Thursday, dow 4).
 *
 * @param localSeconds - the expression
 * @returns the two select-list entries `dow` and `hour`
 */
export function weekdayHourSql(localSeconds: string): string {
  return `CAST((floor(${localSeconds} / 86400) + 4) % 7 AS INTEGER) AS dow,
          CAST(floor(${localSeconds} / 3600) % 24 AS INTEGER) AS hour`;
}

/**
 * Puts `(dow, hour, value)` rows into a 7 × 24 grid.
 *
 * @param rows - the rows
 * @param value - the value column
 * @returns `cells[dow][hour]`
 */
export function weekdayHourCells(rows: readonly Record<string, unknown>[], value: string): number[][] {
  const cells = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const row of rows) {
    const day = cells[toCount(row.dow)];
    if (day !== undefined) day[toCount(row.hour)] = toCount(row[value]);
  }
  return cells;
}

/** The local day-of-week × hour heatmap of orders over the last 28 days. */
export const heatmapPanel = definePanel<HeatmapPayload>({
  id: 'heatmap',
  title: 'Orders by weekday and hour',
  source: 'stream',
  filtered: true,
  slow: true,
  async load({ warehouse, tables, dialect, now, filters }) {
    const from = new Date(now.getTime() - DAYS * DAY_MS);
    // Orders placed, all statuses: the status at creation is enough, no lookup of later events.
    const orders = liveOrdersSql(dialect, tables, filters, {
      created: [{ from, to: now }],
      status: false,
      statusUntil: now,
    });
    const rows = await warehouse.query(
      `SELECT ${weekdayHourSql(dialect.localEpochSeconds('event_time'))}, ${metricSelect(['orders'], 'order')}
       FROM (${orders.sql}) AS live_orders
       GROUP BY 1, 2`,
      orders.params,
    );
    return {
      days: DAYS,
      cells: weekdayHourCells(rows, 'orders'),
      timeZone: dialect.timeZone,
      metric: metricInfoOf('orders'),
    };
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
