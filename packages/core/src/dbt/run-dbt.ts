import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { OrderstreamError } from '../errors/orderstream-error.js';
import { resolveOptions } from '../options/resolve-options.js';
import { isFailedStatus, summarizeRunResults } from './internal/dbt-run-results.js';
import type { DbtOutputStream, ResolvedRunDbtOptions, RunDbtOptions } from './options.js';
import { runDbtOptionsSchema } from './options.js';
import type { DbtRunSummary } from './run-summary.js';

// DuckDB's message when another process holds the database file.
const LOCK_CONFLICT = /Could not set lock on file|Conflicting lock is held/i;
const TAIL_LINES = 40;

function defaultExecutable(options: ResolvedRunDbtOptions, projectDir: string): string {
  const fromEnv = 'DBT_EXECUTABLE' in options.env ? options.env.DBT_EXECUTABLE : process.env.DBT_EXECUTABLE;
  if (fromEnv) return fromEnv;
  const venv = resolve(projectDir, '..', '.venv');
  const candidates =
    process.platform === 'win32' ? [join(venv, 'Scripts', 'dbt.exe')] : [join(venv, 'bin', 'dbt')];
  return candidates.find((path) => existsSync(path)) ?? 'dbt';
}

function childEnv(options: ResolvedRunDbtOptions, projectDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DBT_USE_COLORS: 'false',
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
  };
  for (const [name, value] of Object.entries(options.env)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  env.DBT_PROFILES_DIR = resolve(options.profilesDir ?? projectDir);
  if (options.duckdbPath !== undefined) env.ORDERSTREAM_DUCKDB_PATH = resolve(options.duckdbPath);
  else if (env.ORDERSTREAM_DUCKDB_PATH && !isAbsolute(env.ORDERSTREAM_DUCKDB_PATH)) {
    // relative to where the caller stands, not to the project folder dbt runs in
    env.ORDERSTREAM_DUCKDB_PATH = resolve(env.ORDERSTREAM_DUCKDB_PATH);
  }
  return env;
}

type FileStamp = string | undefined;

/** What identifies one write of a file: a later write changes its inode, size or mtime. */
async function stampOf(path: string): Promise<FileStamp> {
  const info = await stat(path).catch(() => undefined);
  return info === undefined ? undefined : `${info.ino}:${info.size}:${info.mtimeMs}`;
}

