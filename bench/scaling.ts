/**
 * How cost grows with data size: the historical loader (beside DuckDB's own `read_csv` of the same
 * files), a full `dbt build`, and the dashboard's KPI query, at several sizes of the generated
 * Olist data set. Each is stated as a curve: median time per size and the growth per tenfold.
 *
 *   npm run build && node --import tsx bench/scaling.ts [--quick] [--repeats 3] \
 *     [--orders 100000,1000000,5000000]
 *
 * Runs on the built packages, as npm users get them (`npm run bench` builds them first): the
 * loader's reader threads would otherwise compile through tsx while timed.
 *
 * Data sets are generated once per size (seed 42, defects on) into .cache/bench-scaling/ and kept
 * for the next run (about 1.2 GB per million orders; delete the folder to reclaim the space). The
 * KPI query runs in `bench/dashboard.ts --orders N --pushes 0 --produces 3`, once per repeat. Writes
 * bench/results/scaling.{md,json}.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  generateOlistDataset,
  loadHistory,
  OLIST_TABLE_KEYS,
  OLIST_TABLES,
  type OlistTableKey,
  runDbt,
} from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { machineLine } from './lib/machine.js';
import { medianCell, num } from './lib/markdown.js';
import { parseBenchOptions } from './lib/options.js';
import { curveGrowth } from './lib/report.js';
import { BenchRecorder, benchResultSchema } from './lib/result.js';
import { spreadOf } from './lib/stats.js';

const options = parseBenchOptions('scaling.ts', {
  orders: {
    full: [100_000, 1_000_000, 5_000_000],
    quick: [500, 2_000, 5_000],
    description: 'data set sizes in orders',
  },
});
const SIZES = [...options.sizes.orders].sort((a, b) => a - b);
const root = resolve(import.meta.dirname, '..');
const recorder = new BenchRecorder('scaling', 'Cost by data size', options);
const began = performance.now();
const log = (message: string) =>
  console.error(`bench/scaling [${((performance.now() - began) / 1000).toFixed(0)} s]: ${message}`);
const since = (start: number) => (performance.now() - start) / 1000;

async function ensureData(orders: number): Promise<{ dir: string; bytes: number }> {
  const dir = join(root, '.cache', 'bench-scaling', `orders-${orders}`);
  const present = OLIST_TABLE_KEYS.every((key) => existsSync(join(dir, OLIST_TABLES[key].file)));
  if (!present) {
    log(`generating ${orders} orders into ${join('.cache', 'bench-scaling', `orders-${orders}`)} …`);
    const start = performance.now();
    await generateOlistDataset({ outDir: dir, orders, seed: 42, defects: true });
    log(`generated in ${since(start).toFixed(1)} s`);
  }
  const bytes = (
    await Promise.all(OLIST_TABLE_KEYS.map((key) => stat(join(dir, OLIST_TABLES[key].file))))
  ).reduce((sum, info) => sum + info.size, 0);
  return { dir, bytes };
}

async function readCsv(dataDir: string, path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run('CREATE SCHEMA raw');
  for (const key of OLIST_TABLE_KEYS as readonly OlistTableKey[]) {
    const { name, file } = OLIST_TABLES[key];
    await connection.run(`CREATE TABLE raw.${name} AS SELECT * FROM read_csv(?, header = true)`, [
      join(dataDir, file),
    ]);
  }
  connection.closeSync();
  instance.closeSync();
}

function dashboardKpi(orders: number): { p50: number; p95: number } {
  const dir = join(tmpdir(), `orderstream-bench-scaling-dashboard-${process.pid}-${orders}`);
  const run = spawnSync(
    process.execPath,
    [
      '--conditions=@orderstream/source',
      '--import',
      'tsx',
      join(root, 'bench', 'dashboard.ts'),
      '--orders',
      String(orders),
      '--pushes',
      '0',
      '--produces',
      '3',
      '--results-dir',
      dir,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (run.status !== 0) throw new Error(`bench/dashboard.ts --orders ${orders} exited with ${run.status}`);
  const result = benchResultSchema.parse(JSON.parse(readFileSync(join(dir, 'dashboard.json'), 'utf8')));
  rmSync(dir, { recursive: true, force: true });
  const value = (id: string) => result.metrics.find((m) => m.id === id)?.samples[0] ?? Number.NaN;
  return { p50: value('kpi-query-p50'), p95: value('kpi-query-p95') };
}

log(`${options.repeats} repeat(s) at ${SIZES.join(', ')} orders`);
const dataSets = new Map<number, { bytes: number }>();
const dbtModels = new Map<number, string>();
for (const orders of SIZES) {
  const data = await ensureData(orders);
  dataSets.set(orders, data);
  for (let repeat = 1; repeat <= options.repeats; repeat++) {
    const tag = `${orders} orders, repeat ${repeat}/${options.repeats}`;
    const work = await mkdtemp(join(tmpdir(), 'orderstream-bench-scaling-'));
    try {
      // Loader and its baseline, side by side in the same repeat.
      let start = performance.now();
      await readCsv(data.dir, join(work, 'read-csv.duckdb'));
      const readCsvSeconds = since(start);
      await rm(join(work, 'read-csv.duckdb'), { force: true });
      start = performance.now();
      const path = join(work, 'orderstream.duckdb');
      {
        const warehouse = await createDuckDbWarehouse({ path });
        try {
          const result = await loadHistory({ dataDir: data.dir, warehouse });
          if (!result.ok) throw new Error(`loadHistory failed at ${orders} orders`);
        } finally {
          await warehouse.close();
        }
      }
      const loaderSeconds = since(start);
      const meta = { size: 'orders', unit: 's' };
      recorder.point('read-csv', orders, readCsvSeconds, {
        ...meta,
        label: 'DuckDB `read_csv` of the nine files',
      });
      recorder.point('loader', orders, loaderSeconds, {
        ...meta,
        label: '`loadHistory`',
        baseline: 'read-csv',
      });
      log(`${tag}: read_csv ${readCsvSeconds.toFixed(1)} s, loadHistory ${loaderSeconds.toFixed(1)} s`);

      // A full dbt build on what the loader wrote.
      start = performance.now();
      const summary = await runDbt({
        projectDir: join(root, 'dbt_transform'),
        args: ['build'],
        duckdbPath: path,
      });
      const dbtSeconds = since(start);
      recorder.point('dbt-full', orders, dbtSeconds, {
        ...meta,
        label: 'full `dbt build` (wall, with Python start)',
      });
      dbtModels.set(
        orders,
        `${summary.models.passed}/${summary.models.total} models, ${summary.tests.passed + summary.tests.warned}/${summary.tests.total} tests`,
      );
      log(`${tag}: dbt build ${dbtSeconds.toFixed(1)} s (${dbtModels.get(orders)})`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }

    // The dashboard's KPI query on as many order events.
    const kpi = dashboardKpi(orders);
    recorder.point('kpi-p50', orders, kpi.p50, {
      size: 'orders',
      unit: 'ms',
      label: 'dashboard KPI query p50',
    });
    recorder.point('kpi-p95', orders, kpi.p95, {
      size: 'orders',
      unit: 'ms',
      label: 'dashboard KPI query p95',
    });
    log(`${tag}: KPI query p50 ${kpi.p50.toFixed(1)} ms, p95 ${kpi.p95.toFixed(1)} ms`);
  }
}

const result = recorder.result();
const curveTable = (id: string) => {
  const curve = result.curves.find((c) => c.id === id);
  if (curve === undefined) return [];
  const growth = curveGrowth(curve);
  const baseline = result.curves.find((c) => c.id === curve.baseline);
  const ratio = (size: number, median: number) => {
    const base = baseline?.points.find((p) => p.size === size);
    return base === undefined
      ? ''
      : ` ${num(median / spreadOf(base.samples).median, 2)} × ${baseline?.label} |`;
  };
  return [
    `### ${curve.label}`,
    '',
    `| orders | median (range) ${curve.unit} | growth per 10× from the previous size |${baseline ? ' ÷ baseline (medians) |' : ''}`,
    `| ---: | ---: | ---: |${baseline ? ' ---: |' : ''}`,
    ...growth.points.map(
      (p) =>
        `| ${p.size.toLocaleString('en-US')} | ${medianCell(p.samples)} | ${p.perDecade === null ? '' : `${num(p.perDecade, 1)} ×`} |${ratio(p.size, p.median)}`,
    ),
    '',
    `Fitted: time ∝ orders^${num(growth.overall.slope, 2)}, ${num(growth.overall.factor, 1)} × per tenfold (10 × is linear).`,
    '',
  ];
};
const lines = [
  '# Cost by data size',
  '',
  `Command: \`${options.command}\``,
  '',
  `Machine: ${machineLine(result.machine)}.`,
  '',
  `Every figure: median of ${options.repeats} repeat${options.repeats === 1 ? '' : 's'} (range in parentheses). Data: the generated Olist set`,
  '(seed 42, defects on) at each size; every table scales with the order count. In each repeat, DuckDB `read_csv`',
  'imports the nine files into a fresh file, then `loadHistory` loads them into another, then a full `dbt build` (2 threads)',
  'runs on the loaded file, then `bench/dashboard.ts --orders N` measures the KPI query (200 runs; p50 and p95 of them)',
  'on as many `order_created` events over 30 days.',
  '',
  '| orders | CSV size MiB | dbt result |',
  '| ---: | ---: | --- |',
  ...SIZES.map(
    (orders) =>
      `| ${orders.toLocaleString('en-US')} | ${num((dataSets.get(orders)?.bytes ?? 0) / 2 ** 20, 0)} | ${dbtModels.get(orders) ?? ''} |`,
  ),
  '',
  ...curveTable('read-csv'),
  ...curveTable('loader'),
  ...curveTable('dbt-full'),
  ...curveTable('kpi-p50'),
  ...curveTable('kpi-p95'),
];
recorder.write(lines);
console.log(lines.join('\n'));
log('done');
