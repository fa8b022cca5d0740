/**
 * Benchmarks the live dashboard on 1,000,000 orders in `raw_order_events` (30 days of events):
 *   - the KPI panel's query time (the SQL the dashboard runs every time the stream moves), and the
 *     same through HTTP (`GET /api/panels/kpis`), p50/p95/max over repeated runs;
 *   - write → push latency: an order written through the `Warehouse` API until the changed KPI
 *     panel arrives over the event stream, p50/p95/max;
 *   - produce → push latency: an order sent to Kafka by the order producer, consumed by the real
 *     sink into the same DuckDB warehouse, until the changed KPI panel arrives over the event
 *     stream, p50/p95/max.
 *
 *   node --conditions=@orderstream/source --import tsx bench/dashboard.ts [--quick] [--orders 1000000] [--pushes 40] [--produces 40] [--results-dir DIR]
 *
 * Needs a Kafka broker: KAFKA_BROKERS, else the local one (`scripts/kafka.sh start`, 127.0.0.1:9092).
 * Writes bench/results/dashboard.{md,json}. Targets: KPI query p95 ≤ 50 ms, push latencies p95 ≤ 2 s.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createOrderEventStream } from '@orderstream/core';
import { createDashboardQueries } from '@orderstream/core/queries';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { createOrderProducer, createOrderSink, ensureTopics } from '@orderstream/kafka';
import { createDashboardServer } from '../examples/dashboard/src/index.js';
import { kpiPanel } from '../examples/dashboard/src/panels/kpi-panel.js';
import { livePanels } from '../examples/dashboard/src/panels/live-panels.js';
import { orderCreatedRow, seededRandom } from '../examples/dashboard/test/helpers/order-rows.js';
import { parseBenchOptions } from './lib/options.js';
import { BenchRecorder } from './lib/result.js';

const options = parseBenchOptions('dashboard.ts', {
  orders: { full: 1_000_000, quick: 20_000, description: 'order_created events in raw_order_events' },
  pushes: { full: 40, quick: 5, description: 'write → push measurements' },
  produces: { full: 40, quick: 5, description: 'produce → push measurements' },
});
const { orders: ORDERS, pushes: PUSHES, produces: PRODUCES } = options.sizes;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
// One repeat per process: `npm run bench` starts it once per repeat and merges the results.
const recorder = new BenchRecorder('dashboard', 'Dashboard', { ...options, repeats: 1 });
const KPI_RUNS = 200;
const SPAN_MS = 30 * 24 * 3_600_000;

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
const summary = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
};
const ms = (value: number) => value.toFixed(1);

const log = (message: string) => console.error(`bench/dashboard: ${message}`);
const started = performance.now();
const loadBefore = loadavg()[0] ?? 0;
const dir = await mkdtemp(join(tmpdir(), 'orderstream-bench-dashboard-'));
const path = join(dir, 'warehouse.duckdb');
const now = new Date();

// 1. Schema through the adapter, then bulk rows with DuckDB SQL straight into the same file.
{
  const warehouse = await createDuckDbWarehouse({ path });
  await warehouse.migrate();
  await warehouse.close();
}
const loadStarted = performance.now();
{
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  const seller = (expr: string) => `md5(CAST((${expr}) AS VARCHAR))`;
  const item = (n: string, priceExpr: string, sellerExpr: string, categoryExpr: string) =>
    `'{"order_item_id":${n},"seller_id":"' || ${seller(sellerExpr)} || '","price":"' || CAST(${priceExpr} AS VARCHAR) || '","freight_value":"15.90","product_category_name":"' || ${categoryExpr} || '"}'`;
  const categories = `(['beleza_saude','cama_mesa_banho','esporte_lazer','informatica_acessorios','moveis_decoracao','relogios_presentes'])[1 + i % 6]`;
  const states = `(['SP','SP','SP','RJ','MG','RS','PR','SC','BA','DF'])[1 + (i * 7) % 10]`;
  await connection.run(`
    INSERT INTO raw.raw_order_events
    SELECT
      'bench-' || i AS event_id,
      'order_created' AS event_type,
      t AS event_time,
      1 AS schema_version,
      'bench' AS source,
      md5('order' || i) AS order_id,
      md5('customer' || i) AS customer_id,
      md5('unique' || (i % 400000)) AS customer_unique_id,
      ${states} AS customer_state,
      'created' AS order_status,
      CAST(t AS TIMESTAMP) AS order_purchase_timestamp,
      n_items AS items_count,
      CAST(p1 + CASE WHEN n_items = 2 THEN p2 ELSE 0 END AS DECIMAL(18, 2)) AS items_value,
      CAST(15.90 * n_items AS DECIMAL(18, 2)) AS freight_value,
      CAST(p1 + CASE WHEN n_items = 2 THEN p2 ELSE 0 END + 15.90 * n_items AS DECIMAL(18, 2)) AS payment_value,
      '{"event_id":"bench-' || i || '","event_type":"order_created","order":{"order_id":"' || md5('order' || i) || '","items":['
        || ${item('1', 'p1', 'i % 3000', categories)}
        || CASE WHEN n_items = 2 THEN ',' || ${item('2', 'p2', '(i * 31) % 3000', categories)} ELSE '' END
        || ']}}' AS payload,
      'orders' AS kafka_topic,
      CAST(i % 3 AS INTEGER) AS kafka_partition,
      i AS kafka_offset,
      md5('order' || i) AS kafka_key,
      t + INTERVAL 200 MILLISECOND AS ingested_at
    FROM (
      SELECT i,
             CAST('${now.toISOString()}' AS TIMESTAMPTZ) - to_milliseconds(CAST(${SPAN_MS} - (i * ${SPAN_MS} // ${ORDERS}) AS BIGINT)) AS t,
             CAST(1 + (i % 2) AS INTEGER) AS n_items,
             CAST(9.90 + (hash(i) % 40000) / 100.0 AS DECIMAL(18, 2)) AS p1,
             CAST(19.90 + (hash(i * 7) % 20000) / 100.0 AS DECIMAL(18, 2)) AS p2
      FROM range(${ORDERS}) r(i)
    )`);
  connection.closeSync();
  instance.closeSync();
}
const loadSeconds = (performance.now() - loadStarted) / 1000;
log(`loaded ${ORDERS} orders in ${loadSeconds.toFixed(1)} s`);

const warehouse = await createDuckDbWarehouse({ path });
const [{ n: rows = 0, version = '' } = {}] = await warehouse.query<{ n: number; version: string }>(
  `SELECT count(*) AS n, (SELECT version()) AS version FROM ${warehouse.qualify('raw_order_events')}`,
);

// 2. KPI query time: the KPI panel's SQL, as the dashboard runs it.
const context = {
  queries: createDashboardQueries({ warehouse }),
  filters: {},
  health: undefined,
};
for (let i = 0; i < 10; i += 1) await kpiPanel.load({ ...context, now: new Date() });
const kpiTimes: number[] = [];
for (let i = 0; i < KPI_RUNS; i += 1) {
  const t0 = performance.now();
  await kpiPanel.load({ ...context, now: new Date() });
  kpiTimes.push(performance.now() - t0);
}
const stateTimes: number[] = [];
for (let i = 0; i < KPI_RUNS / 4; i += 1) {
  const t0 = performance.now();
  await kpiPanel.load({ ...context, filters: { state: 'SP', category: 'beleza_saude' }, now: new Date() });
  stateTimes.push(performance.now() - t0);
}

// Every live panel's full refresh, for context (the slow ones refresh at most every 5 s).
const panelTimes = new Map<string, number[]>();
for (const panel of livePanels) {
  const times: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    const t0 = performance.now();
    await panel.load({ ...context, now: new Date() });
    times.push(performance.now() - t0);
  }
  panelTimes.set(panel.id, times);
}
log(`KPI query p95 ${ms(summary(kpiTimes).p95)} ms`);

// 3. Through HTTP, and write → push latency over the event stream.
// The dashboard's clock stands still at the end of the data, so the rolling window does not drop
// old orders while new ones are pushed: each pushed order raises the count by exactly one.
const frozen = new Date();
const dashboard = await createDashboardServer({ warehouse, port: 0, now: () => frozen });
const httpTimes: number[] = [];
for (let i = 0; i < KPI_RUNS / 2; i += 1) {
  const t0 = performance.now();
  const response = await fetch(`${dashboard.url}api/panels/kpis`);
  await response.arrayBuffer();
  httpTimes.push(performance.now() - t0);
}

interface KpiMessage {
  id: string;
  payload: { current: { orders: number } };
}
const waiters: Array<(message: KpiMessage) => void> = [];
const controller = new AbortController();
const stream = await fetch(`${dashboard.url}api/stream`, { signal: controller.signal });
const reading = (async () => {
  const reader = (stream.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      if (!block.includes('event: panel')) continue;
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      const message = JSON.parse(data) as KpiMessage;
      if (message.id === 'kpis') for (const waiter of waiters.splice(0)) waiter(message);
    }
  }
})().catch(() => undefined);

/** When the next KPI panel counting more than `orders` orders arrives on the stream. */
const kpisAbove = (orders: number, what: string) =>
  new Promise<number>((resolve, reject) => {
    setTimeout(() => reject(new Error(`${what} did not arrive within 10 s`)), 10_000).unref();
    const wait = (message: KpiMessage) => {
      if (message.payload.current.orders > orders) resolve(performance.now());
      else waiters.push(wait);
    };
    waiters.push(wait);
  });

