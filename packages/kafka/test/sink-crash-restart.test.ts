import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createOrderEventStream } from '@orderstream/core';
import { createOrderProducer } from '@orderstream/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { brokers, defined, freshTopics, tempWarehouse, uniqueName, waitFor } from './support/kit.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const N = 30_000;

interface SinkChild {
  readonly child: ChildProcess;
  /** Rows reported by the child's `--json` flush lines (each printed after its commit). */
  rows(): number;
  exited: Promise<number | null>;
  stderr(): string;
}

function startSinkChild(args: string[]): SinkChild {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@orderstream/source',
      '--import',
      'tsx',
      'examples/pipeline/src/cli.ts',
      'sink',
      '--json',
      ...args,
    ],
    {
      cwd: root,
      env: { ...process.env, KAFKA_BROKERS: brokers().join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let rows = 0;
  let stderr = '';
  createInterface({ input: defined(child.stdout, 'child stdout') }).on('line', (line) => {
    const event = JSON.parse(line) as { type: string; rows: number };
    if (event.type === 'flush') rows += event.rows;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, rows: () => rows, exited, stderr: () => stderr };
}

describe('sink process killed with SIGKILL mid-stream', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('restarts from the warehouse offsets: no loss, no duplicate', async () => {
    const { topic, dlq } = await freshTopics(3);
    const { path, reopen, dispose, warehouse: setupWarehouse } = await tempWarehouse();
    cleanups.push(dispose);
    await setupWarehouse.close();
    const producer = createOrderProducer({ brokers: brokers(), topic });
    await producer.sendStream(createOrderEventStream({ seed: 5, limit: N }));
    await producer.disconnect();

    const group = uniqueName('it-crash');
    const args = [
      '--warehouse',
      `duckdb:${path}`,
      '--group',
      group,
      '--topic',
      topic,
      '--dlq',
      dlq,
      '--flush-records',
      '500',
    ];

    const first = startSinkChild(args);
    cleanups.push(async () => void first.child.kill('SIGKILL'));
    await waitFor(() => first.rows() >= 3_000, 90_000, 'the first sink to write 3000 rows');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    // Whatever the kill interrupted, rows and offsets are consistent: per partition, the rows are
    // exactly offsets 0..next-1.
    const afterKill = await reopen();
    const stored = await afterKill.readOffsets(group, topic);
    const perPartition = await afterKill.query<{ p: number; n: number; hi: number }>(
      `SELECT kafka_partition AS p, count(*)::BIGINT AS n, max(kafka_offset)::BIGINT AS hi
         FROM ${afterKill.qualify('raw_order_events')} GROUP BY 1`,
    );
    let rowsAtKill = 0;
    for (const offset of stored) {
      const row = perPartition.find((r) => Number(r.p) === offset.partition);
      expect(Number(row?.n ?? 0)).toBe(Number(offset.nextOffset));
      if (row) expect(Number(row.hi)).toBe(Number(offset.nextOffset) - 1);
      rowsAtKill += Number(row?.n ?? 0);
    }
    expect(rowsAtKill).toBeGreaterThanOrEqual(first.rows());
    expect(rowsAtKill).toBeLessThan(N);
    await afterKill.close();

    const second = startSinkChild(args);
    cleanups.push(async () => void second.child.kill('SIGKILL'));
    await waitFor(() => second.rows() >= N - rowsAtKill, 90_000, 'the restarted sink to write the rest');
    second.child.kill('SIGTERM');
    expect(await second.exited, second.stderr()).toBe(0);
    // The restarted sink wrote exactly the rows the first one had not committed.
    expect(second.rows()).toBe(N - rowsAtKill);

    const final = await reopen();
    const [totals] = await final.query<{ n: number; d: number }>(
      `SELECT count(*)::BIGINT AS n, count(DISTINCT event_id)::BIGINT AS d FROM ${final.qualify('raw_order_events')}`,
    );
    expect(Number(totals?.n)).toBe(N);
    expect(Number(totals?.d)).toBe(N);
    const [dupes] = await final.query<{ n: number }>(
      `SELECT count(*)::BIGINT AS n FROM (SELECT kafka_partition, kafka_offset FROM ${final.qualify('raw_order_events')}
         GROUP BY 1, 2 HAVING count(*) > 1)`,
    );
    expect(Number(dupes?.n)).toBe(0);
  });
});
