import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Warehouse } from '@orderstream/core';
import { createOrderEventStream, OrderstreamError } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import {
  createKafkaJsClientFactory,
  createOrderProducer,
  createOrderSink,
  ensureTopics,
} from '@orderstream/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../test/support/free-port.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'examples/pipeline/src/cli.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

const brokers = () => inject('kafkaBrokers').split(',');
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

interface HealthReport {
  healthy: boolean;
  findings: Array<{ rule: string; failing: boolean; observed: number }>;
}

const topic = unique('it-health');
const dlq = `${topic}.dlq`;
const group = unique('it-health-sink');
let dir: string;
let dbPath: string;

/** Runs `orderstream health --json …` as a child process, as cron or Airflow would. */
function health(...args: string[]): Promise<{ code: number; report: HealthReport; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        '--conditions=@orderstream/source',
        '--import',
        TSX,
        CLI,
        'health',
        '--json',
        '--warehouse',
        `duckdb:${dbPath}`,
        '--topic',
        topic,
        '--dlq',
        dlq,
        '--group',
        group,
        ...args,
      ],
      { cwd: ROOT, env: { ...process.env, KAFKA_BROKERS: inject('kafkaBrokers') }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        try {
          resolve({ code, report: JSON.parse(stdout) as HealthReport, stderr });
        } catch {
          reject(new Error(`health printed no JSON (exit ${code}): ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

const byRule = (report: HealthReport) => Object.fromEntries(report.findings.map((f) => [f.rule, f]));

async function produce(count: number, seed: number, to = topic): Promise<void> {
  const producer = createOrderProducer({ brokers: brokers(), topic: to });
  await producer.send([...createOrderEventStream({ seed, limit: count })]);
  await producer.disconnect();
}

beforeAll(async () => {
  await ensureTopics({ brokers: brokers(), ordersTopic: topic, deadLetterTopic: dlq, partitions: 2 });
  dir = await mkdtemp(join(tmpdir(), 'orderstream-health-it-'));
  dbPath = join(dir, 'w.duckdb');
  const warehouse = await createDuckDbWarehouse({ path: dbPath, config: { threads: '2' } });
  await warehouse.migrate();
  await warehouse.close();
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('orderstream health', () => {
  it('exits 1 with only freshness failing before anything was streamed', async () => {
    const { code, report } = await health();
    expect(code).toBe(1);
    expect(report.healthy).toBe(false);
    const rules = byRule(report);
    expect(rules['health.freshness']?.failing).toBe(true);
    expect(rules['health.lag']).toMatchObject({ failing: false, observed: 0 });
    expect(rules['health.dead-letters']).toMatchObject({ failing: false, observed: 0 });
  });

  it('exits 0 once the sink has written fresh rows and committed everything', async () => {
    await produce(5, 31);
    const warehouse = await createDuckDbWarehouse({ path: dbPath, config: { threads: '2' } });
    const sink = createOrderSink({
      brokers: brokers(),
      topic,
      deadLetterTopic: dlq,
      groupId: group,
      warehouse,
      flushIntervalMs: 200,
    });
    await sink.start();
    const deadline = Date.now() + 60_000;
    while (sink.metrics().records < 5) {
      if (Date.now() > deadline) throw new Error(`sink wrote ${sink.metrics().records} of 5 rows`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await sink.stop();
    await warehouse.close();

    const { code, report } = await health();
    expect(report.findings.filter((f) => f.failing)).toEqual([]);
    expect(code).toBe(0);
    expect(byRule(report)['health.freshness']?.observed).toBeLessThan(120);
  });

  it('exits 1 on consumer lag above --max-lag, and --rule leaves the other rules out', async () => {
    await produce(4, 32);
    const lagging = await health('--max-lag', '3', '--rule', 'lag');
    expect(lagging.code).toBe(1);
    expect(lagging.report.findings).toEqual([expect.objectContaining({ rule: 'health.lag', observed: 4 })]);

    const others = await health('--max-lag', '3', '--rule', 'freshness', 'dead-letters');
    expect(others.code).toBe(0);
    expect(others.report.findings.map((f) => f.rule).sort()).toEqual([
      'health.dead-letters',
      'health.freshness',
    ]);
  });

  it('exits 1 when the dead-letter topic grew within the window', async () => {
    const producer = createKafkaJsClientFactory({
      brokers: brokers(),
      clientId: 'it-health',
      logLevel: 'nothing',
    }).producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: dlq, records: [{ key: 'poison', value: 'not json' }], compression: 'none' });
    await producer.disconnect();

    const { code, report } = await health('--rule', 'dead-letters');
    expect(code).toBe(1);
    expect(report.findings).toEqual([expect.objectContaining({ rule: 'health.dead-letters', observed: 1 })]);
  });
});

describe('orderstream health, beside a sink that restarts in a loop or runs', () => {
  it('says unhealthy while a sink restarts in a loop: no progress with lag, members joining, dead letters repeating', async () => {
    const loopTopic = unique('it-health-loop');
    const loopDlq = `${loopTopic}.dlq`;
    const loopGroup = unique('it-health-loop-sink');
    await ensureTopics({
      brokers: brokers(),
      ordersTopic: loopTopic,
      deadLetterTopic: loopDlq,
      partitions: 1,
    });
    await produce(5, 41, loopTopic);
    const raw = createKafkaJsClientFactory({ brokers: brokers(), logLevel: 'nothing' }).producer({
      idempotent: true,
    });
    await raw.connect();
    await raw.send({
      topic: loopTopic,
      records: [{ key: 'poison', value: 'not json' }],
      compression: 'none',
    });
    await raw.disconnect();

    // A warehouse that is there (offsets read) but refuses every write as a locked file does: the
    // sink dead-letters the poison, fails its write, stops; a supervisor starts it again, and again.
    const real = await createDuckDbWarehouse({ path: join(dir, 'loop.duckdb'), config: { threads: '1' } });
    await real.migrate();
    const locked: Warehouse = {
      dialect: real.dialect,
      migrate: () => real.migrate(),
      qualify: (table) => real.qualify(table),
      write: (writes) => real.write(writes),
      readOffsets: (groupId, t) => real.readOffsets(groupId, t),
      replaceTable: (table, batches, options) => real.replaceTable(table, batches, options),
      query: (sql, params) => real.query(sql, params),
      close: () => real.close(),
      writeWithOffsets: async () => {
        throw new OrderstreamError('DUCKDB_LOCKED', 'test: the database file is held by another process', {
          retryable: true,
        });
      },
    };
    let looping = true;
    let starts = 0;
    const loop = (async () => {
      while (looping) {
        const sink = createOrderSink({
          brokers: brokers(),
          topic: loopTopic,
          deadLetterTopic: loopDlq,
          groupId: loopGroup,
          warehouse: locked,
          flushIntervalMs: 100,
          retries: 0,
        });
        starts += 1;
        await sink.start().catch(() => undefined);
        await sink.wait().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    try {
      const { code, report } = await health(
        '--topic',
        loopTopic,
        '--dlq',
        loopDlq,
        '--group',
        loopGroup,
        '--rule',
        'lag',
        'progress',
        'restarts',
        'dead-letter-repeats',
        '--progress-window-s',
        '12',
        '--max-restarts',
        '2',
      );
      expect(starts).toBeGreaterThan(2);
      expect(code).toBe(1);
      expect(report.healthy).toBe(false);
      const rules = byRule(report);
      expect(rules['health.lag']).toMatchObject({ failing: false, observed: 6 });
      expect(rules['health.progress']).toMatchObject({ failing: true, observed: 0 });
      expect(rules['health.restarts']?.failing).toBe(true);
      expect(rules['health.restarts']?.observed).toBeGreaterThanOrEqual(2);
      expect(rules['health.dead-letter-repeats']).toMatchObject({ failing: true, observed: 1 });
    } finally {
      looping = false;
      await loop;
      await real.close();
    }
  });

  it('runs beside a running DuckDB sink, reading freshness from its metrics endpoint (no DUCKDB_LOCKED)', async () => {
    const liveTopic = unique('it-health-live');
    const liveDlq = `${liveTopic}.dlq`;
    const liveGroup = unique('it-health-live-sink');
    const livePath = join(dir, 'live.duckdb');
    await ensureTopics({
      brokers: brokers(),
      ordersTopic: liveTopic,
      deadLetterTopic: liveDlq,
      partitions: 2,
    });
    // A port the OS gave out (a random one could be another program's, failing the sink's start).
    const port = await freePort();
    const sink: ChildProcess = spawn(
      process.execPath,
      [
        '--conditions=@orderstream/source',
        '--import',
        TSX,
        CLI,
        'sink',
        '--warehouse',
        `duckdb:${livePath}`,
        '--topic',
        liveTopic,
        '--dlq',
        liveDlq,
        '--group',
        liveGroup,
        '--flush-interval-ms',
        '100',
        '--metrics-port',
        String(port),
      ],
      { cwd: ROOT, env: { ...process.env, KAFKA_BROKERS: inject('kafkaBrokers') }, stdio: 'pipe' },
    );
    let output = '';
    sink.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    sink.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((done) => sink.once('exit', (c) => done(c)));
    try {
      await produce(6, 51, liveTopic);
      const deadline = Date.now() + 90_000;
      for (;;) {
        if (sink.exitCode !== null) throw new Error(`the sink exited ${sink.exitCode}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`the sink wrote nothing in time:\n${output}`);
        const text = await fetch(`http://127.0.0.1:${port}/metrics`)
          .then((r) => r.text())
          .catch(() => '');
        if (/^orderstream_sink_records_total 6$/m.test(text)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      // The sink holds the file: opening it from here is refused.
      await expect(createDuckDbWarehouse({ path: livePath }).then((w) => w.open())).rejects.toMatchObject({
        code: 'DUCKDB_LOCKED',
      });

      const { code, report, stderr } = await health(
        '--warehouse',
        `duckdb:${livePath}`,
        '--sink-metrics',
        `http://127.0.0.1:${port}/metrics`,
        '--topic',
        liveTopic,
        '--dlq',
        liveDlq,
        '--group',
        liveGroup,
      );
      expect(stderr).not.toMatch(/DUCKDB_LOCKED/);
      expect(report.findings.filter((f) => f.failing)).toEqual([]);
      expect(code).toBe(0);
      expect(byRule(report)['health.freshness']?.observed).toBeLessThan(120);
      expect(byRule(report)['health.lag']).toMatchObject({ observed: 0 });
    } finally {
      sink.kill('SIGINT');
      expect(await exited, output).toBe(0);
    }
  });
});