const random = seededRandom(5);
const pushTimes: number[] = [];
let orders = (await kpiPanel.load({ ...context, now: frozen })).current.orders;
await new Promise((resolve) => setTimeout(resolve, 1500));
for (let i = 0; i < PUSHES; i += 1) {
  // Random phase against the poll interval.
  await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 1000)));
  const eventTime = new Date(frozen.getTime() - 1000);
  const row = orderCreatedRow(
    {
      eventTime,
      state: 'SP',
      items: [{ sellerId: 'a'.repeat(32), category: 'brinquedos', price: 4990, freight: 990 }],
    },
    random,
  );
  const arrived = kpisAbove(orders, `push ${i + 1}`);
  const t0 = performance.now();
  await warehouse.write([{ table: 'raw_order_events', rows: [row] }]);
  const t1 = await arrived;
  pushTimes.push(t1 - t0);
  log(`push ${i + 1}/${PUSHES}: ${ms(t1 - t0)} ms`);
  orders += 1;
}

// 4. Produce → push: the order producer sends one order_created event to Kafka; the real sink
// (default batching, in this process, on the same warehouse as the demo does) writes it with its
// offsets; the dashboard's next poll pushes the KPIs. The events' time is just before the frozen
// clock, so each one counts in the current window.
const stamp = Date.now().toString(36);
const topic = `bench-dashboard-${stamp}`;
await ensureTopics({ brokers, ordersTopic: topic, deadLetterTopic: `${topic}.dlq`, partitions: 3 });
const sink = createOrderSink({
  brokers,
  topic,
  deadLetterTopic: `${topic}.dlq`,
  groupId: `bench-dashboard-${stamp}`,
  warehouse,
});
let sinkError: unknown;
sink.on('error', (error, { fatal }) => {
  if (fatal) sinkError = error;
});
await sink.start();
const producer = createOrderProducer({ brokers, topic });
await producer.connect();
const events = createOrderEventStream({
  seed: 9,
  source: 'bench-dashboard',
  statusChangeShare: 0,
  now: () => new Date(frozen.getTime() - 1000),
})[Symbol.iterator]();
const nextOrder = () => {
  const next = events.next();
  if (next.done === true) throw new Error('the order stream ended');
  return next.value;
};
// A first order through the whole path, so connections and the consumer's assignment are warm.
const warm = kpisAbove(orders, 'the warm-up order');
await producer.send([nextOrder()]);
await warm;
orders += 1;
const produceTimes: number[] = [];
for (let i = 0; i < PRODUCES; i += 1) {
  await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 1000)));
  if (sinkError !== undefined) throw sinkError;
  const arrived = kpisAbove(orders, `produced order ${i + 1}`);
  const t0 = performance.now();
  await producer.send([nextOrder()]);
  const t1 = await arrived;
  produceTimes.push(t1 - t0);
  log(`produce ${i + 1}/${PRODUCES}: ${ms(t1 - t0)} ms`);
  orders += 1;
}
const sinkMetrics = sink.metrics();
const sinkFlushMs = sink.options.flushIntervalMs;
await producer.disconnect();
await sink.stop();

