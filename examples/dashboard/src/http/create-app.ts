import { isOrderstreamError } from '@orderstream/core';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { DASHBOARD_ERROR_STATUS, type DashboardErrorCode, dashboardError } from '../dashboard-error.js';
import type { CategoryAllowList } from '../filters/category-allow-list.js';
import { BRAZIL_STATES, type DashboardFilters, parseDashboardFilters } from '../filters/dashboard-filters.js';
import type { HubEvent, PanelHub } from '../hub/panel-hub.js';
import { toCsv } from '../internal/csv.js';
import type { StaticAsset } from '../internal/static-assets.js';
import { HISTORY_NOT_BUILT } from '../panels/history-panels.js';
import type { PanelDefinition } from '../panels/panel.js';

/** What the HTTP app serves. */
export interface DashboardAppOptions {
  readonly hub: PanelHub;
  readonly livePanels: readonly PanelDefinition[];
  readonly historyPanels: readonly PanelDefinition[];
  readonly categories: CategoryAllowList;
  readonly assets: ReadonlyMap<string, StaticAsset>;
  readonly pollIntervalMs: number;
  /** Host names accepted in the `Host` header (DNS-rebinding guard); `undefined` accepts any. */
  readonly allowedHostnames: ReadonlySet<string> | undefined;
  /** Registers an open event stream so closing the server can end it. */
  readonly trackStream: (end: () => void) => () => void;
  readonly onError: (error: unknown) => void;
}

const MAX_URL_LENGTH = 2048;
const MAX_STREAMS = 200;
const HEARTBEAT_MS = 15_000;
const PANEL_FILE = /^([a-z][a-z0-9-]{0,63})(\.csv)?$/;

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** The host name of a `Host` header, lower-case, without the port (`[::1]` keeps its brackets). */
function hostname(header: string | undefined): string {
  const value = (header ?? '').toLowerCase();
  return value.startsWith('[') ? value.slice(0, value.indexOf(']') + 1) : (value.split(':')[0] ?? '');
}

/**
 * Builds the dashboard's HTTP routes: the page, the chart libraries, the panel data (JSON and
 * CSV), the history view and the live event stream.
 *
 * @param options - the hub, panels and assets
 * @returns the Hono app
 */
export function createDashboardApp(options: DashboardAppOptions): Hono {
  const { hub, livePanels, historyPanels, categories, assets } = options;
  const panelsById = new Map([...livePanels, ...historyPanels].map((panel) => [panel.id, panel]));
  const isKnownCategory = (category: string) => categories.has(category);
  const filtersOf = (c: Context): Promise<DashboardFilters> =>
    parseDashboardFilters(new URL(c.req.url).searchParams, isKnownCategory);
  let openStreams = 0;

  const app = new Hono();

  app.use(async (c, next) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
    if (c.req.url.length > MAX_URL_LENGTH) {
      throw dashboardError(
        'DASHBOARD_REQUEST_TOO_LARGE',
        `The URL is longer than ${MAX_URL_LENGTH} characters.`,
      );
    }
    const hosts = options.allowedHostnames;
    if (hosts !== undefined && !hosts.has(hostname(c.req.header('host')))) {
      return c.json({ error: { code: 'DASHBOARD_FORBIDDEN_HOST', message: 'Unexpected Host header.' } }, 403);
    }
    await next();
  });

  app.get('/healthz', (c) => c.json({ ok: true }));

  app.get('/api/filters', async (c) => {
    let known: string[] = [];
    try {
      known = await categories.list();
    } catch (error) {
      options.onError(error);
    }
    return c.json({ states: BRAZIL_STATES, categories: known });
  });

  app.get('/api/panels', (c) =>
    c.json({
      live: livePanels.map(({ id, title, source, filtered }) => ({ id, title, source, filtered })),
      history: historyPanels.map(({ id, title, source }) => ({ id, title, source })),
    }),
  );

  app.get('/api/panels/:file', async (c) => {
    const match = PANEL_FILE.exec(c.req.param('file'));
    const panel = match?.[1] === undefined ? undefined : panelsById.get(match[1]);
    if (panel === undefined) throw dashboardError('DASHBOARD_UNKNOWN_PANEL', 'No such panel.');
    const filters = await filtersOf(c);
    const message = await hub.load(panel, panel.filtered ? filters : {});
    if (match?.[2] === undefined) return c.json(message);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="${panel.id}.csv"`);
    return c.body(toCsv(panel.toCsv(message.payload)));
  });

  app.get('/api/history', async (c) => {
    if (new URL(c.req.url).search.length > 1) {
      throw dashboardError('DASHBOARD_INVALID_FILTER', 'The history view takes no filters.');
    }
    const messages = [];
    for (const panel of historyPanels) messages.push(await hub.load(panel, {}));
    const built = messages.some((m) => (m.payload as { built: boolean }).built);
    return c.json({ built, message: built ? null : HISTORY_NOT_BUILT, panels: messages });
  });

  app.get('/api/stream', async (c) => {
    const filters = await filtersOf(c);
    if (openStreams >= MAX_STREAMS) {
      throw dashboardError(
        'DASHBOARD_TOO_MANY_SUBSCRIPTIONS',
        'Too many open live connections; try again later.',
      );
    }
    const queue: HubEvent[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const end = () => {
      ended = true;
      wake?.();
    };
    const unsubscribe = hub.subscribe(filters, (event) => {
      queue.push(event);
      wake?.();
    });
    openStreams += 1;
    const untrack = options.trackStream(end);
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      stream.onAbort(end);
      try {
        await stream.writeSSE({
          event: 'hello',
          data: JSON.stringify({ pollIntervalMs: options.pollIntervalMs, filters }),
        });
        while (!ended && !stream.aborted) {
          if (queue.length === 0) {
            const idle = await new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(true), HEARTBEAT_MS);
              wake = () => {
                clearTimeout(timer);
                resolve(false);
              };
            });
            wake = undefined;
            if (idle && !ended) await stream.write(': keep-alive\n\n');
            continue;
          }
          const event = queue.shift() as HubEvent;
          if (event.type === 'panel') {
            await stream.writeSSE({
              event: 'panel',
              id: event.message.hash,
              data: JSON.stringify(event.message),
            });
          } else {
            await stream.writeSSE({
              event: 'status',
              data: JSON.stringify({ ok: event.ok, message: event.message }),
            });
          }
        }
      } finally {
        unsubscribe();
        untrack();
        openStreams -= 1;
      }
    });
  });

  app.get('*', (c) => {
    const found = assets.get(c.req.path);
    if (found === undefined)
      return c.json({ error: { code: 'DASHBOARD_NOT_FOUND', message: 'Not found.' } }, 404);
    c.header('Content-Type', found.contentType);
    c.header('Cache-Control', found.immutable ? 'public, max-age=86400' : 'no-cache');
    return c.body(found.body as Uint8Array<ArrayBuffer>);
  });

  app.notFound((c) => c.json({ error: { code: 'DASHBOARD_NOT_FOUND', message: 'Not found.' } }, 404));

  app.onError((error, c) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
    if (isOrderstreamError(error) && Object.hasOwn(DASHBOARD_ERROR_STATUS, error.code)) {
      const code = error.code as DashboardErrorCode;
      if (code === 'DASHBOARD_QUERY_FAILED') options.onError(error);
      return c.json({ error: { code, message: error.message } }, DASHBOARD_ERROR_STATUS[code]);
    }
    options.onError(error);
    return c.json({ error: { code: 'DASHBOARD_INTERNAL', message: 'Internal error.' } }, 500);
  });

  return app;
}
