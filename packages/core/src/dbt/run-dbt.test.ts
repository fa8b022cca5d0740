import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOrderstreamError } from '../errors/orderstream-error.js';
import type { DbtOutputStream } from './options.js';
import { runDbt } from './run-dbt.js';

// A stand-in for dbt: prints its argv and a few env vars, writes target/run_results.json as told
// by FAKE_DBT_RESULTS (JSON of [unique_id, status] pairs) and exits with FAKE_DBT_EXIT.
const FAKE_DBT = `#!/usr/bin/env node
const { mkdirSync, writeFileSync } = require('node:fs');
const args = process.argv.slice(2);
console.log('args=' + JSON.stringify(args));
console.log('profiles=' + process.env.DBT_PROFILES_DIR);
console.log('duckdb=' + (process.env.ORDERSTREAM_DUCKDB_PATH ?? ''));
console.log('colors=' + process.env.DBT_USE_COLORS);
if (process.env.FAKE_DBT_STDERR) console.error(process.env.FAKE_DBT_STDERR);
if (process.env.FAKE_DBT_SLEEP) setTimeout(() => {}, 60_000);
else {
  if (process.env.FAKE_DBT_RESULTS) {
    mkdirSync('target', { recursive: true });
    const results = JSON.parse(process.env.FAKE_DBT_RESULTS).map(([unique_id, status]) => ({
      unique_id, status, execution_time: 0.5, message: status === 'error' ? 'Catalog Error: boom' : null,
      failures: unique_id.startsWith('test.') ? (status === 'pass' ? 0 : 3) : null,
    }));
    writeFileSync('target/run_results.json', JSON.stringify({
      metadata: { invocation_id: 'inv-1' }, args: { which: args[0] }, elapsed_time: 4.25, results,
    }));
  }
  process.exitCode = Number(process.env.FAKE_DBT_EXIT ?? 0);
}
`;