controller.abort();
await reading;
await dashboard.close();
await warehouse.close();
await rm(dir, { recursive: true, force: true });

const kpi = summary(kpiTimes);
const filtered = summary(stateTimes);
const http = summary(httpTimes);
const push = summary(pushTimes);
const produce = summary(produceTimes);
const totalSeconds = (performance.now() - started) / 1000;
const cpu = cpus();
const report = `# Dashboard benchmark

Command: \`${options.command}\`
Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores (shared with other work), ${Math.round(totalmem() / 2 ** 30)} GiB RAM,
Node ${process.version}, ${version}. Run took ${Math.round(totalSeconds)} s; 1-minute load average
${loadBefore.toFixed(1)} at the start and ${(loadavg()[0] ?? 0).toFixed(1)} at the end (other processes share the cores, which widens the tails).

Data: ${rows.toLocaleString('en-US')} \`order_created\` events in \`raw_order_events\` spread evenly over 30 days
(≈ ${Math.round(ORDERS / 720).toLocaleString('en-US')} per hour), one or two items each, generated with one
\`INSERT … SELECT … FROM range(${ORDERS})\` in ${loadSeconds.toFixed(1)} s, in a DuckDB file opened through
\`createDuckDbWarehouse\`.

| measurement | runs | p50 (ms) | p95 (ms) | max (ms) | target |
| --- | ---: | ---: | ---: | ---: | --- |
| KPI query (last hour, previous hour, same hour last week; 4 KPIs) | ${kpiTimes.length} | ${ms(kpi.p50)} | ${ms(kpi.p95)} | ${ms(kpi.max)} | p95 ≤ 50 ms |
| KPI query with state + category filters | ${stateTimes.length} | ${ms(filtered.p50)} | ${ms(filtered.p95)} | ${ms(filtered.max)} | – |
| \`GET /api/panels/kpis\` (HTTP, JSON) | ${httpTimes.length} | ${ms(http.p50)} | ${ms(http.p95)} | ${ms(http.max)} | – |
${[...panelTimes]
  .map(([id, times]) => {
    const t = summary(times);
    return `| full refresh of panel \`${id}\` | ${times.length} | ${ms(t.p50)} | ${ms(t.p95)} | ${ms(t.max)} | – |`;
  })
  .join('\n')}
