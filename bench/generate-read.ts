/**
 * Benchmarks the synthetic Olist generator and the CSV reader on the full-size data set:
 *   - generating the nine files (target < 30 s for 99,441 orders),
 *   - the live order event stream (target ≥ 50k events/s),
 *   - reading + validating every generated file back (target ≥ 200k rows/s), with its rejects.
 *
 *   node --conditions=@orderstream/source --import tsx bench/generate-read.ts [--orders 99441] [--seed 42] [--defects] [--events 200000] [--keep]
 *
 * Writes bench/results/generate-read.md.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createOlistCatalog,
  createOrderEventStream,
  generateOlistDataset,
  KAGGLE_ORDER_COUNT,
  OLIST_TABLE_KEYS,
  OLIST_TABLES,
  type OlistTableKey,
  readOlistCsv,
  serializeOrderEvent,
} from '@orderstream/core';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const ORDERS = arg('orders', KAGGLE_ORDER_COUNT);
const SEED = arg('seed', 42);
const EVENTS = arg('events', 200_000);
const DEFECTS = args.includes('--defects');
const command = `node --conditions=@orderstream/source --import tsx bench/generate-read.ts${args.length > 0 ? ` ${args.join(' ')}` : ''}`;

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

// The machine is shared: the load average says how much the figures may be disturbed.
const loadAtStart = loadavg()[0] ?? 0;
const dir = await mkdtemp(join(tmpdir(), 'orderstream-bench-generate-'));
try {
  // 1. Generation.
  const generationStart = performance.now();
  const result = await generateOlistDataset({ outDir: dir, orders: ORDERS, seed: SEED, defects: DEFECTS });
  const generationSeconds = (performance.now() - generationStart) / 1000;
  const generationRss = peakRss;
  console.log(
    `generated ${result.totalRows} rows, ${mib(result.totalBytes)} MiB in ${generationSeconds.toFixed(2)} s`,
  );

  // 2. The live event stream, against the catalog of the same seed and size.
  const catalogStart = performance.now();
  const catalog = createOlistCatalog({ seed: SEED, orders: ORDERS, defects: DEFECTS });
  const catalogSeconds = (performance.now() - catalogStart) / 1000;
  let clock = Date.parse('2026-11-25T12:00:00Z');
  const now = () => {
    clock += 20;
    return new Date(clock);
  };
  const streamStart = performance.now();
  let created = 0;
  for (const event of createOrderEventStream({ seed: SEED, catalog, now, limit: EVENTS })) {
    if (event.event_type === 'order_created') created++;
  }
  const streamSeconds = (performance.now() - streamStart) / 1000;
  const serializeStart = performance.now();
  let wireBytes = 0;
  for (const event of createOrderEventStream({ seed: SEED, catalog, now, limit: EVENTS })) {
    wireBytes += JSON.stringify(serializeOrderEvent(event)).length;
  }
  const serializeSeconds = (performance.now() - serializeStart) / 1000;
  console.log(`stream: ${EVENTS} events in ${streamSeconds.toFixed(2)} s (${created} created)`);

  // 3. Reading + validating every file back.
  const reads: { table: OlistTableKey; rows: number; rejects: number; seconds: number }[] = [];
  for (const table of OLIST_TABLE_KEYS) {
    const started = performance.now();
    let rows = 0;
    let rejects = 0;
    for await (const batch of readOlistCsv(table, result.files[table].path)) {
      rows += batch.rows.length;
      rejects += batch.rejects.length;
    }
    reads.push({ table, rows, rejects, seconds: (performance.now() - started) / 1000 });
    console.log(`read ${table}: ${rows} rows, ${rejects} rejects in ${reads.at(-1)?.seconds.toFixed(2)} s`);
  }
  clearInterval(sampler);
  const readRows = reads.reduce((sum, entry) => sum + entry.rows, 0);
  const readRejects = reads.reduce((sum, entry) => sum + entry.rejects, 0);
  const readSeconds = reads.reduce((sum, entry) => sum + entry.seconds, 0);

  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const lines = [
    '# Synthetic Olist generator and CSV reader',
    '',
    `Command: \`${command}\``,
    '',
    `Machine: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; 1-minute load average ${loadAtStart.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end.`,
    '',
    `Data: ${ORDERS} orders, seed ${SEED}, defects ${DEFECTS ? 'on' : 'off'}: ${result.totalRows} rows, ${mib(result.totalBytes)} MiB over nine files.`,
    '',
    '| step | seconds | rate | target |',
    '| --- | ---: | ---: | --- |',
    `| generate the nine files | ${generationSeconds.toFixed(2)} | ${Math.round(result.totalRows / generationSeconds)} rows/s, ${(result.totalBytes / 2 ** 20 / generationSeconds).toFixed(1)} MiB/s | < 30 s: ${verdict(generationSeconds < 30)} |`,
    `| build the catalog for the stream | ${catalogSeconds.toFixed(2)} | | |`,
    `| event stream, ${EVENTS} events | ${streamSeconds.toFixed(2)} | ${Math.round(EVENTS / streamSeconds)} events/s | ≥ 50k/s: ${verdict(EVENTS / streamSeconds >= 50_000)} |`,
    `| event stream + serialize + JSON.stringify | ${serializeSeconds.toFixed(2)} | ${Math.round(EVENTS / serializeSeconds)} events/s (${(wireBytes / EVENTS).toFixed(0)} B/event) | |`,
    `| read + validate all files | ${readSeconds.toFixed(2)} | ${Math.round(readRows / readSeconds)} rows/s | ≥ 200k/s: ${verdict(readRows / readSeconds >= 200_000)} |`,
    '',
    `Peak RSS while generating: ${mib(generationRss)} MiB; over the whole run: ${mib(peakRss)} MiB. Rejects on read-back: ${readRejects} (expected 0).`,
    '',
    '| file | rows written | bytes | rows read | rejects | read seconds | rows/s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...reads.map(({ table, rows, rejects, seconds }) => {
      const file = result.files[table];
      return `| ${OLIST_TABLES[table].file} | ${file.rows} | ${file.bytes} | ${rows} | ${rejects} | ${seconds.toFixed(2)} | ${Math.round(rows / seconds)} |`;
    }),
    '',
  ];
  const markdown = lines.join('\n');
  console.log(`\n${markdown}`);
  const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, 'generate-read.md'), markdown);
} finally {
  clearInterval(sampler);
  if (args.includes('--keep')) console.log(`data kept in ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
