import type { MetricId } from '../metrics/catalogue.js';
import { liveOrdersSql } from './internal/live-orders.js';
import { metricSelect, metricValue } from './internal/metric-sql.js';
import type { QueryContext } from './internal/query-context.js';
import { localHourStarts, localLabel } from './internal/time-windows.js';
import { toCount } from './internal/values.js';
import { type MetricInfo, metricInfoOf } from './metric-info.js';
import type { QueryScope } from './query-scope.js';

/** Sales of one local hour of the business time zone. */
export interface HourlySalesPoint {
  /** The hour's first instant, ISO 8601 (UTC). */
  readonly hour: string;
  /** The hour as read in the business time zone, `YYYY-MM-DD HH:MM`. */
  readonly localHour: string;
  /** Orders placed, all statuses. */
  readonly orders: number;
  /** Items of net orders. */
  readonly items: number;
  /** Revenue (GMV) of net orders. */
  readonly revenue: string;
}

/** The hourly sales panel: the last 24 local hours, every hour present (zeros included). */
export interface HourlySalesPayload {
  readonly points: readonly HourlySalesPoint[];
  /** The business time zone of `localHour`. */
  readonly timeZone: string;
  /** Label and definition of each series (the tooltips). */
  readonly metrics: Readonly<Record<'orders' | 'items' | 'revenue', MetricInfo>>;
}

const HOURS = 24;
const METRICS: readonly MetricId[] = ['orders', 'items', 'gmv'];

/**
 * Orders, revenue and items per local hour of the business time zone over the last 24 hours, from
 * `raw_order_events` (one row per `event_id`, one order per `order_id`, latest status).
 */
export async function readHourlySales(
  { warehouse, tables, dialect }: QueryContext,
  { now, filters = {} }: QueryScope,
): Promise<HourlySalesPayload> {
  const hours = localHourStarts(now, dialect.timeZone, HOURS);
  const from = hours[0] ?? now;
  const orders = liveOrdersSql(dialect, tables, filters, {
    created: [{ from, to: now }],
    status: true,
    statusUntil: now,
  });
  const local = dialect.localEpochSeconds('event_time');
  const utc = dialect.epochSeconds('event_time');
  // The local hour's first instant: the local hour's start minus the zone's offset then, so the
  // two 23:00 hours of a day whose clocks went back stay apart.
  const rows = await warehouse.query(
    `SELECT CAST(floor(${local} / 3600) * 3600 - round(${local} - ${utc}) AS BIGINT) AS hour_start,
            ${metricSelect(METRICS, 'order')}
     FROM (${orders.sql}) AS live_orders
     GROUP BY 1`,
    orders.params,
  );
  const byHour = new Map(rows.map((row) => [toCount(row.hour_start) * 1000, row]));
  const points = hours.map((start): HourlySalesPoint => {
    const row = byHour.get(start.getTime());
    return {
      hour: start.toISOString(),
      localHour: localLabel(start, dialect.timeZone),
      orders: toCount(metricValue('orders', row)),
      items: toCount(metricValue('items', row)),
      revenue: String(metricValue('gmv', row)),
    };
  });
  return {
    points,
    timeZone: dialect.timeZone,
    metrics: { orders: metricInfoOf('orders'), items: metricInfoOf('items'), revenue: metricInfoOf('gmv') },
  };
}
