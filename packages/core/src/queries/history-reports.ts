import { METRIC_CATALOGUE, METRIC_IDS, type MetricId, NET_ORDER_SQL } from '../metrics/catalogue.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { metricColumn, metricSelect, metricValue } from './internal/metric-sql.js';
import type { QueryContext } from './internal/query-context.js';
import type { SqlDialect } from './internal/sql-dialect.js';
import { toIso } from './internal/values.js';
import { weekdayHourSql } from './internal/weekday-hour.js';

/**
 * The history reports, one per history panel of a dashboard: the catalogue's metrics computed with
 * the same SQL as the live queries, over the dbt facts `fct_orders` (the order relation: one row per order,
 * history and stream, latest status) and `fct_order_items` (the item relation); plus two dbt
 * marts whose figures are not catalogue metrics (delivery times, review scores).
 *
 * Hours, days and months are those of `purchased_at`, which the marts keep as the local time of
 * the business time zone (Olist's naive timestamps are; stream instants are converted by dbt).
 */

/** The history reports, by id, in the order a page shows them. */
export const HISTORY_REPORT_IDS = [
  'history-totals',
  'history-sales-by-month',
  'history-sales-by-day',
  'history-orders-by-status',
  'history-top-sellers',
  'history-sales-by-category',
  'history-sales-by-state',
  'history-heatmap',
  'history-delivery-performance',
  'history-review-scores',
] as const;

/** One of {@link HISTORY_REPORT_IDS}. */
export type HistoryReportId = (typeof HISTORY_REPORT_IDS)[number];

/** A column of a history report: its name in the result, its header, and the metric it shows. */
interface HistoryColumnSpec {
  readonly id: string;
  readonly label: string;
  /** The catalogue metric (its definition is the header's tooltip). */
  readonly metric?: MetricId;
}

/** The relations and marts a history report reads, by the table name dbt gives them. */
export type HistoryTable =
  | 'fct_orders'
  | 'fct_order_items'
  | 'mart_delivery_performance'
  | 'mart_review_scores';

/** One history report. */
interface HistorySpec {
  readonly id: HistoryReportId;
  /** The tables it reads; all must exist, else the report says it is not built. */
  readonly tables: readonly HistoryTable[];
  /** Its SQL, given the quoted names of its tables. */
  readonly sql: (names: Readonly<Record<HistoryTable, string>>, dialect: SqlDialect) => string;
  /** Its columns; `null`: whatever the mart has (labels from `humanHeader`). */
  readonly columns: readonly HistoryColumnSpec[] | null;
}

const m = (metric: MetricId, label?: string): HistoryColumnSpec => ({
  id: metricColumn(metric),
  label: label ?? metricLabel(metric),
  metric,
});

const LABELS: Partial<Record<MetricId, string>> = {
  orders: 'Orders',
  netOrders: 'Net orders',
  deliveredOrders: 'Delivered orders',
  gmv: 'Revenue (R$)',
  freight: 'Freight (R$)',
  orderValue: 'Order value (R$)',
  items: 'Items sold',
  averageBasket: 'Average basket (R$)',
  activeCustomers: 'Active customers',
  activeSellers: 'Active sellers',
  payments: 'Payments (R$)',
};

function metricLabel(metric: MetricId): string {
  return LABELS[metric] ?? metric;
}

/** The select list of some metrics, for columns that are metrics. */
const select = (metrics: readonly MetricId[], relation: 'order' | 'item') => metricSelect(metrics, relation);

/** Whether the totals read a metric from the item relation (an item aggregate: active sellers). */
const onItems = (id: MetricId): boolean => {
  const { formula } = METRIC_CATALOGUE[id];
  return formula.kind === 'aggregate' && formula.relation === 'item';
};
/** Every metric of the catalogue, each from the relation it is defined over, in catalogue order. */
const TOTAL_ORDER_METRICS: readonly MetricId[] = METRIC_IDS.filter((id) => !onItems(id));
const TOTAL_ITEM_METRICS: readonly MetricId[] = METRIC_IDS.filter(onItems);
const PERIOD_METRICS: readonly MetricId[] = [
  'orders',
  'netOrders',
  'gmv',
  'orderValue',
  'items',
  'averageBasket',
  'activeCustomers',
];

