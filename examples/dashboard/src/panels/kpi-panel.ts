import { ITEMS_PATH, instantParam, orderFilterSql, TS } from '../internal/sql.js';
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
  async load({ warehouse, tables, now, filters }) {
    const w = kpiWindows(now);
    const filter = orderFilterSql(filters);
    // Two range scans (the last two hours, and the same hour last week), each pruned by
    // event_time; every row is then labelled with the window it falls in.
    const scan = `
      SELECT event_time, order_id, items_count, items_value, payload
      FROM ${tables.events}
      WHERE event_type = 'order_created' AND event_time >= ${TS} AND event_time < ${TS} ${filter.sql}`;
    const sql = `
      SELECT CASE WHEN event_time >= ${TS} THEN 'current'
                  WHEN event_time >= ${TS} THEN 'previous'
                  ELSE 'lastWeek' END AS period,
             count(DISTINCT order_id) AS orders,
             coalesce(sum(items_count), 0) AS items_sold,
             coalesce(sum(items_value), 0) AS revenue,
             len(list_distinct(flatten(list(json_extract_string(payload, '${ITEMS_PATH}[*].seller_id'))))) AS active_sellers
      FROM (${scan} UNION ALL ${scan})
      GROUP BY 1`;
    const rows = await warehouse.query(sql, [
      instantParam(w.current.from),
      instantParam(w.previous.from),
      instantParam(w.previous.from),
      instantParam(w.current.to),
      ...filter.params,
      instantParam(w.lastWeek.from),
      instantParam(w.lastWeek.to),
      ...filter.params,
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
