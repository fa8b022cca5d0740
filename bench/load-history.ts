/**
 * The historical loader against DuckDB's own CSV import, on a full-size generated Olist data set.
 *
 *   node --conditions=@orderstream/source --import tsx bench/load-history.ts
 *
 * 1. Generates the data set into `.cache/bench-data` unless it is already there (Kaggle size, seed 42).
 * 2. Times `loadHistory` (read + validate + quarantine + manifest + load) into a fresh DuckDB file.
 * 3. Times DuckDB's `read_csv` importing the same nine files into another fresh file
 *    (`CREATE TABLE … AS SELECT * FROM read_csv(…)`, types auto-detected, no validation).
 * 4. Times the CSV reader alone (read + parse + validate, no warehouse), to show where the time goes.
 *
 * Prints the ratio loader ÷ read_csv (target ≤ 1.3×) and writes `bench/results/load-history.md`.
 * Not part of the test suite.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance, version as duckDbVersion } from '@duckdb/node-api';
import type { LoadHistoryResult } from '@orderstream/core';
import {
  generateOlistDataset,
  loadHistory,
  OLIST_TABLE_KEYS,
  OLIST_TABLES,
  readOlistCsv,
} from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';

const root = resolve(import.meta.dirname, '..');
const dataDir = join(root, '.cache', 'bench-data');
const outDir = join(root, '.cache', 'bench-load-history');
const command = 'node --conditions=@orderstream/source --import tsx bench/load-history.ts';

const seconds = (start: number) => (performance.now() - start) / 1000;

/** Runs `step`, measuring wall time and this process's CPU time (DuckDB's threads included). */
async function measure<T>(step: () => Promise<T>): Promise<{ wall: number; cpu: number; value: T }> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const value = await step();
  const wall = seconds(start);
  const { user, system } = process.cpuUsage(cpuBefore);
  return { wall, cpu: (user + system) / 1e6, value };
}

async function ensureData(): Promise<void> {
  const present = OLIST_TABLE_KEYS.every((key) => existsSync(join(dataDir, OLIST_TABLES[key].file)));
  if (present) return;
  console.log(`generating the full-size data set into ${dataDir} …`);
  const start = performance.now();
  await generateOlistDataset({ outDir: dataDir, seed: 42, defects: true });
  console.log(`generated in ${seconds(start).toFixed(1)} s`);
}

async function runLoader(): Promise<LoadHistoryResult> {
  const warehouse = await createDuckDbWarehouse({ path: join(outDir, 'loader.duckdb') });
  try {
    return await loadHistory({ dataDir, warehouse });
  } finally {
    await warehouse.close();
  }
}

async function runReadCsv(): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(join(outDir, 'read-csv.duckdb'));
  const connection = await instance.connect();
  await connection.run('CREATE SCHEMA raw');
  for (const key of OLIST_TABLE_KEYS) {
    const { name, file } = OLIST_TABLES[key];
    await connection.run(`CREATE TABLE raw.${name} AS SELECT * FROM read_csv(?, header = true)`, [
      join(dataDir, file),
    ]);
  }
  const rows: Record<string, number> = {};
  for (const key of OLIST_TABLE_KEYS) {
    const { name } = OLIST_TABLES[key];
    const reader = await connection.runAndReadAll(`SELECT count(*) FROM raw.${name}`);
    rows[name] = Number(reader.getRows()[0]?.[0]);
  }
  connection.closeSync();
  instance.closeSync();
  return rows;
}

async function runReaderOnly(): Promise<number> {
  let rows = 0;
  for (const key of OLIST_TABLE_KEYS) {
    for await (const batch of readOlistCsv(key, join(dataDir, OLIST_TABLES[key].file), {
      batchSize: 10_000,
    })) {
      rows += batch.rows.length;
    }
  }
  return rows;
}

await ensureData();
await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

const bytes = (
  await Promise.all(OLIST_TABLE_KEYS.map((key) => stat(join(dataDir, OLIST_TABLES[key].file))))
).reduce((sum, info) => sum + info.size, 0);

const own = await measure(runReadCsv);
const loader = await measure(runLoader);
const readerOnly = await measure(runReaderOnly);
await rm(outDir, { recursive: true, force: true });

const ratio = loader.wall / own.wall;
const cpuRatio = loader.cpu / own.cpu;
const rows = loader.value.tables.reduce((sum, entry) => sum + entry.rows, 0);
const rejects = loader.value.tables.reduce((sum, entry) => sum + entry.rejects, 0);
const cpu = cpus()[0]?.model ?? 'unknown';
const [load1, load5] = loadavg();
const step = (name: string, m: { wall: number; cpu: number }) =>
  `| ${name} | ${m.wall.toFixed(2)} | ${m.cpu.toFixed(2)} | ${Math.round(rows / m.wall)} |`;
const lines = [
  '# Historical load: loadHistory vs DuckDB read_csv',
  '',
  `Command: \`${command}\``,
  '',
  `Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, DuckDB ${duckDbVersion()}, ${new Date().toISOString().slice(0, 16)}Z; load average at the end ${load1?.toFixed(1)} (1 min), ${load5?.toFixed(1)} (5 min).`,
  '',
  `Data: the generated full-size Olist set (seed 42, defects on): ${(bytes / 2 ** 20).toFixed(1)} MiB, ${rows} rows loaded, ${rejects} rejects.`,
  '',
  '| step | wall s | CPU s | rows/s (wall) |',
  '| --- | ---: | ---: | ---: |',
  step('DuckDB `read_csv` into a fresh file (types auto-detected, no validation)', own),
  step('`loadHistory` into a fresh DuckDB file', loader),
  step('for comparison: the CSV reader alone (read, parse, validate; no warehouse)', readerOnly),
  '',
  `Ratio loadHistory ÷ read_csv: **${ratio.toFixed(2)}×** wall, ${cpuRatio.toFixed(2)}× CPU (target ≤ 1.3×).`,
  '',
  `Where the time goes: the CSV reader alone (record splitting, then validation per row) takes ${readerOnly.wall.toFixed(2)} s, ${Math.round((100 * readerOnly.wall) / loader.wall)}% of the loader's wall time; the rest, ${Math.max(loader.wall - readerOnly.wall, 0).toFixed(2)} s, is hashing the files, converting rows to DuckDB data chunks, appending and committing. DuckDB parses on all cores in C++ and validates nothing beyond types.`,
  '',
  '| file | rows | rejects | loader s | read_csv rows |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...loader.value.tables.map(
    (entry) =>
      `| ${entry.file} | ${entry.rows} | ${entry.rejects} | ${entry.seconds.toFixed(2)} | ${own.value[entry.table] ?? ''} |`,
  ),
  '',
];
await mkdir(join(root, 'bench', 'results'), { recursive: true });
await writeFile(join(root, 'bench', 'results', 'load-history.md'), lines.join('\n'));
console.log(lines.join('\n'));
