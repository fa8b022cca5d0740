// `npm run bench`: runs every benchmark one after the other (each measures its baseline side by
// side in the same repeat), then generates docs/benchmarks.md from their JSON results.
//
//   npm run bench [-- [names…] [--repeats N] [--quick] [--report-only]]
//
// Names run a subset (`npm run bench -- sink dbt`); the report is still generated from every JSON
// file in bench/results. `--quick` runs every benchmark with tiny sizes and one repeat into a
// temporary folder (a smoke run: bench/results and docs stay untouched). `--report-only` only
// regenerates the report. Other options are passed on to every benchmark.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderBenchmarksReport } from './lib/report.js';
import { type BenchResult, benchResultSchema, mergeBenchResults, readBenchResults } from './lib/result.js';

/**
 * The benchmarks in report order. `repeatsInProcess: false` marks benchmarks that measure one
 * repeat per process; this runner starts them once per repeat and merges their results. `built`
 * marks benchmarks that run against the built packages (`dist`), as npm users get them: the
 * loader starts reader threads, which from the TypeScript sources would each compile through tsx
 * while being timed. The runner builds the packages once before the first of them.
 */
const BENCHMARKS: readonly { name: string; repeatsInProcess: boolean; built?: boolean }[] = [
  { name: 'generate-read', repeatsInProcess: true },
  { name: 'read-olist-csv', repeatsInProcess: true },
  { name: 'load-history', repeatsInProcess: true, built: true },
  { name: 'sink', repeatsInProcess: true, built: true },
  { name: 'dbt', repeatsInProcess: false },
  { name: 'detectors', repeatsInProcess: true },
  { name: 'dashboard', repeatsInProcess: false },
  { name: 'scaling', repeatsInProcess: true, built: true },
  { name: 'cli', repeatsInProcess: true },
];
const NAMES: readonly string[] = BENCHMARKS.map((b) => b.name);

const root = fileURLToPath(new URL('..', import.meta.url));
// Names come first, options after them: `npm run bench -- sink dbt --events 5000`.
const argv = process.argv.slice(2);
const firstOption = argv.findIndex((arg) => arg.startsWith('-'));
const wanted = firstOption < 0 ? argv : argv.slice(0, firstOption);
const unknown = wanted.filter((name) => !NAMES.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${NAMES.join(', ')}`);
  process.exit(2);
}
const { values } = parseArgs({
  args: firstOption < 0 ? [] : argv.slice(firstOption),
  options: {
    quick: { type: 'boolean', default: false },
    repeats: { type: 'string' },
    'report-only': { type: 'boolean', default: false },
  },
  strict: false,
});
// Everything else goes to every benchmark, which rejects options it does not know.
const passOn = (firstOption < 0 ? [] : argv.slice(firstOption)).filter(
  (arg, i, all) => arg !== '--report-only' && arg !== '--repeats' && all[i - 1] !== '--repeats',
);
const quick = values.quick === true;
const repeats = typeof values.repeats === 'string' ? Number(values.repeats) : quick ? 1 : 3;
const resultsDir = quick
  ? mkdtempSync(join(tmpdir(), 'orderstream-bench-quick-'))
  : join(root, 'bench', 'results');
const reportFile = quick ? join(resultsDir, 'benchmarks.md') : join(root, 'docs', 'benchmarks.md');

let built = false;

function runScript(name: string, args: readonly string[], fromBuild = false): boolean {
  const script = join(root, 'bench', `${name}.ts`);
  if (fromBuild && !built) {
    console.log('building the packages (npm run build) for the benchmarks that run on them …');
    built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' }).status === 0;
    if (!built) return false;
  }
  const run = spawnSync(
    process.execPath,
    [...(fromBuild ? [] : ['--conditions=@orderstream/source']), '--import', 'tsx', script, ...args],
    {
      stdio: 'inherit',
    },
  );
  return run.status === 0;
}

const failed: string[] = [];
const started = Date.now();
if (values['report-only'] !== true) {
  const selected = BENCHMARKS.filter((b) => wanted.length === 0 || wanted.includes(b.name));
  for (const [index, bench] of selected.entries()) {
    const benchStarted = Date.now();
    console.log(
      `\n=== bench ${index + 1}/${selected.length}: ${bench.name} (${repeats} repeat${repeats === 1 ? '' : 's'}) ===`,
    );
    let ok = true;
    if (bench.repeatsInProcess) {
      ok = runScript(
        bench.name,
        [...passOn, '--repeats', String(repeats), '--results-dir', resultsDir],
        bench.built === true,
      );
    } else {
      const runs: BenchResult[] = [];
      const runsDir = mkdtempSync(join(tmpdir(), `orderstream-bench-${bench.name}-`));
      for (let r = 1; r <= repeats && ok; r++) {
        console.log(`--- ${bench.name}: repeat ${r}/${repeats} ---`);
        const runDir = join(runsDir, String(r));
        ok = runScript(bench.name, [...passOn, '--results-dir', runDir], bench.built === true);
        if (ok)
          runs.push(
            benchResultSchema.parse(JSON.parse(readFileSync(join(runDir, `${bench.name}.json`), 'utf8'))),
          );
        if (ok && r === repeats) {
          const merged = mergeBenchResults(runs);
          merged.notes.push(
            `${bench.name} measures one repeat per process: it ran ${repeats} times and the figures here are the medians of all runs; bench/results/${bench.name}.md shows the last run.`,
          );
          mkdirSync(resultsDir, { recursive: true });
          writeFileSync(join(resultsDir, `${bench.name}.json`), `${JSON.stringify(merged, null, 2)}\n`);
          // The markdown shows the last repeat; the JSON (and so the report) holds all of them.
          copyFileSync(join(runDir, `${bench.name}.md`), join(resultsDir, `${bench.name}.md`));
        }
      }
      rmSync(runsDir, { recursive: true, force: true });
    }
    console.log(
      `=== ${bench.name}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - benchStarted) / 1000).toFixed(0)} s ===`,
    );
    if (!ok) failed.push(bench.name);
  }
}

const order = (r: BenchResult) => NAMES.indexOf(r.name);
const results = readBenchResults(resultsDir).sort((a, b) => order(a) - order(b));
const link = `${relative(dirname(reportFile), resultsDir).split('\\').join('/') || '.'}/`;
const report = renderBenchmarksReport(results, { resultsLink: link, generatedBy: 'npm run bench' });
writeFileSync(reportFile, report.join('\n'));
console.log(
  `\nreport: ${relative(process.cwd(), reportFile) || reportFile} from ${results.length} result(s), ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exit(1);
}
