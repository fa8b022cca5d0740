/**
 * Benchmarks the synthetic Olist generator and the CSV reader on the full-size data set:
 *   - generating the nine files (target < 30 s for 99,441 orders),
 *   - the live order event stream (target ≥ 50k events/s),
 *   - reading + validating every generated file back (target ≥ 200k rows/s), with its rejects.
 *
 *   node --conditions=@orderstream/source --import tsx bench/generate-read.ts [--quick] [--repeats 3] [--orders 99441] [--seed 42] [--defects 1] [--events 200000]
 *
 * Every step runs once per repeat. Writes bench/results/generate-read.{md,json}.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { machineLine } from './lib/machine.js';
import { medianCell } from './lib/markdown.js';
import { mib, sampleMemory } from './lib/memory.js';
import { parseBenchOptions } from './lib/options.js';
import { BenchRecorder } from './lib/result.js';

const options = parseBenchOptions('generate-read.ts', {
  orders: { full: KAGGLE_ORDER_COUNT, quick: 2_000, description: 'orders to generate' },
  events: { full: 200_000, quick: 5_000, description: 'events drawn from the live stream' },
  seed: { full: 42, quick: 42, description: 'generator seed' },
  defects: { full: 0, quick: 0, description: '1 injects the real data set’s known defects' },
});
const { orders: ORDERS, seed: SEED, events: EVENTS } = options.sizes;
const DEFECTS = options.sizes.defects === 1;
const recorder = new BenchRecorder('generate-read', 'Synthetic Olist generator and CSV reader', options);
const memory = sampleMemory(100);

type Generated = Awaited<ReturnType<typeof generateOlistDataset>>;
type Read = { table: OlistTableKey; rows: number; rejects: number; seconds: number };
let last: { result: Generated; reads: Read[]; catalogSeconds: number; wireBytes: number } | undefined;
for (let repeat = 1; repeat <= options.repeats; repeat++) {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-bench-generate-'));
  try {
    // 1. Generation.
    const generationStart = performance.now();
    const result = await generateOlistDataset({ outDir: dir, orders: ORDERS, seed: SEED, defects: DEFECTS });
    const generationSeconds = (performance.now() - generationStart) / 1000;
    console.log(
      `repeat ${repeat}/${options.repeats}: generated ${result.totalRows} rows, ${mib(result.totalBytes).toFixed(1)} MiB in ${generationSeconds.toFixed(2)} s`,
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
    const reads: Read[] = [];
    for (const table of OLIST_TABLE_KEYS) {
      const started = performance.now();
      let rows = 0;
      let rejects = 0;
      for await (const batch of readOlistCsv(table, result.files[table].path)) {
        rows += batch.rows.length;
        rejects += batch.rejects.length;
      }
      reads.push({ table, rows, rejects, seconds: (performance.now() - started) / 1000 });
    }
    const readRows = reads.reduce((sum, entry) => sum + entry.rows, 0);
    const readSeconds = reads.reduce((sum, entry) => sum + entry.seconds, 0);
    console.log(`read ${readRows} rows in ${readSeconds.toFixed(2)} s`);
    recorder.sample('generate-seconds', generationSeconds, {
      label: 'generate the nine files',
      unit: 's',
      better: 'lower',
    });
    recorder.sample('generate-rows-per-second', result.totalRows / generationSeconds, {
      label: 'generator rows/s',
      unit: 'rows/s',
    });
    recorder.sample('stream-events-per-second', EVENTS / streamSeconds, {
      label: 'event stream',
      unit: 'events/s',
      better: 'higher',
    });
    recorder.sample('serialize-events-per-second', EVENTS / serializeSeconds, {
      label: 'event stream + serialize + JSON.stringify',
      unit: 'events/s',
    });
    recorder.sample('read-rows-per-second', readRows / readSeconds, {
      label: 'read + validate all files',
      unit: 'rows/s',
      better: 'higher',
    });
    last = { result, reads, catalogSeconds, wireBytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
const peak = memory.stop();
if (ORDERS === KAGGLE_ORDER_COUNT)
  recorder.target('generate-seconds', '<=', 30, `generate the nine files (${ORDERS} orders)`);
recorder.target('stream-events-per-second', '>=', 50_000, 'event stream generation');
recorder.target('read-rows-per-second', '>=', 200_000, 'read + validate all files');

const { result, reads, catalogSeconds, wireBytes } = last as NonNullable<typeof last>;
const cell = (id: string, digits?: number) => medianCell(recorder.samples(id), digits);
const verdict = (id: string, ok: (median: number) => boolean) =>
  ok(recorder.spread(id).median) ? 'met' : '**missed**';
const lines = [
  '# Synthetic Olist generator and CSV reader',
  '',
  `Command: \`${options.command}\``,
  '',
  `Machine: ${machineLine(recorder.result().machine)}.`,
  '',
  `Data: ${ORDERS} orders, seed ${SEED}, defects ${DEFECTS ? 'on' : 'off'}: ${result.totalRows} rows, ${mib(result.totalBytes).toFixed(1)} MiB over nine files.`,
  `Every figure: median of ${options.repeats} repeat${options.repeats === 1 ? '' : 's'} (range in parentheses).`,
  '',
  '| step | median (range) | target |',
  '| --- | ---: | --- |',
  `| generate the nine files, s | ${cell('generate-seconds')} | < 30 s for 99441 orders: ${ORDERS === KAGGLE_ORDER_COUNT ? verdict('generate-seconds', (m) => m < 30) : '–'} |`,
  `| generator, rows/s | ${cell('generate-rows-per-second')} | |`,
  `| build the catalog for the stream (last repeat), s | ${catalogSeconds.toFixed(2)} | |`,
  `| event stream, ${EVENTS} events, events/s | ${cell('stream-events-per-second')} | ≥ 50k/s: ${verdict('stream-events-per-second', (m) => m >= 50_000)} |`,
  `| event stream + serialize + JSON.stringify, events/s (${(wireBytes / EVENTS).toFixed(0)} B/event) | ${cell('serialize-events-per-second')} | |`,
  `| read + validate all files, rows/s | ${cell('read-rows-per-second')} | ≥ 200k/s: ${verdict('read-rows-per-second', (m) => m >= 200_000)} |`,
  '',
  `Peak RSS over the run: ${mib(peak.rss).toFixed(1)} MiB. Rejects on read-back (last repeat): ${reads.reduce((sum, entry) => sum + entry.rejects, 0)} (expected 0).`,
  '',
  'Last repeat, per file:',
  '',
  '| file | rows written | bytes | rows read | rejects | read seconds | rows/s |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...reads.map(({ table, rows, rejects, seconds }) => {
    const file = result.files[table];
    return `| ${OLIST_TABLES[table].file} | ${file.rows} | ${file.bytes} | ${rows} | ${rejects} | ${seconds.toFixed(2)} | ${Math.round(rows / seconds)} |`;
  }),
  '',
];
recorder.write(lines);
console.log(lines.join('\n'));
