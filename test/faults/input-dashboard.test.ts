import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Warehouse } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { createDashboardServer, type DashboardServer } from '@orderstream/example-dashboard';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CATEGORIES, seedOrders } from '../../examples/dashboard/test/helpers/order-rows.js';
import { openSse, type RawResponse, rawRequest } from './support/input-http.js';
import { bySize, printReconciliation, tally } from './support/input-kit.js';

const HOUR = 3_600_000;
const STREAMS = bySize(240, 400); // the server allows 200 open streams
const BARRAGE_ROUNDS = bySize(3, 20);

let dir = '';
let warehouse: Warehouse;
let dashboard: DashboardServer;

/** The last hour's orders and revenue, by plain SQL over the stream table. */
async function lastHour(now: number): Promise<{ orders: number; revenue: string }> {
  const [row] = await warehouse.query<{ orders: number; revenue: string | null }>(
    `SELECT count(DISTINCT order_id)::BIGINT AS orders, coalesce(sum(items_value), 0)::VARCHAR AS revenue
       FROM ${warehouse.qualify('raw_order_events')}
      WHERE event_type = 'order_created' AND event_time >= ? AND event_time < ?`,
    [new Date(now - HOUR), new Date(now)],
  );
  return { orders: Number(row?.orders), revenue: Number(row?.revenue ?? 0).toFixed(2) };
}

/** The dashboard's fixed clock: its figures never depend on the day or hour the test runs. */
const NOW = new Date('2026-11-18T18:00:00.000Z');

async function kpis(): Promise<{ orders: number; revenue: string }> {
  const response = await fetch(`${dashboard.url}api/panels/kpis`);
  expect(response.status).toBe(200);
  const { payload } = (await response.json()) as {
    payload: { current: { orders: number; revenue: string } };
  };
  return { orders: payload.current.orders, revenue: payload.current.revenue };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-faults-dashboard-'));
  warehouse = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb'), config: { threads: '2' } });
  await warehouse.migrate();
  const now = NOW.getTime();
  await seedOrders(warehouse, {
    now: NOW,
    orders: 1500,
    spanHours: 24 * 3,
    // No orders near the window edges during the test, so the last hour's figures stay put.
    quietAround: [now, now - HOUR, now - 2 * HOUR].map((t) => new Date(t)),
  });
  // Port 0: a free port, never the default 8501 someone else may be using.
  dashboard = await createDashboardServer({ warehouse, port: 0, pollIntervalMs: 200, now: () => NOW });
});

