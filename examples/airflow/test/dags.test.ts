import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOlistDataset } from '@orderstream/core';
import { ensureTopics } from '@orderstream/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createProgram } from '../../pipeline/src/cli.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
const DAGS = join(ROOT, 'examples/airflow/dags');

interface TaskInfo {
  operator: string;
  upstream: string[];
  downstream: string[];
  bash_command: string | null;
  cwd: string | null;
  retries: number;
  has_failure_callback: boolean;
}
interface DagInfo {
  schedule: string | { seconds: number };
  timetable: string;
  cron: string | null;
  catchup: boolean;
  max_active_runs: number;
  max_active_tasks: number;
  tasks: Record<string, TaskInfo>;
}
interface DagBagReport {
  airflow: string;
  import_errors: Record<string, string>;
  dags: Record<string, DagInfo>;
}

function run(
  file: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { maxBuffer: 16 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
let python: string;
let bag: DagBagReport;

/** Loads a DAG folder into Airflow's DagBag in a throw-away AIRFLOW_HOME. */
async function loadDagBag(folder: string, home: string | undefined): Promise<DagBagReport> {
  const out = join(dir, `dagbag-${randomBytes(4).toString('hex')}.json`);
  const loaded = await run(python, [join(ROOT, 'examples/airflow/test/inspect_dags.py'), folder, out], {
    env: { ...process.env, AIRFLOW_HOME: join(dir, 'airflow-home'), ORDERSTREAM_HOME: home ?? '' },
    timeout: 120_000,
  });
  if (loaded.code !== 0) throw new Error(`DagBag failed:\n${loaded.stdout}\n${loaded.stderr}`);
  return JSON.parse(await readFile(out, 'utf8')) as DagBagReport;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-airflow-it-'));
  // setup.sh installed it already; this only checks the stamp (or installs on a bare checkout).
  const env = await run('bash', [join(ROOT, 'scripts/airflow-env.sh')], { timeout: 600_000 });
  if (env.code !== 0) throw new Error(`scripts/airflow-env.sh failed:\n${env.stderr}`);
  python = join(env.stdout.trim(), 'bin/python');
  bag = await loadDagBag(DAGS, undefined);
}, 700_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The `orderstream` sub-command and options a task's command line calls, checked against the CLI. */
function cliCall(command: string): { name: string; flags: string[] } {
  const match = /npm run --silent orderstream -- (\S+)(.*)$/.exec(command);
  if (!match?.[1]) throw new Error(`not an orderstream call: ${command}`);
  return {
    name: match[1],
    flags: [...(match[2] ?? '').matchAll(/(--[a-z][a-z-]*)/g)].map((m) => m[1] ?? ''),
  };
}

describe('the Airflow DAGs', () => {
  it('import into a DagBag of Airflow 3 with no import errors', () => {
    expect(bag.airflow).toMatch(/^3\./);
    expect(bag.import_errors).toEqual({});
    expect(Object.keys(bag.dags).sort()).toEqual(['orderstream_daily_etl', 'orderstream_monitor']);
  });

  it('fail to import with a message naming ORDERSTREAM_HOME when copied elsewhere without it', async () => {
    const copy = join(dir, 'copied-dags');
    await cp(DAGS, copy, { recursive: true, filter: (src) => !src.includes('__pycache__') });
    const unset = await loadDagBag(copy, undefined);
    expect(Object.keys(unset.dags)).toEqual([]);
    expect(Object.keys(unset.import_errors).sort()).toEqual([
      'orderstream_daily_etl.py',
      'orderstream_monitor.py',
    ]);
    for (const message of Object.values(unset.import_errors))
      expect(message).toContain('set ORDERSTREAM_HOME');
    const set = await loadDagBag(copy, ROOT);
    expect(set.import_errors).toEqual({});
    expect(set.dags.orderstream_monitor?.tasks.check_lag?.cwd).toBe(ROOT);
  });

  it('chain the daily ETL: check files → load history → dbt build → quality checks, daily, no catch-up', () => {
    const dag = bag.dags.orderstream_daily_etl as DagInfo;
    expect(dag).toMatchObject({ schedule: '@daily', cron: '0 0 * * *', catchup: false, max_active_runs: 1 });
    const order = ['check_files', 'load_history', 'dbt_build', 'quality_checks'];
    expect(Object.keys(dag.tasks).sort()).toEqual([...order].sort());
    order.forEach((id, i) => {
      expect(dag.tasks[id]?.upstream, id).toEqual(i === 0 ? [] : [order[i - 1]]);
      expect(dag.tasks[id]?.downstream, id).toEqual(i === order.length - 1 ? [] : [order[i + 1]]);
      expect(dag.tasks[id]?.cwd, id).toBe(ROOT);
    });
    expect(dag.tasks.dbt_build?.bash_command).toBe('npm run --silent dbt -- build');
    expect(dag.tasks.quality_checks?.bash_command).toBe('npm run --silent dbt -- test');
  });

  it('run the monitor every 5 minutes: three independent checks, one at a time, alerting on failure', () => {
    const dag = bag.dags.orderstream_monitor as DagInfo;
    expect(dag).toMatchObject({
      schedule: { seconds: 300 },
      catchup: false,
      max_active_runs: 1,
      max_active_tasks: 1,
    });
    const rules = { check_freshness: 'freshness', check_dead_letters: 'dead-letters', check_lag: 'lag' };
    expect(Object.keys(dag.tasks).sort()).toEqual(Object.keys(rules).sort());
    for (const [id, rule] of Object.entries(rules)) {
      const task = dag.tasks[id] as TaskInfo;
      expect(task).toMatchObject({ upstream: [], downstream: [], retries: 0, has_failure_callback: true });
      expect(task.bash_command).toContain(`orderstream -- health `);
      expect(task.bash_command).toContain(`--rule ${rule} `);
    }
  });

  it('call only commands and options the orderstream CLI has, through the root npm scripts', async () => {
    const program = createProgram();
    const calls = Object.values(bag.dags)
      .flatMap((dag) => Object.values(dag.tasks))
      .map((task) => task.bash_command ?? '')
      .filter((command) => command.includes('orderstream --'));
    expect(calls.length).toBe(5);
    for (const command of calls) {
      const { name, flags } = cliCall(command);
      const sub = program.commands.find((c) => c.name() === name);
      expect(sub, command).toBeDefined();
      const known = new Set(sub?.options.map((o) => o.long));
      for (const flag of flags) expect(known.has(flag), `${name} ${flag}`).toBe(true);
    }
    const { scripts } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.orderstream).toContain('examples/pipeline/bin/orderstream.mjs');
    expect(scripts.dbt).toBe('bash scripts/dbt.sh');
  });
});

describe('the DAG tasks’ own command lines, run as the worker would (bash, task cwd, environment)', () => {
  const topic = `it-airflow-${randomBytes(4).toString('hex')}`;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const data = join(dir, 'olist');
    await generateOlistDataset({ outDir: data, orders: 300, seed: 7 });
    await ensureTopics({
      brokers: inject('kafkaBrokers').split(','),
      ordersTopic: topic,
      deadLetterTopic: `${topic}.dlq`,
    });
    env = {
      ...process.env,
      KAFKA_BROKERS: inject('kafkaBrokers'),
      ORDERSTREAM_DATA_DIR: data,
      ORDERSTREAM_WAREHOUSE: `duckdb:${join(dir, 'w.duckdb')}`,
      ORDERSTREAM_HEALTH_ARGS: `--topic ${topic} --dlq ${topic}.dlq --group ${topic}-sink`,
    };
  });

  const task = (dag: string, id: string) => bag.dags[dag]?.tasks[id] as TaskInfo;
  const runTask = (dag: string, id: string) =>
    run('bash', ['-c', task(dag, id).bash_command ?? 'false'], {
      cwd: task(dag, id).cwd ?? ROOT,
      env,
      timeout: 120_000,
    });

  it('check_files then load_history succeed on a generated Olist folder', async () => {
    const check = await runTask('orderstream_daily_etl', 'check_files');
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/total .* ok/);
    const load = await runTask('orderstream_daily_etl', 'load_history');
    expect(load.code, load.stdout + load.stderr).toBe(0);
  });

  it('check_freshness fails (nothing streamed) while check_dead_letters and check_lag pass', async () => {
    const freshness = await runTask('orderstream_monitor', 'check_freshness');
    expect(freshness.code, freshness.stdout + freshness.stderr).toBe(1);
    expect(freshness.stdout).toContain('health.freshness     FAILING');
    const deadLetters = await runTask('orderstream_monitor', 'check_dead_letters');
    expect(deadLetters.code, deadLetters.stdout + deadLetters.stderr).toBe(0);
    const lag = await runTask('orderstream_monitor', 'check_lag');
    expect(lag.code, lag.stdout + lag.stderr).toBe(0);
    expect(lag.stdout).toContain('healthy');
  });
});
