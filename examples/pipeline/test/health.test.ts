import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createOrderEventStream } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import {
  createKafkaJsClientFactory,
  createOrderProducer,
  createOrderSink,
  ensureTopics,
} from '@orderstream/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

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

async function produce(count: number, seed: number): Promise<void> {
  const producer = createOrderProducer({ brokers: brokers(), topic });
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
