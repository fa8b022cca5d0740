import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { OrderEvent } from '@orderstream/core';
import { createOlistCatalog, createOrderEventStream } from '@orderstream/core';
import { createOrderProducer, type OrderProducer } from '@orderstream/kafka';
import type { SnowflakeConnectionOptions } from '@orderstream/snowflake';
import { SnowflakeWarehouse, snowflakeConnectionFromEnv } from '@orderstream/snowflake';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessUrl } from '../../packages/snowflake/test/support/snowflake-kit.js';
import { freePort } from '../support/free-port.js';

// `orderstream demo --warehouse snowflake:SCHEMA` with KAFKA_BROKERS: the Kafka broker and the
// Snowflake emulator of the integration setup (or the account of the SNOWFLAKE_* variables when
// SNOWFLAKE_ACCOUNT is set). dbt is left out (--no-dbt): the dbt project's Snowflake target is
// exercised against a real account only.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'examples/pipeline/src/cli.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const ORDERS = 300;
const SEED = 42;
const HOUR = 3_600_000;

const schema = `DEMO_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`.toUpperCase();
const source = `e2e-demo-snowflake-${randomUUID().slice(0, 8)}`;
const catalog = createOlistCatalog({ seed: SEED, orders: ORDERS });
/** The emulator's login, as the demo reads it from its environment. */
const EMULATOR_ENV: Record<string, string> = {
  SNOWFLAKE_ACCOUNT: 'orderstream',
  SNOWFLAKE_USER: 'orderstream',
  SNOWFLAKE_PASSWORD: 'emulator-password-not-a-secret',
  SNOWFLAKE_DATABASE: 'ORDERSTREAM_TEST',
  SNOWFLAKE_ACCESS_URL: accessUrl,
};

