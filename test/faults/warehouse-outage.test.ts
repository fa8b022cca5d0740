import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '@orderstream/duckdb';
import { createKafkaJsClientFactory, createOrderProducer } from '@orderstream/kafka';
import { createSnowflakeWarehouse } from '@orderstream/snowflake';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ChildEvent, JsonChild } from './support/child.js';
import { spawnSinkProcess, spawnTs, stopChild, waitFor } from './support/child.js';
import { createTopics, runSeed, uniqueName } from './support/kafka.js';
import { offsetMismatches, warehouseTotals } from './support/reconcile.js';
import { FaultReport } from './support/report.js';
import { startOwnFakesnow } from './support/services.js';
import { faultScale } from './support/size.js';
import { countedEvents, SourceTotals } from './support/source.js';

const scale = faultScale();
const brokers = () => inject('kafkaBrokers').split(',');
const MiB = 1024 * 1024;
/** The sink's buffer budget in these tests (`maxBufferedBytes`). */
const BUFFER_BUDGET = 8 * MiB;
/** The sink process's memory budget: a Node process with kafkajs, a warehouse driver and tsx. */
const RSS_BUDGET = 512 * MiB;
const HEAP_BUDGET = 256 * MiB;
/** Retries enough to outlast the outage with the backoff capped at 5 s. */
const RETRY_OPTIONS = { retries: 30, retryMinTimeoutMs: 200, retryMaxTimeoutMs: 5_000 };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Peak memory and buffer figures of the `memory` lines printed within [from, to]. */
function peaks(events: readonly ChildEvent[], from: number, to: number) {
  const lines = events.filter((e) => e.type === 'memory' && Number(e.at) >= from && Number(e.at) <= to);
  const max = (key: string) => Math.max(0, ...lines.map((e) => Number(e[key])));
  return {
    samples: lines.length,
    rss: max('rss'),
    heapUsed: max('heapUsed'),
    bufferedBytes: max('bufferedBytes'),
    bufferedRecords: max('bufferedRecords'),
    pausedSamples: lines.filter((e) => Number(e.pausedPartitions) > 0).length,
  };
}

function paced(
  topic: string,
  orders: number,
  durationMs: number,
  source: SourceTotals,
  brokerList: string[],
) {
  const producer = createOrderProducer({
    clientFactory: createKafkaJsClientFactory({ brokers: brokerList, logLevel: 'nothing' }),
    topic,
    ratePerSecond: Math.ceil((orders * 1000) / durationMs),
  });
  const producing = producer.sendStream(countedEvents(runSeed(), orders, source));
  producing.catch(() => undefined);
  return { producer, producing, rate: producer.options.ratePerSecond ?? 0 };
}

