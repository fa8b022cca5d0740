import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOlistDataset } from '@orderstream/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../test/support/free-port.js';
import { USER_ERROR_CASES } from './user-error-cases.js';

// The first hour of a new user (issue 22): every way off the happy path ends fast, in one line
// with a code, and leaves nothing running; one Ctrl-C stops the demo in every start-up phase.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The CLI as `npm run demo` starts it: its prebuilt entry, the TypeScript loader on demand. */
const CLI = join(ROOT, 'examples/pipeline/bin/orderstream.mjs');
const KAFKA_LIBS = join(ROOT, '.cache/kafka/libs');

/**
 * How long a failing command may take: a hang detector, not a speed target (the target, a user
 * error exits within 2 s, is measured by bench/cli.ts). The CLI checks its options before it loads
 * any package, in under a second on a quiet machine; a loaded CI machine may take several times that.
 */
const FAIL_FAST_MS = 10_000;
/** The promise of issue 22: after one Ctrl-C, the demo has stopped everything within 10 s. */
const STOP_MS = 10_000;

let dir: string;
let cwd: string;
let port: Server;
let takenPort: number;

/** A child CLI run: its process group, output and exit. */
interface Run {
  child: ChildProcess;
  output: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; at: number }>;
}

function start(args: string[], env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, ['--conditions=@orderstream/source', CLI, ...args], {
    cwd,
    env,
    // Its own process group: whatever it starts (a broker, dbt, worker threads' children) is in
    // it, so "nothing left running" is checked on the whole group.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = {
    child,
    output: [],
    stderr: [],
    exited: new Promise((done) => child.once('exit', (code) => done({ code, at: Date.now() }))),
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => run.output.push(...lines(chunk)));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    run.stderr.push(...lines(chunk));
    run.output.push(...lines(chunk));
  });
  return run;
}

const lines = (chunk: string) => chunk.split('\n').filter((line) => line.trim().length > 0);

/** Whether any process of the group led by `pid` is still alive. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForGroupGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return !groupAlive(pid);
}

/** The pids of the group's processes whose command line matches. */
async function groupProcesses(pgid: number, command: RegExp): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 5 of /proc/PID/stat (after the parenthesised command) is the process group.
    const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    if (group !== pgid) continue;
    const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
    if (command.test(cmdline)) pids.push(Number(entry));
  }
  return pids;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The run's exit, or `code: null` once it has run 5 s past the stop promise: its whole process
 * group is then killed, so that a failing test leaves nothing running.
 */
async function exitOrGiveUp(run: Run): Promise<{ code: number | null; at: number }> {
  const exit = await Promise.race([
    run.exited,
    new Promise<{ code: null; at: number }>((done) =>
      setTimeout(() => done({ code: null, at: Date.now() }), STOP_MS + 5_000),
    ),
  ]);
  if (exit.code === null) process.kill(-(run.child.pid as number), 'SIGKILL');
  return exit;
}

