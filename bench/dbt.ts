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
 *    another 1,000 orders (target for the incremental build: ≤ 10 s). Each incremental step runs
 *    `BENCH_DBT_REPEAT` times (default 3), each after its own 1,000 orders; the table shows
 *    medians. The machine may be shared, so besides wall time it reports the CPU time of the dbt
 *    process (user + system, from /proc on Linux), which depends far less on other load.
 *
 * Writes `bench/results/dbt.{md,json}`. Not part of the test suite.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
const REPEAT = Number(process.env.BENCH_DBT_REPEAT ?? 3);
if (!Number.isInteger(REPEAT) || REPEAT < 1) throw new Error('BENCH_DBT_REPEAT must be a positive integer');

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

// CPU seconds of the children this process has waited for (Linux: /proc/self/stat cutime + cstime).
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  } catch {
    return Number.NaN;
  }
})();
function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // fields after the parenthesised command name; cutime and cstime are fields 16 and 17
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
  } catch {
    return Number.NaN;
  }
}

interface Measured {
  events: number;
  wall: number;
  cpu: number;
  summary: DbtRunSummary;
}

async function dbt(args: string[], events: number): Promise<Measured> {
  const start = performance.now();
  const cpuBefore = childrenCpuSeconds();
  const summary = await runDbt({ projectDir: join(root, 'dbt_transform'), args, duckdbPath: dbPath });
  return { events, wall: seconds(start), cpu: childrenCpuSeconds() - cpuBefore, summary };
}

async function repeated(args: string[]): Promise<Measured[]> {
  const runs: Measured[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const events = await stream1k('orders');
    console.log(`incremental dbt ${args.join(' ')} ${i + 1}/${REPEAT} …`);
    runs.push(await dbt(args, events));
  }
  return runs;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

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
const full = await dbt(['build'], initialEvents);
const incremental = await repeated(['build']);
const incrementalRun = await repeated(['run']);
await rm(outDir, { recursive: true, force: true });

const slowest = (summary: DbtRunSummary) =>
  [...summary.nodes]
    .sort((a, b) => b.executionSeconds - a.executionSeconds)
    .slice(0, 5)
    .map((node) => `${node.name} ${node.executionSeconds.toFixed(2)} s`)
    .join(', ');
// time spent in nodes of a kind, summed over threads
const nodeSeconds = (summary: DbtRunSummary, type: string) =>
  summary.nodes
    .filter((node) => node.resourceType === type)
    .reduce((sum, node) => sum + node.executionSeconds, 0);
const row = (name: string, runs: Measured[]) => {
  const m = (pick: (run: Measured) => number) => median(runs.map(pick)).toFixed(1);
  const last = runs.at(-1)?.summary;
  if (last === undefined) throw new Error('no run');
  return `| ${name} | ${median(runs.map((r) => r.events)).toFixed(0)} | ${runs.length} | **${m((r) => r.wall)}** | ${m((r) => r.summary.elapsedSeconds)} | ${m((r) => r.wall - r.summary.elapsedSeconds)} | ${m((r) => nodeSeconds(r.summary, 'model'))} | ${m((r) => nodeSeconds(r.summary, 'test'))} | ${m((r) => r.cpu)} | ${last.models.passed}/${last.models.total} | ${last.tests.passed + last.tests.warned}/${last.tests.total} (${last.tests.warned} warn) |`;
};
const each = (runs: Measured[]) =>
  runs.map((r) => `${r.wall.toFixed(1)} s wall / ${r.cpu.toFixed(1)} s CPU`).join(', ');
const cpu = cpus()[0]?.model ?? 'unknown';
const [load1, load5] = loadavg();
const lines = [
  '# dbt build on DuckDB: full and incremental',
  '',
  `Command: \`${command}\``,
  '',
  `Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z; load average at the end ${load1?.toFixed(1)} (1 min), ${load5?.toFixed(1)} (5 min) — the machine is shared, so wall times vary.`,
  '',
  `Data: the generated Olist set of ${ORDERS} orders (seed 42, defects on), loaded by loadHistory in ${loadWall.toFixed(1)} s, plus ${initialEvents} streamed events before the full build. dbt threads: the profile's default.`,
  '',
  `Incremental steps ran ${REPEAT} times each (\`BENCH_DBT_REPEAT\`), each after its own 1,000 more streamed orders; the table shows medians.`,
  '',
  '| step | events written before | runs | wall s (process) | dbt elapsed s | start-up + parse s | model s (sum) | test s (sum) | CPU s | models ok | tests ok |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  row('full `dbt build` (fresh file)', [full]),
  row('incremental `dbt build` after 1,000 more streamed orders', incremental),
  row('incremental `dbt run` (models only) after 1,000 more orders', incrementalRun),
  '',
  'Wall time includes starting Python and parsing the project (partial parsing after the first run); dbt elapsed is its own run time, and start-up + parse the difference. Model and test seconds are summed over the nodes (threads overlap them). CPU is user + system time of the dbt process, DuckDB threads included.',
  '',
  `Incremental \`dbt build\` runs: ${each(incremental)}. Incremental \`dbt run\` runs: ${each(incrementalRun)}.`,
  '',
  `Slowest nodes, full build: ${slowest(full.summary)}.`,
  '',
  `Slowest nodes, last incremental build: ${slowest(incremental.at(-1)?.summary ?? full.summary)}.`,
  '',
];
const meta = (label: string) => ({ label, unit: 's', better: 'lower' as const });
recorder.sample('full-build', full.wall, meta('full `dbt build` (wall)'));
for (const run of incremental) {
  recorder.sample('incremental-build', run.wall, meta('incremental `dbt build` after 1,000 orders (wall)'));
}
for (const run of incrementalRun) {
  recorder.sample('incremental-run', run.wall, meta('incremental `dbt run` after 1,000 orders (wall)'));
}
recorder.sample('full-build-dbt', full.summary.elapsedSeconds, meta('full `dbt build` (dbt elapsed)'));
recorder.target('incremental-build', '<=', 10, 'dbt incremental build');
recorder.write(lines);
console.log(lines.join('\n'));
