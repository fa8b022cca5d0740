/**
 * Benchmarks how fast the CLI fails on a user error (issue 22: "a user error prints one line with
 * the code and the fix, exits non-zero in under 2 s"): the wall time from spawning each first-hour
 * user error (examples/pipeline/test/user-error-cases.ts) to its exit, two ways —
 *   - as the README runs it: `npm run demo -- …` (`npm run orderstream -- …` for the other commands);
 *   - what `npm run` executes: `node --conditions=@orderstream/source examples/pipeline/bin/orderstream.mjs …`
 *     (the CLI's prebuilt entry; built once before the timed runs);
 * and, in the same repeat, Node's own start-up (`node -e 0`, the baseline of the ratios) and, for
 * comparison, Node with the TypeScript loader (`node --import tsx -e 0`), which a user error no
 * longer pays. `--help` and `--version` are timed too.
 *
 *   node --conditions=@orderstream/source --import tsx bench/cli.ts [--quick] [--repeats 3] [--runs 3]
 *
 * Every run must exit as the case says (code 2 and one `error CLI_…` line; 0 for --help and
 * --version), else the benchmark fails: a fast wrong answer is not measured. Needs nothing running.
 * Writes bench/results/cli.{md,json}. Target: the slowest user error of each repeat (the median of
 * its runs, through `npm run`) ≤ 2 s.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { USER_ERROR_CASES, type UserErrorCase } from '../examples/pipeline/test/user-error-cases.js';
import { machineLine } from './lib/machine.js';
import { medianCell } from './lib/markdown.js';
import { parseBenchOptions } from './lib/options.js';
import { BenchRecorder } from './lib/result.js';
import { spreadOf } from './lib/stats.js';

const options = parseBenchOptions('cli.ts', {
  runs: { full: 3, quick: 1, description: 'runs of each command per repeat (the repeat keeps their median)' },
});
const RUNS = options.sizes.runs;
const recorder = new BenchRecorder('cli', 'CLI: user errors fail fast', options);
const root = fileURLToPath(new URL('..', import.meta.url));
const TARGET_SECONDS = 2;

/** One timed command: how it is started and what its exit must look like. */
interface Timed {
  readonly id: string;
  readonly label: string;
  readonly command: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** The exit code it must end with. */
  readonly exitCode: number;
  /** For a user error: what its one line on stderr must match, every pattern. */
  readonly stderr?: readonly RegExp[];
}

/** Runs a command to its exit: the wall time in seconds, from spawn to exit. */
function timeRun(run: Timed): Promise<number> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = run.command as [string, ...string[]];
    const started = performance.now();
    const child = spawn(file, args, { cwd: root, env: run.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const lines = stderr.split('\n').filter((line) => line.trim() !== '');
      const first = lines[0] ?? '';
      const lineOk =
        run.stderr === undefined || (lines.length === 1 && run.stderr.every((re) => re.test(first)));
      if (code !== run.exitCode || !lineOk) {
        reject(
          new Error(`${run.label}: exit ${code} (expected ${run.exitCode}), stderr:\n${stderr || '(none)'}`),
        );
      } else resolve(seconds);
    });
  });
}

