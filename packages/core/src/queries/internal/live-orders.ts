import type { QueryParam } from '../../warehouse/warehouse.js';
import type { OrderFilters } from '../query-scope.js';
import { type DashboardTables, instantParam, orderFilterSql } from './sql.js';
import type { SqlDialect, SqlFragment } from './sql-dialect.js';
import type { TimeWindow } from './time-windows.js';

/**
 * The live queries' view of the stream table as the catalogue's relations, counted once.
 *
 * `raw_order_events` is append-only: a retried, replayed or re-run event lands again with the same
 * `event_id`. Every live read keeps one row per order: the first `order_created` event of its
 * `order_id` (so one row per `event_id`, and an order created twice under two event ids counts
 * once too), with the status of its latest event (where a copy changes nothing).
 */

/** The typed columns of `raw_order_events` the live queries read. */
const EVENT_COLUMNS = [
  'event_id',
  'event_type',
  'event_time',
  'order_id',
  'customer_unique_id',
  'order_status',
  'items_count',
  'items_value',
  'freight_value',
  'payment_value',
  'payload',
].join(', ');

/** What {@link liveOrdersSql} reads. */
export interface LiveOrdersScope {
  /** The windows whose `order_created` events make the orders (they may overlap). */
  readonly created: readonly TimeWindow[];
  /**
   * Whether the latest status is looked up (over `[earliest window start, statusUntil)`); when
   * `false`, the status at creation is used (panels of "orders placed", all statuses).
   */
  readonly status: boolean;
  /** The end of the status lookup: the panel's `now`. */
  readonly statusUntil: Date;
}

/**
 * The order relation of the catalogue over the stream: one row per order created in the scope's
 * windows (`event_time`, `order_id`, `order_status`, `customer_unique_id`, `items_count`,
 * `items_value`, `freight_value`, `payment_value`, `payload`), filtered by the order filters.
 *
 * @param dialect - the warehouse's dialect
 * @param tables - the table names
 * @param filters - validated filters
 * @param scope - which orders, and whether their latest status is looked up
 * @returns the SQL and its parameters
 */
export function liveOrdersSql(
  dialect: SqlDialect,
  tables: DashboardTables,
  filters: OrderFilters,
  scope: LiveOrdersScope,
): SqlFragment {
  const ts = dialect.instant;
  const from = new Date(Math.min(...scope.created.map((w) => w.from.getTime())));
  const to = new Date(Math.max(scope.statusUntil.getTime(), ...scope.created.map((w) => w.to.getTime())));
  const filter = orderFilterSql(dialect, tables, filters, from, to);
  const windows = scope.created.map(() => `(event_time >= ${ts} AND event_time < ${ts})`).join(' OR ');
  const windowParams: QueryParam[] = scope.created.flatMap((w) => [instantParam(w.from), instantParam(w.to)]);
  const firstCreated = `SELECT ${EVENT_COLUMNS},
      row_number() OVER (PARTITION BY order_id ORDER BY event_time, event_id, ingested_at) AS order_copy
    FROM ${tables.events}
    WHERE event_type = 'order_created' AND (${windows}) ${filter.sql}`;
  if (!scope.status) {
    return {
      sql: `SELECT event_time, order_id, order_status, customer_unique_id, items_count, items_value,
          freight_value, payment_value, payload
        FROM (${firstCreated}) AS created WHERE order_copy = 1`,
      params: [...windowParams, ...filter.params],
    };
  }
  // Latest by event time; at the same instant a later lifecycle event wins over the creation.
  const latest = `SELECT order_id, order_status, row_number() OVER (
      PARTITION BY order_id
      ORDER BY event_time DESC, CASE WHEN event_type = 'order_created' THEN 1 ELSE 0 END, event_id DESC
    ) AS recency FROM ${tables.events} WHERE event_time >= ${ts} AND event_time < ${ts} ${filter.sql}`;
  return {
    sql: `SELECT created.event_time, created.order_id, latest.order_status, created.customer_unique_id,
        created.items_count, created.items_value, created.freight_value, created.payment_value, created.payload
      FROM (${firstCreated}) AS created
      INNER JOIN (${latest}) AS latest ON latest.order_id = created.order_id AND latest.recency = 1
      WHERE created.order_copy = 1`,
    params: [
      ...windowParams,
      ...filter.params,
      instantParam(from),
      instantParam(scope.statusUntil),
      ...filter.params,
    ],
  };
}

/**
 * The item relation of the catalogue over an order relation from {@link liveOrdersSql}: one row
 * per item (`order_id`, `order_status`, `event_time`, `seller_id`, `price`, `freight_value`).
 *
 * @param dialect - the warehouse's dialect
 * @param orders - SQL of an order relation
 * @returns the SQL (no parameters of its own)
 */
export function liveItemsSql(dialect: SqlDialect, orders: string): string {
  const items = dialect.itemRows(
    `SELECT order_id, order_status, event_time, payload FROM (${orders}) AS item_orders`,
    ['order_id', 'order_status', 'event_time'],
    { seller_id: 'seller_id', price_text: 'price', freight_text: 'freight_value' },
  );
  return `SELECT order_id, order_status, event_time, seller_id,
      CAST(price_text AS DECIMAL(18, 2)) AS price, CAST(freight_text AS DECIMAL(18, 2)) AS freight_value
    FROM (${items}) AS item_rows`;
}