describe(`fault: the warehouse unavailable for ${scale.warehouseDownMs / 1000} s (${scale.size})`, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('DuckDB locked by another process: the restarted sink retries with backoff, fetches nothing, stays in budget, loses nothing', async () => {
    const report = new FaultReport(
      `DuckDB file locked ${scale.warehouseDownMs / 1000} s, ${scale.warehouseOrders} orders`,
    );
    try {
      const { topic, dlq } = await createTopics(brokers(), 3);
      const dir = await mkdtemp(join(tmpdir(), 'orderstream-faults-lock-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const path = join(dir, 'warehouse.duckdb');
      const group = uniqueName('faults-lock');
      const children: JsonChild[] = [];
      cleanups.push(async () => {
        for (const c of children) c.child.kill('SIGKILL');
      });
      const sink = (migrate: boolean) => {
        const child = spawnSinkProcess(
          {
            topic,
            deadLetterTopic: dlq,
            groupId: group,
            migrate,
            warehouse: { kind: 'duckdb', path },
            sink: {
              flushMaxRecords: 1000,
              flushIntervalMs: 200,
              maxBufferedBytes: BUFFER_BUDGET,
              ...RETRY_OPTIONS,
            },
          },
          { KAFKA_BROKERS: brokers().join(',') },
        );
        children.push(child);
        return child;
      };

      const source = new SourceTotals();
      const { producer, producing } = paced(
        topic,
        scale.warehouseOrders,
        scale.warehouseDownMs + 20_000,
        source,
        brokers(),
      );
      cleanups.push(() => producer.disconnect());

      const first = sink(true);
      await waitFor(
        () => first.rows() >= scale.warehouseOrders / 5,
        120_000,
        'the first sink to commit a fifth',
      );
      // One process per DuckDB file: the sink is stopped (a deploy) and another tool takes the file.
      expect(await stopChild(first), first.stderr()).toBe(0);
      const holder = spawnTs('test/faults/support/hold-duckdb-lock.ts', [path]);
      children.push(holder);
      await waitFor(() => holder.events.some((e) => e.type === 'locked'), 60_000, 'the lock holder');
      const lockedAt = Date.now();
      report.injected(`sink stopped after ${first.rows()} rows; another process holds ${path} read-write`);

      const second = sink(false);
      // The outage counts from the sink's first failed attempt: a loaded machine may take seconds
      // to start a Node process and join the group.
      await waitFor(
        () => second.events.some((e) => e.type === 'error') || second.child.exitCode !== null,
        120_000,
        'the restarted sink to hit the lock',
      );
      const hitAt = Date.now();
      report.injected(`the restarted sink hit the lock ${seconds(hitAt - lockedAt)} after it was taken`);
      await new Promise((resolve) => setTimeout(resolve, scale.warehouseDownMs));
      const rowsWhileLocked = second.rows();
      expect(await stopChild(holder)).toBe(0);
      const releasedAt = Date.now();
      report.injected(
        `lock released after ${seconds(releasedAt - lockedAt)}; the restarted sink ran throughout`,
      );

      const { sent } = await producing;
      await waitFor(
        () => first.rows() + second.rows() >= scale.warehouseOrders || second.child.exitCode !== null,
        180_000,
        'the sink to catch up after the lock',
      );
      expect(second.child.exitCode, second.stderr()).toBeNull();
      const retried = second.events.filter((e) => e.type === 'error' && e.fatal === false);
      const codes = [...new Set(retried.map((e) => String(e.code)))];
      const during = peaks(second.events, hitAt, releasedAt);
      const firstCommitAfter = second.events.find((e) => e.type === 'flush');
      report.found(
        `while locked: ${retried.length} retries (${codes.join(', ') || 'none'}), ${rowsWhileLocked} rows committed, ` +
          `peak RSS ${(during.rss / MiB).toFixed(0)} MiB, heap ${(during.heapUsed / MiB).toFixed(0)} MiB, ` +
          `buffered ${(during.bufferedBytes / MiB).toFixed(1)} MiB (${during.samples} samples)`,
      );
      report.found(
        `first commit ${seconds(Number(firstCommitAfter?.at) - releasedAt)} after the release; producer sent ${sent}`,
      );
      expect(codes).toEqual(['DUCKDB_LOCKED']);
      expect(retried.length).toBeGreaterThanOrEqual(3);
      // Backoff: the retries spread out instead of hammering the file.
      const times = retried.map((e) => Number(e.at));
      expect(Math.max(...times.slice(1).map((t, i) => t - (times[i] ?? t)))).toBeGreaterThan(1_000);
      expect(rowsWhileLocked).toBe(0);
      expect(during.samples).toBeGreaterThan(0);
      expect(during.bufferedBytes).toBe(0);
      expect(during.rss).toBeLessThan(RSS_BUDGET);
      expect(during.heapUsed).toBeLessThan(HEAP_BUDGET);
      expect(await stopChild(second), second.stderr()).toBe(0);

      const warehouse = new DuckDbWarehouse({ path });
      cleanups.push(() => warehouse.close());
      const totals = await warehouseTotals(warehouse, topic);
      report.reconcile('source vs warehouse raw_order_events', source.summary(), totals);
      expect(await offsetMismatches(warehouse, group, topic)).toEqual([]);
      expect(totals).toMatchObject(source.summary());
      expect(totals.distinctRecords).toBe(scale.warehouseOrders);
    } finally {
      report.print();
    }
  });

  it('Snowflake (fakesnow) stopped mid-stream: the running sink waits out the outage without taking more records, stays in budget, loses nothing', async () => {
    const report = new FaultReport(
      `Snowflake emulator down ${scale.warehouseDownMs / 1000} s, ${scale.warehouseOrders} orders`,
    );
    try {
      const fakesnow = await startOwnFakesnow();
      cleanups.push(() => fakesnow.dispose());
      const schema = uniqueName('FAULTS').replaceAll('-', '_').toUpperCase();
      const env = {
        SNOWFLAKE_ACCOUNT: 'orderstream',
        SNOWFLAKE_USER: 'orderstream',
        // The emulator accepts any password; this one is not a secret.
        SNOWFLAKE_PASSWORD: 'emulator-password-not-a-secret',
        SNOWFLAKE_DATABASE: fakesnow.database,
        SNOWFLAKE_ACCESS_URL: fakesnow.address,
      };
      const connection = {
        account: env.SNOWFLAKE_ACCOUNT,
        username: env.SNOWFLAKE_USER,
        password: env.SNOWFLAKE_PASSWORD,
        database: env.SNOWFLAKE_DATABASE,
        accessUrl: env.SNOWFLAKE_ACCESS_URL,
      };
      const setup = await createSnowflakeWarehouse({ connection, schema });
      await setup.migrate();
      await setup.close();

      const { topic, dlq } = await createTopics(brokers(), 3);
      const group = uniqueName('faults-snowflake');
      const source = new SourceTotals();
      const { producer, producing, rate } = paced(
        topic,
        scale.warehouseOrders,
        scale.warehouseDownMs + 20_000,
        source,
        brokers(),
      );
      cleanups.push(() => producer.disconnect());
      const sink = spawnSinkProcess(
        {
          topic,
          deadLetterTopic: dlq,
          groupId: group,
          migrate: false,
          warehouse: { kind: 'snowflake', schema },
          sink: {
            flushMaxRecords: 1000,
            flushIntervalMs: 500,
            maxBufferedBytes: BUFFER_BUDGET,
            ...RETRY_OPTIONS,
          },
        },
        { KAFKA_BROKERS: brokers().join(','), ...env },
      );
      cleanups.push(async () => void sink.child.kill('SIGKILL'));

      await waitFor(
        () => sink.rows() >= scale.warehouseOrders / 5,
        120_000,
        'a fifth of the stream in Snowflake',
      );
      const stoppedAt = Date.now();
      await fakesnow.stop();
      const rowsAtStop = sink.rows();
      report.injected(`emulator stopped after ${rowsAtStop} rows committed`);
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, scale.warehouseDownMs - (Date.now() - stoppedAt))),
      );
      const rowsWhileDown = sink.rows() - rowsAtStop;
      await fakesnow.start();
      const restartedAt = Date.now();
      report.injected(`emulator restarted after ${seconds(restartedAt - stoppedAt)}`);

      const { sent } = await producing;
      await waitFor(
        () => sink.rows() >= scale.warehouseOrders || sink.child.exitCode !== null,
        240_000,
        'the sink to catch up after the outage',
      );
      for (const e of sink.events.filter((e) => e.type === 'error' || e.type === 'stopped').slice(-4))
        report.found(`sink ${e.type}: ${String(e.code)} ${String(e.message ?? '').slice(0, 300)}`);
      expect(sink.child.exitCode, sink.stderr()).toBeNull();
      const retried = sink.events.filter(
        (e) => e.type === 'error' && e.fatal === false && Number(e.at) >= stoppedAt,
      );
      const during = peaks(sink.events, stoppedAt, restartedAt);
      const firstCommitAfter = sink.events.find((e) => e.type === 'flush' && Number(e.at) >= restartedAt);
      report.found(
        `while down: ${retried.length} sink-level retries (${[...new Set(retried.map((e) => String(e.code)))].join(', ') || 'none: the driver retried by itself'}), ` +
          `${rowsWhileDown} rows committed, partitions paused by the sink in ${during.pausedSamples}/${during.samples} samples, ` +
          `peak RSS ${(during.rss / MiB).toFixed(0)} MiB, heap ${(during.heapUsed / MiB).toFixed(0)} MiB, ` +
          `buffered ${(during.bufferedBytes / MiB).toFixed(1)} MiB`,
      );
      report.found(
        `first commit ${seconds(Number(firstCommitAfter?.at) - restartedAt)} after the restart; producer sent ${sent}`,
      );
      // snowflake-sdk retries a request that cannot connect by itself, with backoff, so the flush
      // waits inside the driver (a sink-level retry shows only once it gives up, or for the session
      // the restarted server forgot, retried by the adapter). Either way the sink stops taking
      // records: in the second half of the outage it holds no more than it held in the first, while
      // the producer keeps sending. (Compared with what was produced meanwhile instead, the bound
      // failed on a loaded machine: a sink that lagged before the outage holds its backlog too.)
      const producedWhileDown = Math.round(((restartedAt - stoppedAt) / 1000) * rate);
      const midway = stoppedAt + (restartedAt - stoppedAt) / 2;
      const early = peaks(sink.events, stoppedAt, midway);
      const late = peaks(sink.events, midway, restartedAt);
      report.found(
        `produced while down ~${producedWhileDown} records; the sink buffered at most ${early.bufferedRecords} ` +
          `in the first half of the outage, ${late.bufferedRecords} in the second (${late.samples} samples)`,
      );
      expect(rowsWhileDown).toBe(0);
      expect(late.samples).toBeGreaterThan(0);
      expect(late.bufferedRecords, 'the sink kept taking records during the outage').toBeLessThanOrEqual(
        early.bufferedRecords,
      );
      expect(during.bufferedBytes).toBeLessThanOrEqual(BUFFER_BUDGET);
      expect(during.rss).toBeLessThan(RSS_BUDGET);
      expect(during.heapUsed).toBeLessThan(HEAP_BUDGET);
      expect(await stopChild(sink), sink.stderr()).toBe(0);

      const warehouse = await createSnowflakeWarehouse({ connection, schema });
      cleanups.push(() => warehouse.close());
      const totals = await warehouseTotals(warehouse, topic);
      report.reconcile('source vs Snowflake raw_order_events', source.summary(), totals);
      expect(await offsetMismatches(warehouse, group, topic)).toEqual([]);
      expect(totals).toMatchObject(source.summary());
      expect(totals.distinctRecords).toBe(scale.warehouseOrders);
    } finally {
      report.print();
    }
  });
});