/** The reports, in page order. */
const HISTORY_SPECS: readonly HistorySpec[] = [
  {
    id: 'history-totals',
    tables: ['fct_orders', 'fct_order_items'],
    sql: (t) => `SELECT * FROM
      (SELECT ${select(TOTAL_ORDER_METRICS, 'order')} FROM ${t.fct_orders}) AS order_totals
      CROSS JOIN (SELECT ${select(TOTAL_ITEM_METRICS, 'item')} FROM ${t.fct_order_items}) AS item_totals`,
    columns: [...TOTAL_ORDER_METRICS, ...TOTAL_ITEM_METRICS].map((metric) => m(metric)),
  },
  {
    id: 'history-sales-by-month',
    tables: ['fct_orders'],
    sql: (t) => `SELECT CAST(date_trunc('month', purchased_at) AS DATE) AS purchase_month,
        ${select(PERIOD_METRICS, 'order')}
      FROM ${t.fct_orders} GROUP BY 1 ORDER BY 1`,
    columns: [{ id: 'purchase_month', label: 'Month' }, ...PERIOD_METRICS.map((metric) => m(metric))],
  },
  {
    id: 'history-sales-by-day',
    tables: ['fct_orders'],
    // The latest 1,000 days; the page sorts them back into time order.
    sql: (t) => `SELECT CAST(purchased_at AS DATE) AS purchase_date, ${select(['orders', 'gmv'], 'order')}
      FROM ${t.fct_orders} GROUP BY 1 ORDER BY 1 DESC LIMIT 1000`,
    columns: [{ id: 'purchase_date', label: 'Day' }, m('orders'), m('gmv')],
  },
  {
    id: 'history-orders-by-status',
    tables: ['fct_orders'],
    sql: (t) => `SELECT order_status, ${select(['orders', 'payments'], 'order')}
      FROM ${t.fct_orders} GROUP BY 1 ORDER BY 2 DESC, 1`,
    columns: [{ id: 'order_status', label: 'Status' }, m('orders'), m('payments')],
  },
  {
    id: 'history-top-sellers',
    tables: ['fct_order_items'],
    sql: (t) => `SELECT seller_id, ${select(['gmv', 'netOrders', 'items'], 'item')}
      FROM ${t.fct_order_items} GROUP BY 1 ORDER BY gmv DESC, seller_id LIMIT 10`,
    columns: [{ id: 'seller_id', label: 'Seller' }, m('gmv'), m('netOrders'), m('items')],
  },
  {
    id: 'history-sales-by-category',
    tables: ['fct_order_items'],
    sql: (t) => `SELECT product_category_name_english,
        ${select(['gmv', 'netOrders', 'items'], 'item')},
        count(DISTINCT CASE WHEN ${NET_ORDER_SQL} THEN product_id END) AS products
      FROM ${t.fct_order_items} GROUP BY 1 ORDER BY gmv DESC, 1 LIMIT 1000`,
    columns: [
      { id: 'product_category_name_english', label: 'Category' },
      m('gmv'),
      m('netOrders'),
      m('items'),
      { id: 'products', label: 'Products sold' },
    ],
  },
  {
    id: 'history-sales-by-state',
    tables: ['fct_orders'],
    sql: (t) => `SELECT customer_state, ${select(['gmv', 'orders', 'activeCustomers'], 'order')}
      FROM ${t.fct_orders} GROUP BY 1 ORDER BY gmv DESC, 1`,
    columns: [{ id: 'customer_state', label: 'State' }, m('gmv'), m('orders'), m('activeCustomers')],
  },
  {
    id: 'history-heatmap',
    tables: ['fct_orders'],
    sql: (
      t,
      dialect,
    ) => `SELECT ${weekdayHourSql(dialect.epochSeconds('purchased_at'))}, ${select(['orders'], 'order')}
      FROM ${t.fct_orders} GROUP BY 1, 2 ORDER BY 1, 2`,
    columns: [{ id: 'dow', label: 'Weekday' }, { id: 'hour', label: 'Hour' }, m('orders')],
  },
  {
    id: 'history-delivery-performance',
    tables: ['mart_delivery_performance'],
    sql: (t) => `SELECT * FROM ${t.mart_delivery_performance} ORDER BY 1`,
    columns: null,
  },
  {
    id: 'history-review-scores',
    tables: ['mart_review_scores'],
    sql: (t) => `SELECT * FROM ${t.mart_review_scores} ORDER BY 1`,
    columns: null,
  },
];

const HEADERS: Readonly<Record<string, string>> = {
  purchase_month: 'Month',
  purchase_date: 'Day',
  review_score: 'Review score',
  share_of_reviews: 'Share of reviews',
  delivered_orders: 'Delivered orders',
  avg_delivery_days: 'Avg days to deliver',
  median_delivery_days: 'Median days to deliver',
  avg_estimated_days: 'Avg days promised',
  late_orders: 'Late orders',
  late_rate: 'Late share',
  avg_days_late: 'Avg days late',
  timestamp_anomalies: 'Timestamps out of order',
  avg_order_value: 'Avg order value (R$)',
  orders: 'Orders',
};

/**
 * A human header for a mart column: a known name, else the words of the snake-case name.
 *
 * @param column - the column name
 * @returns e.g. `avg_delivery_days` → `Avg days to deliver`, `some_thing` → `Some thing`
 */
