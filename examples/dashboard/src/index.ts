/**
 * The orderstream live dashboard: a small HTTP server that pushes sales KPIs, charts, alerts and
 * pipeline health to the browser as the stream lands in the warehouse.
 *
 * @packageDocumentation
 */

export type { HealthSnapshot, PartitionLag } from '@orderstream/core/queries';
export type { DashboardErrorCode } from './dashboard-error.js';
export { DASHBOARD_ERROR_CODES } from './dashboard-error.js';
export type { DashboardServer } from './dashboard-server.js';
export { createDashboardServer } from './dashboard-server.js';
export type { DashboardFilters } from './filters/dashboard-filters.js';
export { BRAZIL_STATES } from './filters/dashboard-filters.js';
export type { DashboardServerOptions } from './options.js';
