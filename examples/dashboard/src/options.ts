import type { Warehouse } from '@orderstream/core';
import { businessTimeZoneSchema, resolveOptions } from '@orderstream/core';
import type { HealthSnapshot } from '@orderstream/core/queries';
import { z } from 'zod';

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** The zod schema of {@link DashboardServerOptions}; defaults live here. */
export const dashboardServerOptionsSchema = z.object({
  warehouse: z.custom<Warehouse>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      isFunction((value as Warehouse).query) &&
      isFunction((value as Warehouse).qualify),
    'expected a Warehouse (with query() and qualify())',
  ),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.int().min(0).max(65_535).default(8501),
  pollIntervalMs: z.int().min(100).max(60_000).default(1000),
  slowPanelIntervalMs: z.int().min(0).max(600_000).default(5000),
  maxFilterSets: z.int().min(1).max(1000).default(32),
  queryDeadlineMs: z.int().min(0).max(600_000).default(10_000),
  health: z
    .custom<() => HealthSnapshot | Promise<HealthSnapshot>>(isFunction, 'expected a function')
    .optional(),
  now: z.custom<() => Date>(isFunction, 'expected a function').optional(),
  timeZone: businessTimeZoneSchema,
});

/**
 * Options of {@link createDashboardServer}.
 */
export interface DashboardServerOptions {
  /** The warehouse to read: the stream table, the alerts and, when built, the dbt marts. */
  warehouse: Warehouse;
  /**
   * The interface to bind. Keep the loopback default unless a proxy in front adds authentication.
   * @defaultValue `'127.0.0.1'`
   */
  host?: string;
  /**
   * The TCP port; `0` picks a free one (read it back from `url`).
   * @defaultValue `8501` (Streamlit's, so bookmarks keep working)
   */
  port?: number;
  /**
   * How often the server polls the warehouse for changes, in milliseconds.
   * @defaultValue `1000`
   */
  pollIntervalMs?: number;
  /**
   * The least time between two refreshes of the expensive panels (top sellers over a week, the
   * heatmap over four weeks), in milliseconds. `0` refreshes them on every change like the rest.
   * @defaultValue `5000`
   */
  slowPanelIntervalMs?: number;
  /**
   * The most distinct filter combinations watched live at once; more get `503`.
   * @defaultValue `32`
   */
  maxFilterSets?: number;
  /**
   * How long one panel computation retries a transient warehouse failure (locked, unreachable)
   * before the request fails with `503`, in milliseconds. Each retry is logged as a process
   * warning naming the panel, the failure and the backoff.
   * @defaultValue `10000`
   */
  queryDeadlineMs?: number;
  /** Reports the pipeline's own health (consumer lag, events/s, dead letters, latency). */
  health?: () => HealthSnapshot | Promise<HealthSnapshot>;
  /**
   * The clock. Injectable for tests and replays.
   * @defaultValue `() => new Date()`
   */
  now?: () => Date;
  /**
   * The business time zone (IANA name): the hourly chart, the heatmap, "today" and "this week" are
   * its local hours, days and weeks, and the page says which zone it shows. The standalone
   * dashboard reads it from `--time-zone`, else `ORDERSTREAM_TIME_ZONE`.
   * @defaultValue `'America/Sao_Paulo'` (`DEFAULT_BUSINESS_TIME_ZONE` of core)
   */
  timeZone?: string;
}

/** {@link DashboardServerOptions} with every default filled in. */
export interface ResolvedDashboardServerOptions {
  readonly warehouse: Warehouse;
  readonly host: string;
  readonly port: number;
  readonly pollIntervalMs: number;
  readonly slowPanelIntervalMs: number;
  readonly maxFilterSets: number;
  readonly queryDeadlineMs: number;
  readonly health: (() => HealthSnapshot | Promise<HealthSnapshot>) | undefined;
  readonly now: () => Date;
  readonly timeZone: string;
}

/**
 * Validates and defaults the dashboard's options, once.
 *
 * @param input - what the caller passed
 * @returns the resolved options
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` with zod's issues
 */
export function resolveDashboardServerOptions(input: DashboardServerOptions): ResolvedDashboardServerOptions {
  const parsed = resolveOptions('DashboardServer', dashboardServerOptionsSchema, input);
  return { ...parsed, health: parsed.health, now: parsed.now ?? (() => new Date()) };
}