async function listening(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

const portOf = (server: Server) => (server.address() as { port: number }).port;

const dir = await mkdtemp(join(tmpdir(), 'orderstream-bench-cli-'));
const taken = await listening();
const takenPort = portOf(taken);
// A port nobody listens on, for the cases that need a valid dashboard port.
const spare = await listening();
const freePort = portOf(spare);
await new Promise((done) => spare.close(done));
const aFile = join(dir, 'a-file');
await writeFile(aFile, 'not a folder\n');

const baseEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' };
delete baseEnv.KAFKA_BROKERS;
const node = process.execPath;
const launcher = ['--conditions=@orderstream/source', 'examples/pipeline/bin/orderstream.mjs'];
/** `npm run demo -- …` for the demo, `npm run orderstream -- …` for the other commands. */
const npmRun = (args: readonly string[]) =>
  args[0] === 'demo'
    ? ['npm', 'run', '-s', 'demo', '--', ...args.slice(1)]
    : ['npm', 'run', '-s', 'orderstream', '--', ...args];

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const caseArgs = (c: UserErrorCase) => {
  const args = c.args({ takenPort: takenPort, aFile });
  if (args[0] === 'demo' && !args.includes('--port')) args.push('--port', String(freePort));
  return args;
};

const baselines: Timed[] = [
  { id: 'node-start', label: '`node -e 0`', command: [node, '-e', '0'], env: baseEnv, exitCode: 0 },
  {
    id: 'node-tsx-start',
    label: '`node --import tsx -e 0`',
    command: [node, '--import', 'tsx', '-e', '0'],
    env: baseEnv,
    exitCode: 0,
  },
];
const cases: { name: string; shown: string; npm: Timed; node: Timed; userError: boolean }[] = [
  ...USER_ERROR_CASES.map((c) => ({ name: c.name, args: caseArgs(c), env: c.env, code: c.code })),
  { name: 'demo --help', args: ['demo', '--help'], env: undefined, code: undefined },
  { name: '--version', args: ['--version'], env: undefined, code: undefined },
].map(({ name, args, env, code }) => {
  const userError = code !== undefined;
  const common = {
    env: { ...baseEnv, ...env },
    exitCode: userError ? 2 : 0,
    ...(code === undefined ? {} : { stderr: [/^error CLI_[A-Z_]+: .+ — fix: .+/, code] }),
  };
  // How the report shows the command line: its environment first, ports and folders by role.
  const shown = [...Object.entries(env ?? {}).map(([key, value]) => `${key}=${value}`), ...args]
    .join(' ')
    .replaceAll(String(takenPort), 'TAKEN')
    .replaceAll(String(freePort), 'FREE')
    .replaceAll(dir, 'TMP');
  return {
    name,
    shown,
    userError,
    npm: { id: `npm-${slug(name)}`, label: `${name}: \`npm run\``, command: npmRun(args), ...common },
    node: {
      id: `node-${slug(name)}`,
      label: `${name}: \`node bin/orderstream.mjs\``,
      command: [node, ...launcher, ...args],
      ...common,
    },
  };
});

// The prebuilt entry is built on first use (or after a change): build it before timing anything.
await timeRun({
  id: 'build',
  label: 'building the entry',
  command: [node, ...launcher, '--version'],
  env: baseEnv,
  exitCode: 0,
});

try {
  for (let repeat = 1; repeat <= options.repeats; repeat++) {
    const runs = new Map<string, number[]>();
    const add = (id: string, seconds: number) => runs.set(id, [...(runs.get(id) ?? []), seconds]);
    // Interleaved: every command once, then again, so load changes spread over all of them alike.
    for (let run = 1; run <= RUNS; run++) {
      for (const timed of baselines) add(timed.id, await timeRun(timed));
      for (const c of cases) {
        add(c.npm.id, await timeRun(c.npm));
        add(c.node.id, await timeRun(c.node));
      }
    }
    const median = (id: string) => spreadOf(runs.get(id) ?? []).median;
    const base = { unit: 's', baseline: 'node-start' } as const;
    recorder.sample('node-start', median('node-start'), { label: '`node -e 0` (baseline)', unit: 's' });
    recorder.sample('node-tsx-start', median('node-tsx-start'), {
      label: '`node --import tsx -e 0`',
      ...base,
    });
    for (const c of cases) {
      recorder.sample(c.npm.id, median(c.npm.id), { label: c.npm.label, better: 'lower', ...base });
      recorder.sample(c.node.id, median(c.node.id), { label: c.node.label, better: 'lower', ...base });
    }
    const userErrors = cases.filter((c) => c.userError);
    const slowest = (mode: 'npm' | 'node') => Math.max(...userErrors.map((c) => median(c[mode].id)));
    recorder.sample('slowest-npm', slowest('npm'), {
      label: 'slowest user error, `npm run`',
      better: 'lower',
      ...base,
    });
    recorder.sample('slowest-node', slowest('node'), {
      label: 'slowest user error, `node bin/orderstream.mjs`',
      better: 'lower',
      ...base,
    });
    console.log(
      `repeat ${repeat}/${options.repeats}: node -e 0 ${median('node-start').toFixed(2)} s, slowest user error ${slowest('npm').toFixed(2)} s (npm run), ${slowest('node').toFixed(2)} s (node)`,
    );
  }
} finally {
  await new Promise((done) => taken.close(done));
  await rm(dir, { recursive: true, force: true });
}

recorder.target('slowest-npm', '<=', TARGET_SECONDS, 'CLI user errors (all first-hour), npm run');
recorder.target('slowest-node', '<=', TARGET_SECONDS, 'CLI user errors (all first-hour), node');

const cell = (id: string) => medianCell(recorder.samples(id), 2);
const ratio = (id: string) =>
  (spreadOf(recorder.samples(id)).median / spreadOf(recorder.samples('node-start')).median).toFixed(1);
const verdict = (id: string) =>
  spreadOf(recorder.samples(id)).median <= TARGET_SECONDS ? 'met' : '**missed**';
const lines = [
  '# CLI: user errors fail fast',
  '',
  `Command: \`${options.command}\``,
  '',
  `Machine: ${machineLine(recorder.result().machine)}.`,
  '',
  `Wall time from spawn to exit, in seconds: each command ran ${RUNS} time${RUNS === 1 ? '' : 's'} per repeat (the repeat keeps the median),`,
  `interleaved with the others; every figure is the median of ${options.repeats} repeat${options.repeats === 1 ? '' : 's'} (range in parentheses).`,
  'The baseline, `node -e 0`, ran in the same repeats. Each run was checked: exit code 2 and one',
  '`error CLI_…: … — fix: …` line on stderr for a user error, exit 0 for `--help` and `--version`.',
  '',
  `| measurement | median (range), s | ÷ \`node -e 0\` | target |`,
  '| --- | ---: | ---: | --- |',
  `| \`node -e 0\` (baseline) | ${cell('node-start')} | 1.0 | |`,
  `| \`node --import tsx -e 0\` (Node with the TypeScript loader) | ${cell('node-tsx-start')} | ${ratio('node-tsx-start')} | |`,
  `| slowest user error, \`npm run demo -- …\` (README) | ${cell('slowest-npm')} | ${ratio('slowest-npm')} | ≤ ${TARGET_SECONDS} s: ${verdict('slowest-npm')} |`,
  `| slowest user error, \`node bin/orderstream.mjs …\` | ${cell('slowest-node')} | ${ratio('slowest-node')} | ≤ ${TARGET_SECONDS} s: ${verdict('slowest-node')} |`,
  '',
  'Per command:',
  '',
  '| command | arguments | `npm run`, s | ÷ `node -e 0` | `node bin/orderstream.mjs`, s | ÷ `node -e 0` |',
  '| --- | --- | ---: | ---: | ---: | ---: |',
  ...cases.map(
    (c) =>
      `| ${c.name} | \`${c.shown}\` | ${cell(c.npm.id)} | ${ratio(c.npm.id)} | ${cell(c.node.id)} | ${ratio(c.node.id)} |`,
  ),
  '',
  'A user error is found before the CLI loads any package: the sub-commands’ options and checks',
  '(examples/pipeline/src/commands/) import only commander, Node, `@orderstream/core/errors` (the base',
  'error) and `@orderstream/core/fs`, and what a',
  'command does is imported once they pass. bin/orderstream.mjs runs them from a prebuilt entry (bundled',
  'by esbuild into .cache/cli/, rebuilt when one of their files changes), so a user error does not load',
  'the TypeScript loader either: what is left is Node, commander and, through `npm run`, npm’s own start-up.',
  '',
];
recorder.note(
  'cli: the slowest user error of each repeat is the largest of the first-hour cases’ medians in that repeat; the target holds when even that one exits within 2 s.',
);
recorder.write(lines);
console.log(lines.join('\n'));