function humanHeader(column: string): string {
  const known = HEADERS[column.toLowerCase()];
  if (known !== undefined) return known;
  const words = column.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** One column of a history report as a page shows it. */
export interface HistoryColumn {
  /** The column's name in the data (and a CSV header). */
  readonly id: string;
  /** The human header. */
  readonly label: string;
  /** The metric's definition, when the column is a catalogue metric (the header's tooltip). */
  readonly definition: string | null;
}

/** A history report: catalogue metrics over the dbt facts, or a mart as dbt builds it. */
export interface HistoryReport {
  /** The tables read. */
  readonly tables: readonly string[];
  /** `false` until dbt has built them; the report is then empty. */
  readonly built: boolean;
  /** The names of the columns. */
  readonly columns: readonly string[];
  /** Headers and definitions, one per column. */
  readonly headers: readonly HistoryColumn[];
  readonly rows: readonly (readonly (string | number | null)[])[];
  /** The business time zone of `purchased_at` (dbt's local time). */
  readonly timeZone: string;
}

/** Names spliced into SQL as quoted identifiers: letters, digits, `_`, `-`, space, `.`, `$`. */
const NAME = /^[\p{L}\p{N}_\- .$]{1,255}$/u;

/**
 * Finds where dbt put a model (`information_schema`, so any target schema works — also in an
 * attached analytics database, which is where the pipeline's dbt builds go on DuckDB).
 *
 * @param warehouse - the warehouse
 * @param table - the model's table name
 * @returns the quoted qualified name, or `undefined` when it does not exist
 */
async function locate(warehouse: Warehouse, table: string): Promise<string | undefined> {
  const rows = await warehouse.query(
    `SELECT table_catalog, table_schema, table_name FROM information_schema.tables
      WHERE lower(table_name) = ? ORDER BY table_catalog, table_schema`,
    [table],
  );
  const places = rows
    .map((row) => ({
      catalog: String(row.table_catalog),
      schema: String(row.table_schema),
      table: String(row.table_name),
    }))
    .filter((place) => [place.catalog, place.schema, place.table].every((part) => NAME.test(part)));
  const place = places.find((p) => p.schema.toLowerCase().includes('mart')) ?? places[0];
  // The stored spelling: Snowflake keeps unquoted names upper-case, DuckDB as written (a DuckDB
  // catalog is named after its file, e.g. `fall-back`, so any name without a quote is quoted).
  return place === undefined ? undefined : `"${place.catalog}"."${place.schema}"."${place.table}"`;
}

function cell(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return toIso(value);
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

function definitionOf(metric: MetricId): string {
  return METRIC_CATALOGUE[metric].definition;
}

/** Reads one history report; not built (and empty) while a table it reads is missing. */
export async function readHistoryReport(
  { warehouse, dialect }: QueryContext,
  id: HistoryReportId,
): Promise<HistoryReport> {
  const spec = HISTORY_SPECS.find((candidate) => candidate.id === id);
  if (spec === undefined) throw new TypeError(`unknown history report: ${String(id)}`);
  const names: Partial<Record<HistoryTable, string>> = {};
  for (const table of spec.tables) names[table] = await locate(warehouse, table);
  if (spec.tables.some((table) => names[table] === undefined)) {
    return {
      tables: spec.tables,
      built: false,
      columns: [],
      headers: [],
      rows: [],
      timeZone: dialect.timeZone,
    };
  }
  const result = await warehouse.query(spec.sql(names as Record<HistoryTable, string>, dialect));
  // The warehouse's spelling of a name (Snowflake folds unquoted aliases to upper case).
  const key = (row: Record<string, unknown>, column: string) =>
    column in row ? column : (Object.keys(row).find((name) => name.toLowerCase() === column) ?? column);
  const headers: HistoryColumn[] =
    spec.columns === null
      ? Object.keys(result[0] ?? {}).map((name) => ({
          id: name.toLowerCase(),
          label: humanHeader(name),
          definition: null,
        }))
      : spec.columns.map((column) => ({
          id: column.id,
          label: column.label,
          definition: column.metric === undefined ? null : definitionOf(column.metric),
        }));
  const rows = result.map((row) => {
    const lower = Object.fromEntries(Object.entries(row).map(([name, value]) => [name.toLowerCase(), value]));
    return (spec.columns ?? headers).map((column) =>
      'metric' in column && column.metric !== undefined
        ? metricValue(column.metric, lower)
        : cell(row[key(row, column.id)]),
    );
  });
  return {
    tables: spec.tables,
    built: true,
    columns: headers.map((h) => h.id),
    headers,
    rows,
    timeZone: dialect.timeZone,
  };
}