async function waitForLine(run: Run, pattern: RegExp, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!run.output.some((line) => pattern.test(line))) {
    if (run.child.exitCode !== null)
      throw new Error(`exited ${run.child.exitCode}\n${run.output.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`no line ${pattern} after ${ms} ms\n${run.output.join('\n')}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * The environment of a demo that would start its own broker: no KAFKA_BROKERS, a private
 * scripts/kafka.sh cache (the fetched jars linked in) and free ports, so the broker it starts, if
 * any, is its own and visible by its pid file.
 */
async function ownBrokerEnv(name: string): Promise<{ env: NodeJS.ProcessEnv; pidFile: string }> {
  const cache = join(dir, `kafka-${name}`);
  await mkdir(cache, { recursive: true });
  if (existsSync(KAFKA_LIBS)) await symlink(KAFKA_LIBS, join(cache, 'libs'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_HOME_CACHE: cache,
    KAFKA_PORT: String(await freePort()),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
  };
  delete env.KAFKA_BROKERS;
  return { env, pidFile: join(cache, 'kafka.pid') };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-first-hour-'));
  cwd = join(dir, 'cwd');
  await mkdir(cwd);
  await writeFile(join(dir, 'a-file'), 'not a folder\n');
  port = createServer();
  await new Promise<void>((done) => port.listen(0, '127.0.0.1', done));
  takenPort = (port.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((done) => port?.close(done));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a command that cannot start fails fast, in one line with a code, and leaves nothing running', () => {
  for (const testCase of USER_ERROR_CASES) {
    it(testCase.name, async () => {
      const { env, pidFile } = await ownBrokerEnv(testCase.name.replace(/\W+/g, '-'));
      const began = Date.now();
      const args = testCase.args({ takenPort, aFile: join(dir, 'a-file') });
      // A free dashboard port unless the case is about it: 8501 may be another program's.
      if (args[0] === 'demo' && !args.includes('--port')) args.push('--port', String(await freePort()));
      const run = start(args, { ...env, ...testCase.env });
      const { code, at } = await Promise.race([
        run.exited,
        new Promise<never>((_, fail) =>
          setTimeout(
            () => fail(new Error(`still running after ${FAIL_FAST_MS} ms\n${run.output.join('\n')}`)),
            FAIL_FAST_MS,
          ),
        ),
      ]);
      const what = `${testCase.name} (${at - began} ms):\n${run.output.join('\n')}`;
      expect(code, what).not.toBe(0);
      expect(code, what).not.toBeNull();
      expect(run.stderr, what).toHaveLength(1);
      expect(run.stderr[0], what).toMatch(/^error CLI_[A-Z_]+: .+ — fix: .+/);
      expect(run.stderr[0], what).toMatch(testCase.code);
      expect(run.output.join('\n'), what).not.toMatch(/^\s+at /m);
      // Nothing started: no broker (its pid file), no data generated, no process of its group.
      expect(existsSync(pidFile), what).toBe(false);
      expect(existsSync(join(cwd, 'data', 'orderstream.duckdb')), what).toBe(false);
      expect(await waitForGroupGone(run.child.pid as number, 2_000), what).toBe(true);
    });
  }

  it('--help and --version touch nothing', async () => {
    const { env, pidFile } = await ownBrokerEnv('help');
    for (const args of [['demo', '--help'], ['--version'], ['--help']]) {
      const run = start(args, env);
      const { code } = await run.exited;
      expect(code, run.output.join('\n')).toBe(0);
      expect(existsSync(pidFile)).toBe(false);
      expect(existsSync(join(cwd, 'data'))).toBe(false);
    }
  });
});

describe('one Ctrl-C stops the demo in every start-up phase: exit 130 within 10 s, nothing left running', () => {
  let history: string;

  beforeAll(async () => {
    history = join(dir, 'history');
    await generateOlistDataset({ outDir: history, orders: 20_000, seed: 5 });
  }, 120_000);

  const interrupt = async (run: Run, phase: RegExp, delayMs = 0) => {
    await waitForLine(run, phase, 120_000);
    await new Promise((done) => setTimeout(done, delayMs));
    const sent = Date.now();
    run.child.kill('SIGINT');
    const { code, at } = await exitOrGiveUp(run);
    const what = `${phase} (stopped ${at - sent} ms after SIGINT):\n${run.output.join('\n')}`;
    expect(code, what).toBe(130);
    expect(at - sent, what).toBeLessThanOrEqual(STOP_MS);
    expect(run.output.join('\n'), what).not.toMatch(/DOMException|AbortError|^\s+at /m);
    expect(await waitForGroupGone(run.child.pid as number, 2_000), what).toBe(true);
    return what;
  };

  const demoArgs = async (...extra: string[]) => [
    'demo',
    '--port',
    String(await freePort()),
    '--warehouse',
    `duckdb:${join(dir, `w-${Date.now()}.duckdb`)}`,
    '--rate',
    '5',
    ...extra,
  ];
  const sharedBroker = () => ({ ...process.env, KAFKA_BROKERS: inject('kafkaBrokers') });

  it('while the local broker starts: the broker it launched is stopped too', async () => {
    if (!existsSync(join(KAFKA_LIBS, '.fetched'))) return; // no jars: nothing to start quickly
    const { env, pidFile } = await ownBrokerEnv('starting');
    const run = start(await demoArgs('--no-dbt', '--data', history), env);
    // Let the script launch the JVM (its pid file appears), then interrupt.
    await waitForLine(run, /kafka: starting the local broker/, 60_000);
    const deadline = Date.now() + 60_000;
    while (!existsSync(pidFile) && Date.now() < deadline && run.child.exitCode === null) {
      await new Promise((done) => setTimeout(done, 100));
    }
    const brokerPid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    expect(brokerPid, run.output.join('\n')).toBeGreaterThan(0);
    const what = await interrupt(run, /kafka: starting the local broker/);
    expect(pidAlive(brokerPid), what).toBe(false);
  }, 180_000);

  it('while generating the history', async () => {
    const run = start(
      await demoArgs('--no-dbt', '--orders', '30000', '--seed', String(Date.now() % 100_000)),
      sharedBroker(),
    );
    await interrupt(run, /history: generating/, 300);
    // The partial history is removed: the next run generates it again instead of loading half.
    const data = join(cwd, 'data');
    const leftovers = existsSync(data) ? await readdir(data) : [];
    expect(leftovers.filter((name) => /olist-30000/.test(name))).toEqual([]);
  }, 180_000);

  it('while loading the history', async () => {
    const run = start(await demoArgs('--no-dbt', '--data', history), sharedBroker());
    await interrupt(run, /history: loading/, 200);
  }, 180_000);

  it('while dbt builds: dbt itself is stopped', async () => {
    const run = start(await demoArgs('--data', history), sharedBroker());
    await waitForLine(run, /dbt: building/, 120_000);
    // Wait for the dbt process itself (not only the copy before it), then interrupt.
    const deadline = Date.now() + 120_000;
    let dbt: number[] = [];
    while (dbt.length === 0 && Date.now() < deadline && run.child.exitCode === null) {
      dbt = await groupProcesses(run.child.pid as number, /\/bin\/dbt\b/);
      if (dbt.length === 0) await new Promise((done) => setTimeout(done, 100));
    }
    expect(dbt.length, run.output.join('\n')).toBeGreaterThan(0);
    const what = await interrupt(run, /dbt: building/);
    for (const pid of dbt) expect(pidAlive(pid), what).toBe(false);
  }, 240_000);

  it('while the stream starts', async () => {
    const run = start(await demoArgs('--no-dbt', '--data', history), sharedBroker());
    await interrupt(run, /stream: starting/);
  }, 180_000);
});

describe('produce stops on the first signal while its brokers cannot be reached', () => {
  it('exits within 10 s with "Stopped while connecting", nothing sent, nothing left running', async () => {
    // kafkajs keeps trying unreachable brokers for about a minute; a stopping producer must not wait.
    const run = start(['produce', '--topic', 'orders', '--count', '5'], {
      ...process.env,
      KAFKA_BROKERS: '127.0.0.1:1',
    });
    await waitForLine(run, /^seed \d+/, 60_000);
    await new Promise((done) => setTimeout(done, 500));
    const sent = Date.now();
    run.child.kill('SIGTERM');
    const { code, at } = await exitOrGiveUp(run);
    const what = `stopped ${at - sent} ms after SIGTERM:\n${run.output.join('\n')}`;
    expect(code, what).toBe(1);
    expect(at - sent, what).toBeLessThanOrEqual(STOP_MS);
    expect(run.stderr.at(-1), what).toMatch(/^error KAFKA_CONNECTION_FAILED: Stopped while connecting/);
    expect(run.output.join('\n'), what).not.toMatch(/^\s+at /m);
    expect(await waitForGroupGone(run.child.pid as number, 2_000), what).toBe(true);
  }, 90_000);
});
