import type { MetricId, Warehouse } from '@orderstream/core';
import { METRIC_CATALOGUE } from '@orderstream/core';
import { metricValue } from '../internal/metric-sql.js';
import { toIso } from '../internal/values.js';
import {
  HISTORY_SPECS,
  type HistoryChart,
  type HistorySpec,
  type HistoryTable,
  humanHeader,
} from './history-specs.js';
import { definePanel, type PanelDefinition } from './panel.js';

/** One column of a history panel as the page shows it. */
export interface HistoryColumn {
  /** The column's name in the data (and the CSV header). */
  readonly id: string;
  /** The human header. */
  readonly label: string;
  /** The metric's definition, when the column is a catalogue metric (the header's tooltip). */
  readonly definition: string | null;
}

/** A history panel's data: catalogue metrics over the dbt facts, or a mart as dbt builds it. */
export interface HistoryPayload {
  /** The tables read. */
  readonly tables: readonly string[];
  /** `false` until dbt has built them. */
  readonly built: boolean;
  /** Why there is no data yet, with the command that builds it. */
  readonly message: string | null;
  /** The command that builds the missing tables (shown by the page). */
  readonly command: string | null;
  /** The names of the columns (CSV headers). */
  readonly columns: readonly string[];
  /** Headers and definitions, one per column. */
  readonly headers: readonly HistoryColumn[];
  readonly rows: readonly (readonly (string | number | null)[])[];
  /** How the page charts the rows; `null` when no column fits. */
  readonly chart: HistoryChart | null;
  /** The business time zone of `purchased_at` (dbt's local time). */
  readonly timeZone: string;
}

export type { HistoryChart };

/** The command that builds the facts and marts the history view reads. */
export const DBT_BUILD_COMMAND = 'npm run dbt -- build';

/** The message shown while the marts are missing. */
export const HISTORY_NOT_BUILT = 'history not built yet — run dbt to build the marts:';

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

function historyPanel(spec: HistorySpec): PanelDefinition<HistoryPayload> {
  return definePanel<HistoryPayload>({
    id: spec.id,
    title: spec.title,
    source: 'marts',
    filtered: false,
    slow: true,
    async load({ warehouse, dialect }) {
      const names: Partial<Record<HistoryTable, string>> = {};
      for (const table of spec.tables) names[table] = await locate(warehouse, table);
      const empty = { columns: [], headers: [], rows: [], chart: null, timeZone: dialect.timeZone };
      if (spec.tables.some((table) => names[table] === undefined)) {
        return {
          tables: spec.tables,
          built: false,
          message: HISTORY_NOT_BUILT,
          command: DBT_BUILD_COMMAND,
          ...empty,
        };
      }
      const result = await warehouse.query(spec.sql(names as Record<HistoryTable, string>, dialect));
      // The warehouse's spelling of a name (Snowflake folds unquoted aliases to upper case).
      const key = (row: Record<string, unknown>, id: string) =>
        id in row ? id : (Object.keys(row).find((name) => name.toLowerCase() === id) ?? id);
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
        const lower = Object.fromEntries(
          Object.entries(row).map(([name, value]) => [name.toLowerCase(), value]),
        );
        return (spec.columns ?? headers).map((column) =>
          'metric' in column && column.metric !== undefined
            ? metricValue(column.metric, lower)
            : cell(row[key(row, column.id)]),
        );
      });
      return {
        tables: spec.tables,
        built: true,
        message: null,
        command: null,
        columns: headers.map((h) => h.id),
        headers,
        rows,
        chart: spec.chart,
        timeZone: dialect.timeZone,
      };
    },
    toCsv(payload) {
      return { columns: payload.columns, rows: payload.rows };
    },
  });
}

function definitionOf(metric: MetricId): string {
  return METRIC_CATALOGUE[metric].definition;
}

/** The history view's panels: catalogue metrics over the dbt facts, and two marts. */
export const historyPanels: readonly PanelDefinition<HistoryPayload>[] = HISTORY_SPECS.map(historyPanel);
