import type { QueryParam, Warehouse } from '@orderstream/core';
import type { DashboardFilters } from '../filters/dashboard-filters.js';

/**
 * The dashboard's SQL is DuckDB's dialect (JSON paths, `list_contains`, `flatten`). Every value
 * from a user or a clock goes through a `?` parameter; only these constants and names from
 * `Warehouse.qualify` or `information_schema` are ever spliced into SQL text.
 */

/** JSON path of the items array inside `payload` (the event as received: `{ order: { items } }`). */
export const ITEMS_PATH = '$.order.items';

/** The warehouse tables the live panels read, as quoted SQL names. */
export interface DashboardTables {
  readonly events: string;
  readonly alerts: string;
  readonly rejects: string;
  readonly offsets: string;
}

/**
 * Resolves the quoted names of the tables the dashboard reads.
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

/** A SQL fragment with its parameters. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly QueryParam[];
}

/**
 * The `AND …` conditions restricting `raw_order_events` rows to the filters. The category filter
 * keeps orders with at least one item of that category.
 *
 * @param filters - validated filters
 * @returns the fragment (empty when no filter is set)
 */
export function orderFilterSql(filters: DashboardFilters): SqlFragment {
  const parts: string[] = [];
  const params: QueryParam[] = [];
  if (filters.state !== undefined) {
    parts.push('AND customer_state = ?');
    params.push(filters.state);
  }
  if (filters.category !== undefined) {
    parts.push(
      `AND list_contains(json_extract_string(payload, '${ITEMS_PATH}[*].product_category_name'), ?)`,
    );
    params.push(filters.category);
  }
  return { sql: parts.join(' '), params };
}

/**
 * An instant as a query parameter; the SQL casts it with `CAST(? AS TIMESTAMPTZ)`, so the value
 * is unambiguous whatever the session's time zone or the adapter's binding of `Date`.
 *
 * @param date - the instant
 * @returns its ISO 8601 text in UTC
 */
export function instantParam(date: Date): string {
  return date.toISOString();
}

/** `CAST(? AS TIMESTAMPTZ)`: the placeholder of an {@link instantParam}. */
export const TS = 'CAST(? AS TIMESTAMPTZ)';
