import type { Warehouse } from '@orderstream/core';
import { businessTimeZoneSchema, resolveOptions } from '@orderstream/core';
import type { HealthSnapshot } from '@orderstream/core/queries';
import { z } from 'zod';

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** The defaults of {@link DashboardServerOptions}. */
export const DASHBOARD_SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 8501,
  pollIntervalMs: 1000,
  slowPanelIntervalMs: 5000,
  maxFilterSets: 32,
  queryDeadlineMs: 10_000,
} as const;

/** The zod schema of {@link DashboardServerOptions}. */
export const dashboardServerOptionsSchema = z.object({
  /** The warehouse to read: the stream table, the alerts and, when built, the dbt marts. */
  warehouse: z.custom<Warehouse>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      isFunction((value as Warehouse).query) &&
      isFunction((value as Warehouse).qualify),
    'expected a Warehouse (with query() and qualify())',
  ),
  /**
   * The interface to bind. Keep the loopback default unless a proxy in front adds authentication.
   * @defaultValue `'127.0.0.1'`
   */
  host: z.string().min(1).default(DASHBOARD_SERVER_DEFAULTS.host),
  /**
   * The TCP port; `0` picks a free one (read it back from `url`).
   * @defaultValue `8501` (Streamlit's, so bookmarks keep working)
   */
  port: z.int().min(0).max(65_535).default(DASHBOARD_SERVER_DEFAULTS.port),
  /**
   * How often the server polls the warehouse for changes, in milliseconds.
   * @defaultValue `1000`
   */
  pollIntervalMs: z.int().min(100).max(60_000).default(DASHBOARD_SERVER_DEFAULTS.pollIntervalMs),
  /**
   * The least time between two refreshes of the expensive panels (top sellers over a week, the
   * heatmap over four weeks), in milliseconds. `0` refreshes them on every change like the rest.
   * @defaultValue `5000`
   */
  slowPanelIntervalMs: z.int().min(0).max(600_000).default(DASHBOARD_SERVER_DEFAULTS.slowPanelIntervalMs),
  /**
   * The most distinct filter combinations watched live at once; more get `503`.
   * @defaultValue `32`
   */
  maxFilterSets: z.int().min(1).max(1000).default(DASHBOARD_SERVER_DEFAULTS.maxFilterSets),
  /**
   * How long one panel computation retries a transient warehouse failure (locked, unreachable)
   * before the request fails with `503`, in milliseconds. Each retry is logged as a process
   * warning naming the panel, the failure and the backoff.
   * @defaultValue `10000`
   */
  queryDeadlineMs: z.int().min(0).max(600_000).default(DASHBOARD_SERVER_DEFAULTS.queryDeadlineMs),
  /** Reports the pipeline's own health (consumer lag, events/s, dead letters, latency). */
  health: z
    .custom<() => HealthSnapshot | Promise<HealthSnapshot>>(isFunction, 'expected a function')
    .optional(),
  /**
   * The clock. Injectable for tests and replays.
   * @defaultValue `() => new Date()`
   */
  now: z.custom<() => Date>(isFunction, 'expected a function').default(() => () => new Date()),
  /**
   * The business time zone (IANA name): the hourly chart, the heatmap, "today" and "this week" are
   * its local hours, days and weeks, and the page says which zone it shows. The standalone
   * dashboard reads it from `--time-zone`, else `ORDERSTREAM_TIME_ZONE`.
   * @defaultValue `'America/Sao_Paulo'` (`DEFAULT_BUSINESS_TIME_ZONE` of core)
   */
  timeZone: businessTimeZoneSchema,
});

/**
 * Options of {@link createDashboardServer}.
 *
 * @interface
 */
export type DashboardServerOptions = z.input<typeof dashboardServerOptionsSchema>;

/** {@link DashboardServerOptions} with every default filled in. */
export type ResolvedDashboardServerOptions = z.output<typeof dashboardServerOptionsSchema>;

/**
 * Validates and defaults the dashboard's options, once.
 *
 * @param input - what the caller passed
 * @returns the resolved options
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` with zod's issues
 */
export function resolveDashboardServerOptions(input: DashboardServerOptions): ResolvedDashboardServerOptions {
  return resolveOptions('DashboardServer', dashboardServerOptionsSchema, input);
}
