import { instantParam, orderFilterSql } from '../internal/sql.js';
import { HOUR_MS, hourStart } from '../internal/time-windows.js';
import { centsToDecimal, toCents, toCount } from '../internal/values.js';
import { definePanel } from './panel.js';

/** Sales of one UTC hour. */
export interface HourlySalesPoint {
  /** The hour's start, ISO 8601. */
  readonly hour: string;
  readonly orders: number;
  readonly items: number;
  readonly revenue: string;
}

/** The hourly sales panel: the last 24 hours, every hour present (zeros included). */
export interface HourlySalesPayload {
  readonly points: readonly HourlySalesPoint[];
}

const HOURS = 24;

/** Orders, revenue and items per hour over the last 24 hours, from `raw_order_events`. */
export const hourlySalesPanel = definePanel<HourlySalesPayload>({
  id: 'hourly-sales',
  title: 'Hourly sales',
  source: 'stream',
  filtered: true,
  slow: false,
  async load({ warehouse, tables, dialect, now, filters }) {
    const from = hourStart(now, HOURS - 1);
    const filter = orderFilterSql(dialect, tables, filters, from, now);
    const ts = dialect.instant;
    // Hours are computed from epoch seconds, so buckets are UTC whatever the session's time zone.
    const rows = await warehouse.query(
      `SELECT CAST(floor(${dialect.epochSeconds('event_time')} / 3600) AS BIGINT) AS hour_index,
              count(DISTINCT order_id) AS orders,
              coalesce(sum(items_count), 0) AS items,
              coalesce(sum(items_value), 0) AS revenue
       FROM ${tables.events}
       WHERE event_type = 'order_created' AND event_time >= ${ts} AND event_time < ${ts} ${filter.sql}
       GROUP BY 1`,
      [instantParam(from), instantParam(now), ...filter.params],
    );
    const byHour = new Map(rows.map((row) => [toCount(row.hour_index) * HOUR_MS, row]));
    const points: HourlySalesPoint[] = [];
    for (let i = 0; i < HOURS; i += 1) {
      const t = from.getTime() + i * HOUR_MS;
      const row = byHour.get(t);
      points.push({
        hour: new Date(t).toISOString(),
        orders: toCount(row?.orders),
        items: toCount(row?.items),
        revenue: centsToDecimal(toCents(row?.revenue)),
      });
    }
    return { points };
  },
  toCsv(payload) {
    return {
      columns: ['hour', 'orders', 'items', 'revenue'],
      rows: payload.points.map((p) => [p.hour, p.orders, p.items, p.revenue]),
    };
  },
});