| write → KPI pushed over SSE (poll every 1000 ms) | ${pushTimes.length} | ${ms(push.p50)} | ${ms(push.p95)} | ${ms(push.max)} | – |
| produce → KPI pushed over SSE (Kafka, sink, DuckDB, poll every 1000 ms) | ${produceTimes.length} | ${ms(produce.p50)} | ${ms(produce.p95)} | ${ms(produce.max)} | p95 ≤ 2000 ms |

Produce → push is the issue's latency: from \`producer.send()\` of one \`order_created\` event by the
order producer (idempotent, acks=all) to a 3-partition topic on ${brokers.join(',')}, through the real sink
(\`createOrderSink\`, default batching: flush every ${sinkFlushMs} ms or when full; rows and offsets in one
DuckDB transaction, ${sinkMetrics.batches} batches) into the same warehouse file, to the arrival, on an
\`/api/stream\` connection, of the KPI panel showing it. One warm-up order goes through first. Sends are
spaced by a random 0–1 s so they land at every phase of the sink's flush and of the 1 s poll; the
bound is the flush interval plus one commit plus the poll interval plus one recomputation.

Write → push starts at \`warehouse.write()\` of one order instead, leaving Kafka and the sink out.

Both are bounded by the poll interval plus one recomputation of the changed panels: the KPIs are
computed and pushed first; the slow panels (top sellers over the week, the 4-week heatmap) refresh
at most every 5 s and can hold the next poll back by their query time. The dashboard's clock stands
still at the end of the data, so the rolling windows keep every pushed order.
`;
recorder.sample('kpi-query-p50', kpi.p50, { label: 'KPI query p50', unit: 'ms' });
recorder.sample('kpi-query-p95', kpi.p95, { label: 'KPI query p95', unit: 'ms', better: 'lower' });
recorder.sample('kpi-http-p50', http.p50, { label: '`GET /api/panels/kpis` p50', unit: 'ms' });
recorder.target('kpi-query-p95', '<=', 50, `dashboard KPI query, ${ORDERS} orders`);
if (pushTimes.length > 0) {
  recorder.sample('push-p50', push.p50, { label: 'write → KPI pushed over SSE p50', unit: 'ms' });
  recorder.sample('push-p95', push.p95, {
    label: 'write → KPI pushed over SSE p95',
    unit: 'ms',
    better: 'lower',
  });
}
if (produceTimes.length > 0) {
  recorder.sample('produce-push-p50', produce.p50, {
    label: 'produce → KPI pushed over SSE p50',
    unit: 'ms',
  });
  recorder.sample('produce-push-p95', produce.p95, {
    label: 'produce → KPI pushed over SSE p95',
    unit: 'ms',
    better: 'lower',
  });
  recorder.target('produce-push-p95', '<=', 2000, 'dashboard produce → push latency');
}
recorder.write(report.split('\n'));
console.log(report);