let dir: string;
let demo: ChildProcess;
let exited: Promise<number | null>;
let url: string;
let producer: OrderProducer;
let warehouse: SnowflakeWarehouse;
const output: string[] = [];
const produced = new Set<string>();

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}\n${output.slice(-30).join('\n')}`);
    await sleep(100);
  }
}

/** The sink's committed offsets on `orders`, as the demo's dashboard shows them. */
async function committedOffsets(): Promise<{ partition: number; nextOffset: string }[]> {
  const response = await fetch(`${url}api/panels/health`);
  const { payload } = (await response.json()) as {
    payload: { committedOffsets: { topic: string; partition: number; nextOffset: string }[] };
  };
  return payload.committedOffsets.filter((o) => o.topic === 'orders');
}

/** The state the live stream draws least often (from the catalog's people and places). */
function rarestState(): string {
  const weight = new Map<string, number>();
  for (const place of catalog.places) {
    weight.set(place.state, (weight.get(place.state) ?? 0) + 0.8 / catalog.places.length);
  }
  for (const customer of catalog.customers) {
    weight.set(customer.state, (weight.get(customer.state) ?? 0) + 0.2 / catalog.customers.length);
  }
  return [...weight].sort((a, b) => a[1] - b[1])[0]?.[0] ?? 'RR';
}

function connection(): SnowflakeConnectionOptions {
  if (accessUrl === '') return snowflakeConnectionFromEnv();
  return {
    account: EMULATOR_ENV.SNOWFLAKE_ACCOUNT as string,
    username: EMULATOR_ENV.SNOWFLAKE_USER as string,
    password: EMULATOR_ENV.SNOWFLAKE_PASSWORD as string,
    database: EMULATOR_ENV.SNOWFLAKE_DATABASE as string,
    accessUrl,
  };
}

beforeAll(async () => {
  const brokers = inject('kafkaBrokers');
  // The demo's group names are fixed: forget offsets of earlier runs.
  const admin = new Kafka({
    clientId: 'e2e-demo-snowflake',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
  const stale = ['orderstream-sink', 'orderstream-detectors'].filter((g) => groups.includes(g));
  if (stale.length > 0) await admin.deleteGroups(stale);
  // A new schema makes the sink read the topic from the start, earlier runs' events included.
  const ends = await admin.fetchTopicOffsets('orders').catch(() => []);
  await admin.disconnect();

  dir = await mkdtemp(join(tmpdir(), 'orderstream-demo-snowflake-'));
  const port = await freePort();
  demo = spawn(
    process.execPath,
    [
      '--conditions=@orderstream/source',
      '--import',
      TSX,
      CLI,
      'demo',
      '--orders',
      String(ORDERS),
      '--seed',
      String(SEED),
      '--no-dbt',
      '--rate',
      '2',
      '--port',
      String(port),
      '--warehouse',
      `snowflake:${schema}`,
    ],
    {
      cwd: dir,
      env: { ...process.env, ...(accessUrl === '' ? {} : EMULATOR_ENV), KAFKA_BROKERS: brokers },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  exited = new Promise((done) => demo.on('exit', (code) => done(code)));
  for (const stream of [demo.stdout, demo.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => output.push(...chunk.split('\n').filter((l) => l.length > 0)));
  }
  url = await waitFor('the dashboard line', 150_000, async () => {
    const code = demo.exitCode;
    if (code !== null) throw new Error(`demo exited with ${code}\n${output.join('\n')}`);
    return output.map((line) => /dashboard: (http:\/\/\S+)/.exec(line)?.[1]).find((u) => u !== undefined);
  });
  // Wait until the sink has caught up with what was there, so an order produced by the tests is not
  // queued behind a backlog.
  await waitFor('the sink to catch up with the topic', 180_000, async () => {
    const committed = new Map((await committedOffsets()).map((o) => [o.partition, BigInt(o.nextOffset)]));
    return ends.every(
      (end) => BigInt(end.high) === 0n || (committed.get(end.partition) ?? 0n) >= BigInt(end.high),
    )
      ? true
      : undefined;
  });
  producer = createOrderProducer({ brokers: brokers.split(',') });
  await producer.connect();
  warehouse = new SnowflakeWarehouse({ connection: connection(), schema });
}, 420_000);

afterAll(async () => {
  await producer?.disconnect();
  if (demo !== undefined && demo.exitCode === null) {
    demo.kill('SIGKILL');
    await exited;
  }
  if (warehouse) {
    // A plain upper-case identifier made above: quoting it is exact.
    await warehouse.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await warehouse.close();
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('orderstream demo --warehouse snowflake', () => {
  it('loads the history into Snowflake and serves every live panel', async () => {
    const [orders] = await warehouse.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${warehouse.qualify('olist_orders')}`,
    );
    expect(Number(orders?.n)).toBe(ORDERS);
    for (const id of ['kpis', 'hourly-sales', 'top-sellers', 'heatmap', 'alerts', 'health']) {
      const response = await fetch(`${url}api/panels/${id}`);
      expect(response.status, id).toBe(200);
    }
  });

  it('shows an order produced to Kafka in the KPIs read from Snowflake', async () => {
    const state = rarestState();
    const kpis = async () => {
      const response = await fetch(`${url}api/panels/kpis?state=${state}`);
      return ((await response.json()) as { payload: { current: { orders: number } } }).payload.current.orders;
    };
    const before = await kpis();
    const [drawn] = [
      ...createOrderEventStream({
        seed: randomInt(0, 0xffff_ffff),
        catalog,
        source,
        statusChangeShare: 0,
        limit: 1,
      }),
    ];
    if (drawn === undefined) throw new Error('no event');
    const event: OrderEvent = {
      ...drawn,
      order: { ...drawn.order, customer: { ...drawn.order.customer, customer_state: state } },
    };
    produced.add(event.event_id);
    await producer.send([event]);
    await waitFor('the produced order in the KPIs', 60_000, async () =>
      (await kpis()) > before ? true : undefined,
    );
  });

  it('serves KPIs equal to plain SQL over the rows the sink had committed', async () => {
    // The sink commits rows and offsets in one transaction, so a KPI message read between two equal
    // readings of the committed offsets counts exactly the rows below those offsets.
    const offsets = committedOffsets;
    const snapshot = await waitFor('a KPI message between two equal offset readings', 60_000, async () => {
      const before = await offsets();
      const response = await fetch(`${url}api/panels/kpis`);
      const message = (await response.json()) as {
        generatedAt: string;
        payload: { current: { orders: number; itemsSold: number; revenue: string } };
      };
      const after = await offsets();
      return JSON.stringify(before) === JSON.stringify(after) ? { message, committed: after } : undefined;
    });
    const { message, committed } = snapshot;
    expect(committed.length).toBeGreaterThan(0);
    const below = committed.map(() => '(kafka_partition = ? AND kafka_offset < ?)').join(' OR ');
    const at = new Date(message.generatedAt);
    const [totals] = await warehouse.query<{ orders: number; items: number | null; revenue: string | null }>(
      // The metric catalogue: orders of all statuses; items and revenue of orders whose latest
      // status (by event time) is not canceled or unavailable.
      `WITH scope AS (
         SELECT * FROM ${warehouse.qualify('raw_order_events')}
         WHERE event_time >= ? AND event_time < ? AND kafka_topic = 'orders' AND (${below})
       ),
       latest AS (
         SELECT order_id, order_status, row_number() OVER (PARTITION BY order_id
           ORDER BY event_time DESC, CASE WHEN event_type = 'order_created' THEN 1 ELSE 0 END, event_id DESC) AS recency
         FROM scope
       ),
       created AS (
         SELECT order_id, min(items_count) AS items_count, min(items_value) AS items_value
         FROM scope WHERE event_type = 'order_created' GROUP BY order_id
       )
       SELECT count(*) AS orders,
              sum(CASE WHEN latest.order_status NOT IN ('canceled', 'unavailable') THEN created.items_count END) AS items,
              sum(CASE WHEN latest.order_status NOT IN ('canceled', 'unavailable') THEN created.items_value END) AS revenue
       FROM created JOIN latest ON latest.order_id = created.order_id AND latest.recency = 1`,
      [new Date(at.getTime() - HOUR), at, ...committed.flatMap((o) => [o.partition, o.nextOffset])],
    );
    expect(message.payload.current.orders).toBeGreaterThan(0);
    expect(message.payload.current.orders).toBe(Number(totals?.orders));
    expect(message.payload.current.itemsSold).toBe(Number(totals?.items ?? 0));
    expect(message.payload.current.revenue).toBe(totals?.revenue ?? '0.00');
  });

  it('stops cleanly on SIGINT and holds every event produced here exactly once', async () => {
    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output.some((line) => /stopped: \d+ rows written/.test(line))).toBe(true);
    const [ours] = await warehouse.query<{ rows: number; ids: number }>(
      `SELECT count(*) AS rows, count(DISTINCT event_id) AS ids FROM ${warehouse.qualify('raw_order_events')} WHERE source = ?`,
      [source],
    );
    expect(Number(ours?.rows)).toBe(produced.size);
    expect(Number(ours?.ids)).toBe(produced.size);
  });
});