describe('runDbt', () => {
  let dir: string;
  let project: string;
  let executable: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-dbt-'));
    project = join(dir, 'project');
    await mkdir(project);
    await writeFile(join(project, 'dbt_project.yml'), 'name: fake\n');
    executable = join(dir, 'fake-dbt.cjs');
    await writeFile(executable, FAKE_DBT);
    await chmod(executable, 0o755);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes args, target, profiles dir and an absolute DuckDB path, and streams the lines', async () => {
    const lines: [string, DbtOutputStream][] = [];
    await runDbt({
      projectDir: project,
      executable,
      args: ['build', '--select', 'marts'],
      target: 'duckdb',
      duckdbPath: 'relative/file.duckdb',
      env: { FAKE_DBT_STDERR: 'to stderr' },
      onLine: (line, stream) => lines.push([line, stream]),
    });
    expect(lines).toContainEqual([
      `args=${JSON.stringify([
        'build',
        '--select',
        'marts',
        '--vars',
        '{"business_time_zone":"America/Sao_Paulo"}',
        '--target',
        'duckdb',
      ])}`,
      'stdout',
    ]);
    expect(lines).toContainEqual([`profiles=${project}`, 'stdout']);
    expect(lines).toContainEqual([`duckdb=${join(process.cwd(), 'relative/file.duckdb')}`, 'stdout']);
    expect(lines).toContainEqual(['colors=false', 'stdout']);
    expect(lines).toContainEqual(['to stderr', 'stderr']);
  });

  it('passes the business time zone as a dbt var, merged into a JSON --vars and left out of deps', async () => {
    const argsOf = async (options: Parameters<typeof runDbt>[0]) => {
      const lines: string[] = [];
      await runDbt({ projectDir: project, executable, onLine: (line) => lines.push(line), ...options });
      return JSON.parse(lines.find((line) => line.startsWith('args='))?.slice('args='.length) ?? 'null');
    };
    expect(await argsOf({ args: ['run'], businessTimeZone: 'Europe/Berlin' })).toEqual([
      'run',
      '--vars',
      '{"business_time_zone":"Europe/Berlin"}',
    ]);
    expect(await argsOf({ args: ['build', '--vars', '{"days": 3}'], businessTimeZone: 'UTC' })).toEqual([
      'build',
      '--vars',
      '{"business_time_zone":"UTC","days":3}',
    ]);
    expect(await argsOf({ args: ['deps'] })).toEqual(['deps']);
    await expect(
      runDbt({ projectDir: project, executable, businessTimeZone: 'Not/AZone' }),
    ).rejects.toMatchObject({
      code: 'CORE_INVALID_OPTIONS',
    });
  });

  it('resolves with the counts of run_results.json', async () => {
    const results = [
      ['model.p.a', 'success'],
      ['model.p.b', 'success'],
      ['test.p.t1', 'pass'],
      ['test.p.t2', 'warn'],
      ['seed.p.s', 'success'],
    ];
    const summary = await runDbt({
      projectDir: project,
      executable,
      env: { FAKE_DBT_RESULTS: JSON.stringify(results) },
    });
    expect(summary.command).toBe('build');
    expect(summary.invocationId).toBe('inv-1');
    expect(summary.elapsedSeconds).toBe(4.25);
    expect(summary.models).toEqual({ total: 2, passed: 2, failed: 0, warned: 0, skipped: 0 });
    expect(summary.tests).toEqual({ total: 2, passed: 1, failed: 0, warned: 1, skipped: 0 });
    expect(summary.seeds.passed).toBe(1);
    expect(summary.nodes.find((node) => node.name === 't2')?.failures).toBe(3);
    expect(summary.runResultsPath).toBe(join(project, 'target', 'run_results.json'));
  });

  it('throws CORE_DBT_FAILED naming the failed nodes when dbt exits non-zero', async () => {
    const results = [
      ['model.p.a', 'error'],
      ['model.p.b', 'skipped'],
      ['test.p.t1', 'fail'],
    ];
    const error = await runDbt({
      projectDir: project,
      executable,
      env: { FAKE_DBT_RESULTS: JSON.stringify(results), FAKE_DBT_EXIT: '1' },
    }).catch((e: unknown) => e);
    expect(isOrderstreamError(error)).toBe(true);
    if (!isOrderstreamError(error)) return;
    expect(error.code).toBe('CORE_DBT_FAILED');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('model.p.a');
    expect(error.message).toContain('test.p.t1');
    const failures = error.details.failures as { uniqueId: string; message: string | null }[];
    expect(failures.map((node) => node.uniqueId)).toEqual(['model.p.a', 'test.p.t1']);
    expect(failures[0]?.message).toBe('Catalog Error: boom');
    expect(error.details.exitCode).toBe(1);
  });

  it('marks a DuckDB lock conflict as retryable', async () => {
    const error = await runDbt({
      projectDir: project,
      executable,
      env: { FAKE_DBT_STDERR: 'IO Error: Could not set lock on file "x.duckdb"', FAKE_DBT_EXIT: '2' },
    }).catch((e: unknown) => e);
    expect(isOrderstreamError(error) && error.code).toBe('CORE_DBT_FAILED');
    if (!isOrderstreamError(error)) return;
    expect(error.retryable).toBe(true);
    expect(error.details.locked).toBe(true);
  });

  it('ignores the run_results.json of the command just before (regression: read as its own)', async () => {
    await runDbt({
      projectDir: project,
      executable,
      env: { FAKE_DBT_RESULTS: JSON.stringify([['model.p.old', 'success']]) },
    });
    const summary = await runDbt({ projectDir: project, executable, args: ['source', 'freshness'] });
    expect(summary.runResultsPath).toBeNull();
    expect(summary.nodes).toEqual([]);
    expect(summary.command).toBe('source');
  });

  it('stops dbt and rejects with the reason when the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const started = performance.now();
    const run = runDbt({
      projectDir: project,
      executable,
      env: { FAKE_DBT_SLEEP: '1' },
      signal: controller.signal,
      onLine: (line) => {
        if (line.startsWith('colors=')) controller.abort(reason);
      },
    });
    await expect(run).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('throws CORE_DBT_FAILED when the executable does not exist', async () => {
    await expect(runDbt({ projectDir: project, executable: join(dir, 'no-such-dbt') })).rejects.toMatchObject(
      {
        code: 'CORE_DBT_FAILED',
      },
    );
  });

  it('throws CORE_DBT_FAILED when the folder is not a dbt project', async () => {
    await expect(runDbt({ projectDir: dir, executable })).rejects.toMatchObject({
      code: 'CORE_DBT_FAILED',
      message: expect.stringContaining('not a dbt project'),
    });
  });
});
