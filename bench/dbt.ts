/**
 * The dbt project on the full-size generated Olist data set, on DuckDB.
 *
 *   node --conditions=@orderstream/source --import tsx bench/dbt.ts [--quick] [--orders 99441] [--results-dir DIR]
 *
 * 1. Generates the data set into `.cache/bench-data` unless all nine files are already there
 *    (Kaggle size, seed 42, defects on — the same set the other benches use, so it is reused).
 * 2. `loadHistory` into a fresh DuckDB file, plus 1,000 streamed events in `raw_order_events`.
 * 3. Times a full `dbt build` (every model from scratch, every test).
 * 4. Streams 1,000 more orders (order_created events and the status changes drawn in between)
 *    and times an incremental `dbt build`, then an incremental `dbt run` (models only) after
 *    another 1,000 orders (target for the incremental build: ≤ 10 s).
 *
 * Writes `bench/results/dbt.{md,json}`. Not part of the test suite.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { DbtRunSummary, OrderEvent } from '@orderstream/core';
import {
  createOlistCatalog,
  createOrderEventStream,
  generateOlistDataset,
  KAGGLE_ORDER_COUNT,
  loadHistory,
  OLIST_TABLE_KEYS,
  OLIST_TABLES,
  runDbt,
} from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { steppingClock, writeOrderEvents } from '../test/support/dbt-fixture.js';
import { parseBenchOptions } from './lib/options.js';
import { BenchRecorder } from './lib/result.js';

const options = parseBenchOptions('dbt.ts', {
  orders: { full: KAGGLE_ORDER_COUNT, quick: 2_000, description: 'orders in the generated data set' },
});
const ORDERS = options.sizes.orders;
// One repeat per process: `npm run bench` starts it once per repeat and merges the results.
const recorder = new BenchRecorder('dbt', 'dbt build on DuckDB', { ...options, repeats: 1 });
const root = resolve(import.meta.dirname, '..');
const dataDir = join(root, '.cache', ORDERS === KAGGLE_ORDER_COUNT ? 'bench-data' : `bench-data-${ORDERS}`);
const outDir = join(root, '.cache', 'bench-dbt');
const dbPath = join(outDir, 'orderstream.duckdb');
const command = options.command;
const SEED = 42;

const seconds = (start: number) => (performance.now() - start) / 1000;

async function ensureData(): Promise<void> {
  const present = OLIST_TABLE_KEYS.every((key) => existsSync(join(dataDir, OLIST_TABLES[key].file)));
  if (present) return;
  console.log(`generating the full-size data set into ${dataDir} …`);
  const start = performance.now();
  await generateOlistDataset({ outDir: dataDir, orders: ORDERS, seed: SEED, defects: true });
  console.log(`generated in ${seconds(start).toFixed(1)} s`);
}

const stream = createOrderEventStream({
  seed: SEED,
  catalog: createOlistCatalog({ seed: SEED, orders: ORDERS, defects: true }),
  now: steppingClock(new Date('2026-06-01T00:00:00Z'), 20_000),
});
let offset = 0;

function take(count: number, unit: 'events' | 'orders'): OrderEvent[] {
  const batch: OrderEvent[] = [];
  let counted = 0;
  while (counted < count) {
    const next = stream.next();
    if (next.done) break;
    batch.push(next.value);
    if (unit === 'events' || next.value.event_type === 'order_created') counted++;
  }
  return batch;
}

async function stream1k(unit: 'events' | 'orders'): Promise<number> {
  const events = take(1000, unit);
  const warehouse = await createDuckDbWarehouse({ path: dbPath });
  try {
    offset = await writeOrderEvents(warehouse, events, offset);
  } finally {
    await warehouse.close();
  }
  return events.length;
}

async function dbt(args: string[]): Promise<{ wall: number; summary: DbtRunSummary }> {
  const start = performance.now();
  const summary = await runDbt({ projectDir: join(root, 'dbt_transform'), args, duckdbPath: dbPath });
  return { wall: seconds(start), summary };
}

await ensureData();
await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

const loadStart = performance.now();
{
  const warehouse = await createDuckDbWarehouse({ path: dbPath });
  try {
    const result = await loadHistory({ dataDir, warehouse });
    if (!result.ok) throw new Error('loadHistory failed');
  } finally {
    await warehouse.close();
  }
}
const loadWall = seconds(loadStart);
const initialEvents = await stream1k('events');

console.log('full dbt build …');
const full = await dbt(['build']);
const incrementalEvents = await stream1k('orders');
console.log('incremental dbt build …');
const incremental = await dbt(['build']);
const runEvents = await stream1k('orders');
console.log('incremental dbt run …');
const incrementalRun = await dbt(['run']);
await rm(outDir, { recursive: true, force: true });

const slowest = (summary: DbtRunSummary) =>
  [...summary.nodes]
    .sort((a, b) => b.executionSeconds - a.executionSeconds)
    .slice(0, 5)
    .map((node) => `${node.name} ${node.executionSeconds.toFixed(2)} s`)
    .join(', ');
const row = (name: string, events: number, m: { wall: number; summary: DbtRunSummary }) =>
  `| ${name} | ${events} | ${m.wall.toFixed(1)} | ${m.summary.elapsedSeconds.toFixed(1)} | ${m.summary.models.passed}/${m.summary.models.total} | ${m.summary.tests.passed + m.summary.tests.warned}/${m.summary.tests.total} (${m.summary.tests.warned} warn) |`;
const cpu = cpus()[0]?.model ?? 'unknown';
const [load1, load5] = loadavg();
const lines = [
  '# dbt build on DuckDB: full and incremental',
  '',
  `Command: \`${command}\``,
  '',
  `Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z; load average at the end ${load1?.toFixed(1)} (1 min), ${load5?.toFixed(1)} (5 min) — the machine is shared, so wall times vary.`,
  '',
  `Data: the generated Olist set of ${ORDERS} orders (seed 42, defects on), loaded by loadHistory in ${loadWall.toFixed(1)} s, plus ${initialEvents} streamed events before the full build. dbt threads: 2.`,
  '',
  '| step | events written before | wall s (process) | dbt elapsed s | models ok | tests ok |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  row('full `dbt build` (fresh file)', initialEvents, full),
  row('incremental `dbt build` after 1,000 more streamed orders', incrementalEvents, incremental),
  row('incremental `dbt run` (models only) after 1,000 more orders', runEvents, incrementalRun),
  '',
  'Wall time includes starting Python and parsing the project (partial parsing after the first run); dbt elapsed is its own run time.',
  '',
  `Slowest nodes, full build: ${slowest(full.summary)}.`,
  '',
  `Slowest nodes, incremental build: ${slowest(incremental.summary)}.`,
  '',
];
const meta = (label: string) => ({ label, unit: 's', better: 'lower' as const });
recorder.sample('full-build', full.wall, meta('full `dbt build` (wall)'));
recorder.sample(
  'incremental-build',
  incremental.wall,
  meta('incremental `dbt build` after 1,000 orders (wall)'),
);
recorder.sample(
  'incremental-run',
  incrementalRun.wall,
  meta('incremental `dbt run` after 1,000 orders (wall)'),
);
recorder.sample('full-build-dbt', full.summary.elapsedSeconds, meta('full `dbt build` (dbt elapsed)'));
recorder.target('incremental-build', '<=', 10, 'dbt incremental build');
recorder.write(lines);
console.log(lines.join('\n'));