afterAll(async () => {
  await dashboard?.close();
  await warehouse?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the dashboard under hostile input', () => {
  it('rejects hostile requests with a 4xx and a typed error body, and keeps serving the same correct data', async () => {
    const before = await kpis();
    const truth = await lastHour(NOW.getTime());
    expect(before.orders).toBeGreaterThan(0);
    expect(before).toEqual(truth);

    const long = 'a'.repeat(5_000);
    // [what, request line (method and target, sent byte for byte), expected status, expected code]
    const cases: Array<[string, string | Buffer, number, string | null, Record<string, string>?]> = [
      ['SQL quote in state', "GET /api/panels/kpis?state=SP'%20OR%20'1'='1", 400, 'DASHBOARD_INVALID_FILTER'],
      [
        'SQL in category',
        "GET /api/panels/kpis?category=x';DROP%20TABLE%20raw_order_events;--",
        400,
        'DASHBOARD_INVALID_FILTER',
      ],
      [
        'UNION in category',
        'GET /api/panels/top-sellers?category=a%20UNION%20SELECT%20payload%20FROM%20raw_order_events',
        400,
        'DASHBOARD_INVALID_FILTER',
      ],
      ['comment in state', 'GET /api/panels/kpis?state=S/*', 400, 'DASHBOARD_INVALID_FILTER'],
      ['NUL in category', 'GET /api/panels/kpis?category=beleza_saude%00', 400, 'DASHBOARD_INVALID_FILTER'],
      ['lower-case state', 'GET /api/panels/kpis?state=sp', 400, 'DASHBOARD_INVALID_FILTER'],
      ['repeated filter', 'GET /api/panels/kpis?state=SP&state=RJ', 400, 'DASHBOARD_INVALID_FILTER'],
      ['unknown filter', 'GET /api/panels/kpis?colour=red', 400, 'DASHBOARD_INVALID_FILTER'],
      ['prototype key', 'GET /api/panels/kpis?__proto__=x', 400, 'DASHBOARD_INVALID_FILTER'],
      ['constructor key', 'GET /api/panels/kpis?constructor=x', 400, 'DASHBOARD_INVALID_FILTER'],
      [
        'huge category value',
        `GET /api/panels/kpis?category=${'a'.repeat(1_500)}`,
        400,
        'DASHBOARD_INVALID_FILTER',
      ],
      [
        'well-formed unknown category',
        'GET /api/panels/kpis?category=no_such_category',
        400,
        'DASHBOARD_INVALID_FILTER',
      ],
      [
        'accented category',
        'GET /api/panels/kpis?category=beleza_sa%C3%BAde',
        400,
        'DASHBOARD_INVALID_FILTER',
      ],
      ['percent-encoded invalid UTF-8', 'GET /api/panels/kpis?state=%FF%FE', 400, 'DASHBOARD_INVALID_FILTER'],
      ['broken percent escape', 'GET /api/panels/kpis?state=%ZZ', 400, 'DASHBOARD_INVALID_FILTER'],
      ['unknown panel', 'GET /api/panels/revenue-secrets', 404, 'DASHBOARD_UNKNOWN_PANEL'],
      ['path traversal', 'GET /api/panels/..%2F..%2Fetc%2Fpasswd', 404, 'DASHBOARD_UNKNOWN_PANEL'],
      ['panel with other extension', 'GET /api/panels/kpis.exe', 404, 'DASHBOARD_UNKNOWN_PANEL'],
      ['filters on the history view', 'GET /api/history?state=SP', 400, 'DASHBOARD_INVALID_FILTER'],
      ['bad filter on the live stream', 'GET /api/stream?state=ZZ', 400, 'DASHBOARD_INVALID_FILTER'],
      ['unknown route', 'GET /api/admin', 404, 'DASHBOARD_NOT_FOUND'],
      ['unknown param on a route', 'GET /api/panels/kpis?limit=1000000', 400, 'DASHBOARD_INVALID_FILTER'],
      [
        'very long query string',
        `GET /api/panels/kpis?state=SP&x=${long}`,
        414,
        'DASHBOARD_REQUEST_TOO_LARGE',
      ],
      ['POST to a panel', 'POST /api/panels/kpis', 404, 'DASHBOARD_NOT_FOUND', { 'content-length': '0' }],
      [
        'foreign Host header',
        'GET /api/panels/kpis',
        403,
        'DASHBOARD_FORBIDDEN_HOST',
        { host: 'evil.example' },
      ],
      // Below the app: Node's HTTP parser answers these itself (400/431, no body).
      [
        'raw invalid UTF-8 bytes in the target',
        Buffer.from([...Buffer.from('GET /api/panels/kpis?state='), 0xff, 0xfe]),
        400,
        null,
      ],
      ['query string past the header limit', `GET /api/panels/kpis?x=${'b'.repeat(70_000)}`, 431, null],
    ];

    const outcomes: string[] = [];
    const problems: string[] = [];
    for (let round = 0; round < BARRAGE_ROUNDS; round++) {
      const responses = await Promise.all(
        cases.map(([, head, , , headers]) =>
          rawRequest(dashboard.url, head, headers).catch(
            (error: Error): RawResponse => ({ status: -1, headers: {}, body: error.message }),
          ),
        ),
      );
      for (const [i, [what, , status, code]] of cases.entries()) {
        const response = responses[i] as RawResponse;
        outcomes.push(`${response.status}`);
        if (response.status !== status)
          problems.push(
            `${what}: status ${response.status} (${response.body.slice(0, 120)}), expected ${status}`,
          );
        if (code === null) continue;
        let body: { error?: { code?: string; message?: string } } = {};
        try {
          body = JSON.parse(response.body);
        } catch {
          problems.push(`${what}: body is not JSON: ${response.body.slice(0, 120)}`);
        }
        if (body.error?.code !== code) problems.push(`${what}: code ${body.error?.code}, expected ${code}`);
        if (!body.error?.message) problems.push(`${what}: no message`);
        // Nothing of the warehouse leaks into an error: no SQL, no stack, no file paths.
        if (
          /select |raw_order_events|\bat .*\.ts|\/src\//i.test(body.error?.message ?? '') &&
          what !== 'SQL in category'
        )
          problems.push(`${what}: message leaks internals: ${body.error?.message}`);
        if (!(response.headers['content-type'] ?? '').startsWith('application/json'))
          problems.push(`${what}: content-type ${response.headers['content-type']}`);
      }
    }

    const healthz = await fetch(`${dashboard.url}healthz`);
    const after = await kpis();
    // And a real browser still gets a working page with the same figure.
    // Keeps the real clock under libfaketime (scripts/clock-check.sh): chromium does not survive its preload.
    const { LD_PRELOAD: _preload, FAKETIME: _faketime, ...env } = process.env;
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
      env,
    });
    let shownOrders = Number.NaN;
    try {
      const page = await browser.newPage();
      await page.goto(dashboard.url);
      await page.locator('[data-testid="panel-kpis"][data-renders]').waitFor({ timeout: 30_000 });
      shownOrders = Number(
        ((await page.getByTestId('kpi-orders').textContent()) ?? '').replace(/[^0-9]/g, ''),
      );
    } finally {
      await browser.close();
    }
    printReconciliation(
      `dashboard: ${cases.length} hostile requests × ${BARRAGE_ROUNDS} rounds, concurrently`,
      [
        [
          'answers as expected',
          cases.length * BARRAGE_ROUNDS,
          cases.length * BARRAGE_ROUNDS - problems.length,
        ],
        ['5xx answers', 0, outcomes.filter((s) => s.startsWith('5')).length],
        ['/healthz after', 200, healthz.status],
        ['last-hour orders (SQL vs panel)', truth.orders, after.orders],
        ['last-hour revenue (SQL vs panel)', truth.revenue, after.revenue],
        ['last-hour orders (SQL vs chromium)', truth.orders, shownOrders],
      ],
    );
    console.log(`  statuses: ${JSON.stringify(tally(outcomes))}`);
    expect(problems).toEqual([]);
    expect(healthz.status).toBe(200);
    expect(after).toEqual(before);
    expect(shownOrders).toBe(truth.orders);
    expect(outcomes.some((s) => s.startsWith('5'))).toBe(false);
  });

  it(`holds ${STREAMS} concurrent live connections: the surplus gets a typed 503, and slots free up when they close`, async () => {
    const settled = await Promise.allSettled(
      Array.from({ length: STREAMS }, () => openSse(`${dashboard.url}api/stream`)),
    );
    const open = settled.flatMap((s) =>
      s.status === 'fulfilled' && s.value.status === 200 ? [s.value] : [],
    );
    const refused = settled.flatMap((s) =>
      s.status === 'fulfilled' && s.value.status !== 200 ? [s.value] : [],
    );
    const failed = settled.filter((s) => s.status === 'rejected');
    try {
      expect(failed.map((f) => String((f as PromiseRejectedResult).reason))).toEqual([]);
      for (const connection of open) expect(connection.received()).toContain('event: hello');
      for (const connection of refused) {
        expect(connection.status).toBe(503);
        expect(JSON.parse(connection.received()).error.code).toBe('DASHBOARD_TOO_MANY_SUBSCRIPTIONS');
      }
      // Meanwhile the rest of the server still answers.
      expect(await kpis()).toEqual(await lastHour(NOW.getTime()));
    } finally {
      for (const connection of [...open, ...refused]) connection.close();
    }
    // The closed streams give their slots back.
    let again = await openSse(`${dashboard.url}api/stream?state=SP`);
    for (let i = 0; again.status !== 200 && i < 50; i++) {
      again.close();
      await new Promise((r) => setTimeout(r, 100));
      again = await openSse(`${dashboard.url}api/stream?state=SP`);
    }
    again.close();

    // Many distinct filter sets: 27 states and 8 state × category pairs, past maxFilterSets (32).
    const states = [
      'AC',
      'AL',
      'AM',
      'AP',
      'BA',
      'CE',
      'DF',
      'ES',
      'GO',
      'MA',
      'MG',
      'MS',
      'MT',
      'PA',
      'PB',
      'PE',
      'PI',
      'PR',
      'RJ',
      'RN',
      'RO',
      'RR',
      'RS',
      'SC',
      'SE',
      'SP',
      'TO',
    ];
    const queries = [
      ...states.map((s) => `state=${s}`),
      ...SAMPLE_CATEGORIES.slice(0, 10).map((c) => `state=SP&category=${c}`),
    ];
    const sets = await Promise.allSettled(queries.map((q) => openSse(`${dashboard.url}api/stream?${q}`)));
    const setStatuses = sets.map((s) => (s.status === 'fulfilled' ? s.value.status : -1));
    const setCodes = sets.flatMap((s) =>
      s.status === 'fulfilled' && s.value.status !== 200 ? [JSON.parse(s.value.received()).error.code] : [],
    );
    for (const s of sets) if (s.status === 'fulfilled') s.value.close();

    printReconciliation(`dashboard: ${STREAMS} concurrent SSE connections`, [
      ['connections attempted', STREAMS, open.length + refused.length],
      ['open (limit 200)', Math.min(STREAMS, 200), open.length],
      ['refused with typed 503', Math.max(0, STREAMS - 200), refused.length],
      ['transport failures', 0, failed.length],
      ['new stream after closing', 200, again.status],
      [
        `distinct filter sets open (of ${queries.length}, cap 32)`,
        32,
        setStatuses.filter((s) => s === 200).length,
      ],
      [
        'filter sets refused with typed 503',
        queries.length - 32,
        setCodes.filter((c) => c === 'DASHBOARD_TOO_MANY_SUBSCRIPTIONS').length,
      ],
    ]);
    expect(open.length).toBe(Math.min(STREAMS, 200));
    expect(refused.length).toBe(Math.max(0, STREAMS - 200));
    expect(again.status).toBe(200);
    expect(setStatuses.filter((s) => s === 200)).toHaveLength(32);
    expect(setCodes).toEqual(Array(queries.length - 32).fill('DASHBOARD_TOO_MANY_SUBSCRIPTIONS'));
    expect(await kpis()).toEqual(await lastHour(NOW.getTime()));
  });
});
