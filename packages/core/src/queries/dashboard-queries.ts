import { resolveOptions } from '../options/resolve-options.js';
import { type AlertTimelinePayload, readAlertTimeline } from './alert-timeline.js';
import { type HistoryReport, type HistoryReportId, readHistoryReport } from './history-reports.js';
import { type HourlySalesPayload, readHourlySales } from './hourly-sales.js';
import type { QueryContext } from './internal/query-context.js';
import { dashboardTables } from './internal/sql.js';
import { sqlDialectFor } from './internal/sql-dialect.js';
import { type KpiPayload, readKpis } from './kpis.js';
import { type DashboardQueriesOptions, dashboardQueriesOptionsSchema } from './options.js';
import { type OrderHeatmapPayload, readOrderHeatmap } from './order-heatmap.js';
import { type HealthSnapshot, type PipelineHealthPayload, readPipelineHealth } from './pipeline-health.js';
import { readProductCategories } from './product-categories.js';
import type { QueryScope } from './query-scope.js';
import { readTopSellers, type TopSellersPayload } from './top-sellers.js';

/**
 * The queries of a live sales dashboard over one warehouse. The live ones read the stream table
 * `raw_order_events` directly (no need to wait for dbt), counting each order once: one row per
 * `event_id`, one order per `order_id`, with the status of its latest event. Every metric is the
 * metric catalogue's definition (`METRIC_CATALOGUE`), so a number means the same on every panel
 * and in the dbt marts. Money comes back as exact decimal strings.
 */
export interface DashboardQueries {
  /** The business time zone the queries bucket hours, days and weeks by. */
  readonly businessTimeZone: string;
  /**
   * The KPIs of the last hour, the hour before it and the same local hour a week ago.
   *
   * @param scope - the instant and the filters
   * @returns the three windows' KPIs with the metrics' labels and definitions
   */
  kpis(scope: QueryScope): Promise<KpiPayload>;
  /**
   * Orders, items and revenue per local hour over the last 24 hours, every hour present.
   *
   * @param scope - the instant and the filters
   * @returns 24 points, oldest first
   */
  hourlySales(scope: QueryScope): Promise<HourlySalesPayload>;
  /**
   * The 10 sellers with the most revenue in the last hour, today and this week (local).
   *
   * @param scope - the instant and the filters
   * @returns the top sellers of each period
   */
  topSellers(scope: QueryScope): Promise<TopSellersPayload>;
  /**
   * Orders placed by local weekday and hour over the last 28 days.
   *
   * @param scope - the instant and the filters
   * @returns a 7 × 24 grid (`cells[dow][hour]`, 0 = Sunday)
   */
  orderHeatmap(scope: QueryScope): Promise<OrderHeatmapPayload>;
  /**
   * The alerts firing now and the timeline of the last 7 days (at most 50), from the `alerts` table.
   *
   * @param scope - the instant (filters do not apply)
   * @returns the firing alerts and the timeline, newest first
   */
  alertTimeline(scope: QueryScope): Promise<AlertTimelinePayload>;
  /**
   * Pipeline health: data freshness, ingest rate, end-to-end latency, dead letters and the sink's
   * committed offsets, from the warehouse; what the running pipeline reports wins where given.
   *
   * @param scope - the instant (filters do not apply)
   * @param reported - the pipeline's own figures, when it runs beside the caller
   * @returns the figures, with `reportedByPipeline` telling where they came from
   */
  pipelineHealth(scope: QueryScope, reported?: HealthSnapshot): Promise<PipelineHealthPayload>;
  /**
   * One history report over the dbt facts and marts.
   *
   * @param id - which report
   * @returns the report, or an empty one with `built: false` until dbt has built its tables
   */
  history(id: HistoryReportId): Promise<HistoryReport>;
  /**
   * The product categories present in the stream over the last 30 days and in the Olist
   * translation table when it is loaded: what a category filter may offer.
   *
   * @param scope - the instant
   * @returns the category names, sorted
   */
  productCategories(scope: QueryScope): Promise<string[]>;
}

/**
 * Creates the queries of a live sales dashboard over a DuckDB or Snowflake warehouse: KPIs, hourly
 * sales, top sellers, the weekday × hour heatmap, alerts, pipeline health, the history reports
 * over the dbt marts and the product categories of the filter. The SQL is written once and runs on
 * both engines; values (instants, filters) are always bound as parameters.
 *
 * @param options - the warehouse and the business time zone
 * @returns the queries
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for invalid options,
 *   `CORE_UNSUPPORTED_WAREHOUSE` for an engine other than DuckDB and Snowflake
 * @example
 * ```ts
 * const queries = createDashboardQueries({ warehouse });
 * const { current } = await queries.kpis({ now: new Date(), filters: { state: 'SP' } });
 * console.log(`last hour: ${current.orders} orders, R$ ${current.revenue}`);
 * ```
 */
export function createDashboardQueries(options: DashboardQueriesOptions): DashboardQueries {
  const { warehouse, businessTimeZone } = resolveOptions(
    'createDashboardQueries',
    dashboardQueriesOptionsSchema,
    options,
  );
  const context: QueryContext = {
    warehouse,
    tables: dashboardTables(warehouse),
    dialect: sqlDialectFor(warehouse, businessTimeZone),
  };
  return {
    businessTimeZone,
    kpis: (scope) => readKpis(context, scope),
    hourlySales: (scope) => readHourlySales(context, scope),
    topSellers: (scope) => readTopSellers(context, scope),
    orderHeatmap: (scope) => readOrderHeatmap(context, scope),
    alertTimeline: (scope) => readAlertTimeline(context, scope),
    pipelineHealth: (scope, reported) => readPipelineHealth(context, scope, reported),
    history: (id) => readHistoryReport(context, id),
    productCategories: (scope) => readProductCategories(context, scope),
  };
}