async function readRunResults(path: string, before: FileStamp): Promise<unknown> {
  const after = await stampOf(path);
  // unchanged: an earlier command's results (this one writes none, e.g. `source freshness`)
  if (after === undefined || after === before) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The dbt commands that take `--vars`. */
const COMMANDS_WITH_VARS = new Set([
  'build',
  'run',
  'test',
  'seed',
  'snapshot',
  'compile',
  'show',
  'list',
  'ls',
  'run-operation',
  'docs',
  'source',
  'parse',
]);

/**
 * Adds the business time zone as the dbt var `business_time_zone`: merged into a JSON `--vars`
 * of the caller (theirs wins), else appended. Commands without vars and a non-JSON `--vars` are
 * left as they are.
 */
function withBusinessTimeZone(args: readonly string[], timeZone: string): readonly string[] {
  if (!COMMANDS_WITH_VARS.has(args[0] ?? '')) return args;
  const at = args.indexOf('--vars');
  if (at < 0) return [...args, '--vars', JSON.stringify({ business_time_zone: timeZone })];
  let given: unknown;
  try {
    given = JSON.parse(args[at + 1] ?? '');
  } catch {
    return args;
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return args;
  const merged = JSON.stringify({ business_time_zone: timeZone, ...given });
  return [...args.slice(0, at + 1), merged, ...args.slice(at + 2)];
}

/**
 * Runs dbt on the project in `projectDir` (by default the repo's `dbt_transform/`) as a child
 * process, streams its log lines to `onLine` and resolves with what it built and tested, read from
 * `target/run_results.json`.
 *
 * **DuckDB holds one writer per file.** A DuckDB database file can be open read-write by one
 * process at a time, so dbt cannot build in the pipeline's file while the Node side
 * (`DuckDbWarehouse`, the sink, the dashboard) holds it open. The contract is: close every
 * warehouse on the file, `await runDbt(...)`, then open them again; run dbt periodically this
 * way for incremental builds (the facts are incremental, so a build after a batch of events takes
 * seconds). While the file is held elsewhere, dbt fails and this throws `CORE_DBT_FAILED` with
 * `retryable: true` and `details.locked: true`. Snowflake has no such limit.
 *
 * @param options - command, project, target, database file, environment, output and cancellation
 * @returns the run's summary (warnings included; any failure throws)
 * @throws {@link OrderstreamError} `CORE_DBT_FAILED` when dbt exits non-zero (a model or test
 *   failed, the project did not parse, the database was locked) or cannot be started; `details`
 *   holds `exitCode`, `failures` (the failed nodes with dbt's messages), `summary` and the last
 *   output lines `tail`
 * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` for invalid options
 * @throws the signal's reason when aborted (dbt is stopped first)
 * @example
 * ```ts
 * await warehouse.close(); // release the DuckDB file
 * const summary = await runDbt({ args: ['build'], duckdbPath: './data/orderstream.duckdb' });
 * console.log(`${summary.models.passed} models, ${summary.tests.passed} tests in ${summary.elapsedSeconds}s`);
 * warehouse = await createDuckDbWarehouse({ path: './data/orderstream.duckdb' });
 * ```
 */
export async function runDbt(options: RunDbtOptions = {}): Promise<DbtRunSummary> {
  const resolved = resolveOptions('runDbt', runDbtOptionsSchema, options);
  const { signal, onLine, killGraceMs } = resolved;
  signal?.throwIfAborted();
  const projectDir = resolve(resolved.projectDir);
  if (!existsSync(join(projectDir, 'dbt_project.yml'))) {
    throw new OrderstreamError('CORE_DBT_FAILED', `${projectDir} is not a dbt project (no dbt_project.yml)`, {
      details: { projectDir },
    });
  }
  const executable = resolved.executable ?? defaultExecutable(resolved, projectDir);
  const env = childEnv(resolved, projectDir);
  const args = [
    ...withBusinessTimeZone(resolved.args, resolved.businessTimeZone),
    ...(resolved.target === undefined ? [] : ['--target', resolved.target]),
  ];
  const runResultsPath = join(resolve(projectDir, env.DBT_TARGET_PATH ?? 'target'), 'run_results.json');

  const tail: string[] = [];
  let locked = false;
  const before = await stampOf(runResultsPath);
  const started = performance.now();

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolveExit, rejectExit) => {
      const child = spawn(executable, args, { cwd: projectDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let killTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        child.kill('SIGTERM');
        killTimer = setTimeout(() => child.kill('SIGKILL'), killGraceMs);
        killTimer.unref();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const pipe = (stream: NodeJS.ReadableStream, name: DbtOutputStream) => {
        createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
          tail.push(line);
          if (tail.length > TAIL_LINES) tail.shift();
          if (LOCK_CONFLICT.test(line)) locked = true;
          onLine?.(line, name);
        });
      };
      pipe(child.stdout, 'stdout');
      pipe(child.stderr, 'stderr');
      child.once('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        rejectExit(
          new OrderstreamError(
            'CORE_DBT_FAILED',
            `Could not start dbt (${executable}): ${error.message}. Create the Python venv with scripts/pyenv.sh or set DBT_EXECUTABLE`,
            { cause: error, details: { executable, args } },
          ),
        );
      });
      child.once('close', (code, exitSignal) => {
        signal?.removeEventListener('abort', onAbort);
        if (killTimer !== undefined) clearTimeout(killTimer);
        resolveExit({ code, signal: exitSignal });
      });
    },
  );
  signal?.throwIfAborted();

  const wallSeconds = (performance.now() - started) / 1000;
  const json = await readRunResults(runResultsPath, before);
  const summary: DbtRunSummary = {
    ...summarizeRunResults(json, resolved.args[0] ?? 'dbt', wallSeconds),
    runResultsPath: json === undefined ? null : runResultsPath,
  };
  if (exit.code === 0) return summary;

  const failures = summary.nodes.filter((node) => isFailedStatus(node.status));
  const what =
    failures.length > 0
      ? `${failures.length} node(s) failed: ${failures
          .slice(0, 10)
          .map((node) => node.uniqueId)
          .join(', ')}${failures.length > 10 ? ', …' : ''}`
      : locked
        ? 'the DuckDB file is held open by another process (close the warehouse before running dbt)'
        : (tail.at(-1) ?? 'no output');
  throw new OrderstreamError(
    'CORE_DBT_FAILED',
    `dbt ${args.join(' ')} failed (exit ${exit.code ?? exit.signal}): ${what}`,
    {
      retryable: locked,
      details: {
        exitCode: exit.code,
        exitSignal: exit.signal,
        args,
        locked,
        failures,
        summary,
        tail: [...tail],
      },
    },
  );
}
