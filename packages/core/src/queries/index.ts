/**
 * `@orderstream/core/queries`: the queries of a live sales dashboard over any DuckDB or Snowflake
 * `Warehouse` — KPIs of the last hour, hourly sales, top sellers, the weekday × hour heatmap,
 * alerts, pipeline health, the history reports over the dbt marts and the product categories of a
 * filter — with their typed results. Every figure is a metric of the catalogue (`METRIC_CATALOGUE`
 * in `@orderstream/core`), counted once per order. The dashboard example renders these; a service
 * of your own can serve them as they are.
 *
 * @example
 * ```ts
 * import { createDuckDbWarehouse } from '@orderstream/duckdb';
 * import { createDashboardQueries } from '@orderstream/core/queries';
 *
 * const warehouse = await createDuckDbWarehouse({ path: './data/orderstream.duckdb' });
 * const queries = createDashboardQueries({ warehouse, businessTimeZone: 'America/Sao_Paulo' });
 * const now = new Date();
 * const { current, previous } = await queries.kpis({ now });
 * const { periods } = await queries.topSellers({ now, filters: { state: 'SP' } });
 * console.log(current.revenue, previous.revenue, periods.today[0]?.sellerId);
 * ```
 *
 * @packageDocumentation
 */

export type { AlertTimelinePayload, AlertView } from './alert-timeline.js';
export type { DashboardQueries } from './dashboard-queries.js';
export { createDashboardQueries } from './dashboard-queries.js';
export type { HistoryColumn, HistoryReport, HistoryReportId, HistoryTable } from './history-reports.js';
export { HISTORY_REPORT_IDS } from './history-reports.js';
export type { HourlySalesPayload, HourlySalesPoint } from './hourly-sales.js';
export type { KpiPayload, KpiValues } from './kpis.js';
export { KPI_PERIODS } from './kpis.js';
export type { MetricInfo } from './metric-info.js';
export type { DashboardQueriesOptions } from './options.js';
export { dashboardQueriesOptionsSchema } from './options.js';
export type { OrderHeatmapPayload } from './order-heatmap.js';
export type {
  CommittedOffset,
  HealthSnapshot,
  PartitionLag,
  PipelineHealthPayload,
} from './pipeline-health.js';
export type { OrderFilters, QueryScope } from './query-scope.js';
export type { SellerRow, TopSellersPayload } from './top-sellers.js';
export { SELLER_PERIODS } from './top-sellers.js';
