import type { AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';
import { serve } from '@hono/node-server';
import { createDashboardQueries } from '@orderstream/core/queries';
import { CategoryAllowList } from './filters/category-allow-list.js';
import { createDashboardApp } from './http/create-app.js';
import { PanelHub } from './hub/panel-hub.js';
import { loadStaticAssets } from './internal/static-assets.js';
import { type DashboardServerOptions, resolveDashboardServerOptions } from './options.js';
import { historyPanels } from './panels/history-panels.js';
import { livePanels } from './panels/live-panels.js';

/** A running dashboard. */
export interface DashboardServer {
  /** The page's address, e.g. `http://127.0.0.1:8501/`. */
  readonly url: string;
  /** Stops polling, ends the live connections and closes the port. Idempotent. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Starts the live sales dashboard: KPIs, hourly sales, top sellers, the weekday × hour heatmap,
 * alerts and pipeline health, pushed to the page over server-sent events whenever a panel's data
 * changes; plus the history view over the dbt marts, filters and CSV downloads.
 *
 * Fresh panels read the stream table `raw_order_events` directly (no need to wait for dbt); the
 * history view reads the marts once dbt has built them. The SQL runs on DuckDB and on Snowflake
 * (the warehouse's `dialect` picks what differs; the queries are core's `createDashboardQueries`).
 *
 * @param options - the warehouse and where to listen; see {@link DashboardServerOptions} for defaults
 * @returns the running server's URL and a `close()` function
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for invalid options,
 *   `CORE_UNSUPPORTED_WAREHOUSE` for an engine other than DuckDB and Snowflake; the listen error (e.g.
 *   `EADDRINUSE`) when the port is taken
 * @example
 * ```ts
 * const warehouse = createDuckDbWarehouse({ path: 'orderstream.duckdb' });
 * await warehouse.migrate();
 * const dashboard = await createDashboardServer({ warehouse, port: 8501 });
 * console.log(`dashboard on ${dashboard.url}`);
 * // later
 * await dashboard.close();
 * ```
 */
export async function createDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const resolved = resolveDashboardServerOptions(options);
  const { warehouse, now } = resolved;
  const queries = createDashboardQueries({ warehouse, businessTimeZone: resolved.timeZone });
  const onError = (error: unknown) => {
    // The message only: SQL and causes stay out of logs that may be shared.
    const message = error instanceof Error ? error.message : String(error);
    process.emitWarning(`dashboard: ${message}`, { code: 'ORDERSTREAM_DASHBOARD' });
  };
  const hub = new PanelHub({
    warehouse,
    queries,
    panels: livePanels,
    now,
    health: resolved.health,
    pollIntervalMs: resolved.pollIntervalMs,
    slowPanelIntervalMs: resolved.slowPanelIntervalMs,
    maxFilterSets: resolved.maxFilterSets,
    onError,
    queryDeadlineMs: resolved.queryDeadlineMs,
    log: (line) => process.emitWarning(`dashboard: ${line}`, { code: 'ORDERSTREAM_DASHBOARD_RETRY' }),
  });
  const streams = new Set<() => void>();
  const app = createDashboardApp({
    hub,
    livePanels,
    historyPanels,
    categories: new CategoryAllowList(queries, now),
    assets: loadStaticAssets(),
    pollIntervalMs: resolved.pollIntervalMs,
    // Bound to loopback, only loopback names are accepted (DNS-rebinding guard); any port, so
    // forwarded ports keep working.
    allowedHostnames: LOOPBACK.has(resolved.host) ? new Set(['127.0.0.1', 'localhost', '[::1]']) : undefined,
    trackStream: (end) => {
      streams.add(end);
      return () => streams.delete(end);
    },
    onError,
  });

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: resolved.host, port: resolved.port }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  hub.start();

  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/`,
    close() {
      closing ??= (async () => {
        for (const end of streams) end();
        await hub.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ('closeAllConnections' in server) server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
