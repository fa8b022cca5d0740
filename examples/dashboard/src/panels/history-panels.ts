import type { HistoryColumn, HistoryReportId } from '@orderstream/core/queries';
import { definePanel, type PanelDefinition } from './panel.js';

/** How the page charts a history panel. */
export interface HistoryChart {
  /** The label column (x axis, bar names). */
  readonly label: string;
  /** The value column. */
  readonly value: string;
  readonly kind: 'line' | 'bar' | 'heatmap' | 'tiles';
  /** `label`: ascending labels (time, scores); `value`: the largest values first, top 25. */
  readonly sort: 'label' | 'value';
  /**
   * For a time axis: the step between consecutive labels (`month`, `day`); where labels skip
   * steps (the years between the Olist history and the stream) the page draws a visible break.
   */
  readonly step?: 'month' | 'day';
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

/** The command that builds the facts and marts the history view reads. */
export const DBT_BUILD_COMMAND = 'npm run dbt -- build';

/** The message shown while the marts are missing. */
export const HISTORY_NOT_BUILT = 'history not built yet — run dbt to build the marts:';

/** The history view, in page order: each report of core's history queries, titled and charted. */
const HISTORY_VIEW: readonly { id: HistoryReportId; title: string; chart: HistoryChart }[] = [
  {
    id: 'history-totals',
    title: 'All time',
    chart: { label: 'orders', value: 'gmv', kind: 'tiles', sort: 'label' },
  },
  {
    id: 'history-sales-by-month',
    title: 'Revenue by month',
    chart: { label: 'purchase_month', value: 'gmv', kind: 'line', sort: 'label', step: 'month' },
  },
  {
    id: 'history-sales-by-day',
    title: 'Revenue by day',
    chart: { label: 'purchase_date', value: 'gmv', kind: 'line', sort: 'label', step: 'day' },
  },
  {
    id: 'history-orders-by-status',
    title: 'Orders by status',
    chart: { label: 'order_status', value: 'orders', kind: 'bar', sort: 'value' },
  },
  {
    id: 'history-top-sellers',
    title: 'Top 10 sellers by revenue',
    chart: { label: 'seller_id', value: 'gmv', kind: 'bar', sort: 'value' },
  },
  {
    id: 'history-sales-by-category',
    title: 'Revenue by category',
    chart: { label: 'product_category_name_english', value: 'gmv', kind: 'bar', sort: 'value' },
  },
  {
    id: 'history-sales-by-state',
    title: 'Revenue by customer state',
    chart: { label: 'customer_state', value: 'gmv', kind: 'bar', sort: 'value' },
  },
  {
    id: 'history-heatmap',
    title: 'Orders by weekday and hour',
    chart: { label: 'hour', value: 'orders', kind: 'heatmap', sort: 'label' },
  },
  {
    id: 'history-delivery-performance',
    title: 'Delivery performance by month',
    chart: {
      label: 'purchase_month',
      value: 'avg_delivery_days',
      kind: 'line',
      sort: 'label',
      step: 'month',
    },
  },
  {
    id: 'history-review-scores',
    title: 'Review scores',
    chart: { label: 'review_score', value: 'orders', kind: 'bar', sort: 'label' },
  },
];

function historyPanel(view: (typeof HISTORY_VIEW)[number]): PanelDefinition<HistoryPayload> {
  return definePanel<HistoryPayload>({
    id: view.id,
    title: view.title,
    source: 'marts',
    filtered: false,
    slow: true,
    async load({ queries }) {
      const { tables, built, columns, headers, rows, timeZone } = await queries.history(view.id);
      // Not built: the report is empty, and the page shows how to build it instead of a chart.
      return {
        tables,
        built,
        message: built ? null : HISTORY_NOT_BUILT,
        command: built ? null : DBT_BUILD_COMMAND,
        columns,
        headers,
        rows,
        chart: built ? view.chart : null,
        timeZone,
      };
    },
    toCsv(payload) {
      return { columns: payload.columns, rows: payload.rows };
    },
  });
}

/** The history view's panels: catalogue metrics over the dbt facts, and two marts. */
export const historyPanels: readonly PanelDefinition<HistoryPayload>[] = HISTORY_VIEW.map(historyPanel);
