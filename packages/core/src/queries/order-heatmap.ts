import { liveOrdersSql } from './internal/live-orders.js';
import { metricSelect } from './internal/metric-sql.js';
import type { QueryContext } from './internal/query-context.js';
import { DAY_MS } from './internal/time-windows.js';
import { weekdayHourCells, weekdayHourSql } from './internal/weekday-hour.js';
import { type MetricInfo, metricInfoOf } from './metric-info.js';
import type { QueryScope } from './query-scope.js';

/**
 * Orders placed (all statuses) by local day of week (0 = Sunday) and local hour of the business
 * time zone over the last four weeks.
 */
export interface OrderHeatmapPayload {
  readonly days: number;
  /** `cells[dow][hour]` = orders. */
  readonly cells: readonly (readonly number[])[];
  /** The business time zone of the weekdays and hours. */
  readonly timeZone: string;
  /** What a cell counts (the tooltip). */
  readonly metric: MetricInfo;
}

const DAYS = 28;

/** The local day-of-week × hour heatmap of orders over the last 28 days. */
export async function readOrderHeatmap(
  { warehouse, tables, dialect }: QueryContext,
  { now, filters = {} }: QueryScope,
): Promise<OrderHeatmapPayload> {
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
}
