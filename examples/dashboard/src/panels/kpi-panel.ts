import { instantParam, orderFilterSql } from '../internal/sql.js';
import { kpiWindows } from '../internal/time-windows.js';
import { centsToDecimal, toCents, toCount } from '../internal/values.js';
import { definePanel } from './panel.js';

/** The KPIs of one window. Money is an exact decimal string. */
export interface KpiValues {
  readonly orders: number;
  readonly itemsSold: number;
  /** Sum of item prices (freight excluded). */
  readonly revenue: string;
  /** `revenue / orders`, rounded to the cent; `"0.00"` without orders. */
  readonly averageBasket: string;
  readonly activeSellers: number;
}

/**
 * The KPI panel: the last hour, the hour before, and the same hour last week. The windows end at
 * the message's `generatedAt`; they are left out of the payload so its hash moves only with data.
 */
export interface KpiPayload {
  readonly current: KpiValues;
  readonly previous: KpiValues;
  readonly lastWeek: KpiValues;
}

const PERIODS = ['current', 'previous', 'lastWeek'] as const;

/** KPIs for the last hour with deltas, read straight from `raw_order_events`. */
export const kpiPanel = definePanel<KpiPayload>({
  id: 'kpis',
  title: 'Last hour',
  source: 'stream',
  filtered: true,
  slow: false,
  async load({ warehouse, tables, dialect, now, filters }) {
    const w = kpiWindows(now);
    const ts = dialect.instant;
    // Two range scans (the last two hours, and the same hour last week), each pruned by
    // event_time; every row is then labelled with the window it falls in. The order totals and
    // the distinct sellers of the items are two aggregations over the same labelled rows.
    const scan = (from: Date, to: Date) => {
      const filter = orderFilterSql(dialect, tables, filters, from, to);
      return {
        sql: `SELECT event_time, order_id, items_count, items_value, payload
              FROM ${tables.events}
              WHERE event_type = 'order_created' AND event_time >= ${ts} AND event_time < ${ts} ${filter.sql}`,
        params: [instantParam(from), instantParam(to), ...filter.params],
      };
    };
    const recent = scan(w.previous.from, w.current.to);
    const lastWeek = scan(w.lastWeek.from, w.lastWeek.to);
    const sellers = dialect.itemRows('SELECT period, payload FROM labelled', ['period'], {
      seller_id: 'seller_id',
    });
    const sql = `
      WITH labelled AS (
        SELECT CASE WHEN event_time >= ${ts} THEN 'current'
                    WHEN event_time >= ${ts} THEN 'previous'
                    ELSE 'lastWeek' END AS period,
               order_id, items_count, items_value, payload
        FROM (${recent.sql} UNION ALL ${lastWeek.sql}) AS scanned
      ),
      totals AS (
        SELECT period, count(DISTINCT order_id) AS orders,
               coalesce(sum(items_count), 0) AS items_sold,
               coalesce(sum(items_value), 0) AS revenue
        FROM labelled GROUP BY period
      ),
      sellers AS (
        SELECT period, count(DISTINCT seller_id) AS active_sellers FROM (${sellers}) AS items GROUP BY period
      )
      SELECT totals.period, orders, items_sold, revenue, coalesce(active_sellers, 0) AS active_sellers
      FROM totals LEFT JOIN sellers ON sellers.period = totals.period`;
    const rows = await warehouse.query(sql, [
      instantParam(w.current.from),
      instantParam(w.previous.from),
      ...recent.params,
      ...lastWeek.params,
    ]);
    const byPeriod = new Map(rows.map((row) => [String(row.period), row]));
    const values = (period: (typeof PERIODS)[number]): KpiValues => {
      const row = byPeriod.get(period);
      const orders = toCount(row?.orders);
      const revenueCents = toCents(row?.revenue);
      return {
        orders,
        itemsSold: toCount(row?.items_sold),
        revenue: centsToDecimal(revenueCents),
        averageBasket: centsToDecimal(orders === 0 ? 0 : revenueCents / orders),
        activeSellers: toCount(row?.active_sellers),
      };
    };
    return {
      current: values('current'),
      previous: values('previous'),
      lastWeek: values('lastWeek'),
    };
  },
  toCsv(payload) {
    return {
      columns: ['period', 'orders', 'items_sold', 'revenue', 'average_basket', 'active_sellers'],
      rows: PERIODS.map((period) => {
        const v = payload[period];
        return [period, v.orders, v.itemsSold, v.revenue, v.averageBasket, v.activeSellers];
      }),
    };
  },
});
