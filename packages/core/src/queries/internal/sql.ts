import type { Warehouse } from '../../warehouse/warehouse.js';
import type { OrderFilters } from '../query-scope.js';
import type { SqlDialect, SqlFragment } from './sql-dialect.js';

/**
 * The queries' SQL is written once in the common subset of the warehouses' SQL; what differs
 * (JSON, epoch arithmetic, timestamp casts, identifier case) comes from the {@link SqlDialect}.
 * Every value from a user or a clock goes through a `?` parameter; only constants, dialect
 * pieces and names from `Warehouse.qualify` or `information_schema` are ever spliced into SQL text.
 */

/** The warehouse tables the live queries read, as quoted SQL names. */
export interface DashboardTables {
  readonly events: string;
  readonly alerts: string;
  readonly rejects: string;
  readonly offsets: string;
}

/**
 * Resolves the quoted names of the tables the queries read.
 *
 * @param warehouse - the warehouse
 * @returns the names
 */
export function dashboardTables(warehouse: Warehouse): DashboardTables {
  return {
    events: warehouse.qualify('raw_order_events'),
    alerts: warehouse.qualify('alerts'),
    rejects: warehouse.qualify('raw_rejects'),
    offsets: warehouse.qualify('sink_offsets'),
  };
}

/**
 * The `AND …` conditions restricting `raw_order_events` rows to the filters. The category filter
 * keeps orders with at least one item of that category.
 *
 * @param dialect - the warehouse's dialect
 * @param tables - the table names
 * @param filters - validated filters
 * @param from - the start of the scanned event-time window
 * @param to - its end (exclusive)
 * @returns the fragment (empty when no filter is set)
 */
export function orderFilterSql(
  dialect: SqlDialect,
  tables: DashboardTables,
  filters: OrderFilters,
  from: Date,
  to: Date,
): SqlFragment {
  const parts: string[] = [];
  const params: SqlFragment['params'][number][] = [];
  if (filters.state !== undefined) {
    parts.push('AND customer_state = ?');
    params.push(filters.state);
  }
  if (filters.category !== undefined) {
    const condition = dialect.anyItemEquals('product_category_name', filters.category, {
      events: tables.events,
      from: instantParam(from),
      to: instantParam(to),
    });
    parts.push(`AND ${condition.sql}`);
    params.push(...condition.params);
  }
  return { sql: parts.join(' '), params };
}

/**
 * An instant as a query parameter; the SQL casts it with {@link SqlDialect.instant}, so the value
 * is unambiguous whatever the session's time zone or the adapter's binding of `Date`.
 *
 * @param date - the instant
 * @returns its ISO 8601 text in UTC
 */
export function instantParam(date: Date): string {
  return date.toISOString();
}

export type { SqlFragment };
