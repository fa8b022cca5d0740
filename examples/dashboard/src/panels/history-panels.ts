import type { Warehouse } from '@orderstream/core';
import { toIso } from '../internal/values.js';
import { definePanel, type PanelDefinition } from './panel.js';

/** A mart read for the history view; its columns are whatever dbt builds, shown generically. */
export interface HistoryPayload {
  readonly mart: string;
  /** `false` until dbt has built the mart. */
  readonly built: boolean;
  readonly message: string | null;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
  /** How the chart plots the rows; `null` when no column fits. */
  readonly chart: HistoryChart | null;
}

/** How the history view charts a mart: a label column, a value column, a chart kind and an order. */
export interface HistoryChart {
  readonly label: string;
  readonly value: string;
  readonly kind: 'line' | 'bar';
  /** `label`: ascending labels (time, scores); `value`: the largest values first, top 25. */
  readonly sort: 'label' | 'value';
}

/**
 * The dbt marts of the history view, by panel id, with the columns the dbt project builds (see
 * `dbt_transform/models/marts/dashboard`). When a mart's columns differ, a label and a numeric
 * column are picked from what is there.
 */
export const HISTORY_MARTS = {
  'history-sales-by-month': {
    mart: 'mart_sales_by_month',
    title: 'Revenue by month',
    chart: { label: 'purchase_month', value: 'revenue', kind: 'line', sort: 'label' },
  },
  'history-sales-by-category': {
    mart: 'mart_sales_by_category',
    title: 'Revenue by category',
    chart: { label: 'product_category_name_english', value: 'revenue', kind: 'bar', sort: 'value' },
  },
  'history-sales-by-state': {
    mart: 'mart_sales_by_state',
    title: 'Revenue by state',
    chart: { label: 'customer_state', value: 'revenue', kind: 'bar', sort: 'value' },
  },
  'history-delivery-performance': {
    mart: 'mart_delivery_performance',
    title: 'Delivery performance: average days to deliver, by month',
    chart: { label: 'purchase_month', value: 'avg_delivery_days', kind: 'line', sort: 'label' },
  },
  'history-review-scores': {
    mart: 'mart_review_scores',
    title: 'Review scores: orders per score',
    chart: { label: 'review_score', value: 'orders', kind: 'bar', sort: 'label' },
  },
} as const satisfies Record<string, { mart: string; title: string; chart: HistoryChart }>;

/** The message shown while the marts are missing. */
export const HISTORY_NOT_BUILT = 'history not built yet — run dbt';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMERIC = /^-?\d+(?:\.\d+)?$/;
const ROW_LIMIT = 1000;
const PREFERRED_VALUE = /revenue|gmv|sales|total|value|orders|score|late|rate|days/i;

/**
 * Finds where dbt put a mart (`information_schema`, so any target schema works — also in an
 * attached analytics database, which is where the pipeline's dbt builds go on DuckDB).
 *
 * @param warehouse - the warehouse
 * @param mart - the mart's table name
 * @returns the quoted qualified name, or `undefined` when the mart does not exist
 */
async function locateMart(warehouse: Warehouse, mart: string): Promise<string | undefined> {
  const rows = await warehouse.query(
    `SELECT table_catalog, table_schema, table_name FROM information_schema.tables
      WHERE lower(table_name) = ? ORDER BY table_catalog, table_schema`,
    [mart],
  );
  const places = rows
    .map((row) => ({
      catalog: String(row.table_catalog),
      schema: String(row.table_schema),
      table: String(row.table_name),
    }))
    .filter((place) => [place.catalog, place.schema, place.table].every((part) => IDENTIFIER.test(part)));
  const place = places.find((p) => p.schema.toLowerCase().includes('mart')) ?? places[0];
  // The stored spelling: Snowflake keeps unquoted names upper-case, DuckDB as written.
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

const isNumeric = (value: string | number | null): boolean =>
  typeof value === 'number' || (typeof value === 'string' && NUMERIC.test(value));

function pickChart(
  preferred: HistoryChart,
  columns: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): HistoryChart | null {
  if (columns.includes(preferred.label) && columns.includes(preferred.value)) return preferred;
  const sample = rows.slice(0, 50);
  const numeric = columns.filter(
    (_, i) => sample.length > 0 && sample.every((row) => row[i] === null || isNumeric(row[i] ?? null)),
  );
  const label = columns.find((name) => !numeric.includes(name)) ?? columns[0];
  const candidates = numeric.filter((name) => name !== label);
  const value = candidates.find((name) => PREFERRED_VALUE.test(name)) ?? candidates[0];
  if (label === undefined || value === undefined) return null;
  const timeLike = /month|date|day|week|year/i.test(label);
  return { label, value, kind: timeLike ? 'line' : 'bar', sort: timeLike ? 'label' : 'value' };
}

function historyPanel(id: keyof typeof HISTORY_MARTS): PanelDefinition<HistoryPayload> {
  const { mart, title, chart } = HISTORY_MARTS[id];
  return definePanel<HistoryPayload>({
    id,
    title,
    source: 'marts',
    filtered: false,
    slow: true,
    async load({ warehouse }) {
      const name = await locateMart(warehouse, mart);
      if (name === undefined) {
        return { mart, built: false, message: HISTORY_NOT_BUILT, columns: [], rows: [], chart: null };
      }
      const result = await warehouse.query(`SELECT * FROM ${name} LIMIT ${ROW_LIMIT}`);
      const columns = result.length > 0 ? Object.keys(result[0] ?? {}) : [];
      const rows = result.map((row) => columns.map((column) => cell(row[column])));
      return { mart, built: true, message: null, columns, rows, chart: pickChart(chart, columns, rows) };
    },
    toCsv(payload) {
      return { columns: payload.columns, rows: payload.rows };
    },
  });
}

/** The history view's panels, one per dbt mart. */
export const historyPanels: readonly PanelDefinition<HistoryPayload>[] = (
  Object.keys(HISTORY_MARTS) as (keyof typeof HISTORY_MARTS)[]
).map(historyPanel);
