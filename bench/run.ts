// `npm run bench`: runs every benchmark one after the other (each measures its baseline side by
// side in the same run) and leaves its table in bench/results/. Pass names to run a subset:
// `npm run bench -- sink dbt`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = [
  'generate-read',
  'read-olist-csv',
  'load-history',
  'sink',
  'dbt',
  'detectors',
  'dashboard',
] as const;

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
const failed: string[] = [];
for (const name of wanted.length > 0 ? wanted : BENCHMARKS) {
  const script = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  console.log(`\n=== bench ${name} ===`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--conditions=@orderstream/source', '--import', 'tsx', script], {
    stdio: 'inherit',
  });
  console.log(
    `=== ${name}: exit ${run.status ?? run.signal} in ${((Date.now() - started) / 1000).toFixed(0)} s ===`,
  );
  if (run.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exit(1);
}
