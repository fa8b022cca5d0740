import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '@orderstream/duckdb';
import { createOrderProducer } from '@orderstream/kafka';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { JsonChild } from './support/child.js';
import { spawnSinkProcess, stopChild, waitFor } from './support/child.js';
import { createTopics, runSeed, seededRandom, uniqueName } from './support/kafka.js';
import { martTotals, offsetMismatches, warehouseTotals } from './support/reconcile.js';
import { FaultReport } from './support/report.js';
import { faultScale } from './support/size.js';
import { countedEvents, SourceTotals } from './support/source.js';

const scale = faultScale();
const brokers = () => inject('kafkaBrokers').split(',');

describe(`fault: the sink process killed with SIGKILL (${scale.size})`, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it(`holds exactly the ${scale.killOrders} streamed orders, revenue to the cent, after ${scale.kills} kills at random moments`, async () => {
    const report = new FaultReport(`sink SIGKILL x${scale.kills}, ${scale.killOrders} orders`);
    const seed = runSeed();
    const random = seededRandom(seed);
    report.injected(`seed ${seed} (ORDERSTREAM_FAULTS_SEED=${seed} replays these moments)`);
    try {
      const { topic, dlq } = await createTopics(brokers(), 3);
      const dir = await mkdtemp(join(tmpdir(), 'orderstream-faults-kill-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const path = join(dir, 'warehouse.duckdb');
      const group = uniqueName('faults-kill');

      // The stream: paced so it lasts across all the kills; the sink keeps up when it runs.
      const rate = scale.size === 'full' ? 2_000 : 400;
      const source = new SourceTotals();
      const producer = createOrderProducer({ brokers: brokers(), topic, ratePerSecond: rate });
      cleanups.push(() => producer.disconnect());
      let produced = false;
      const producing = producer.sendStream(countedEvents(seed, scale.killOrders, source));
      producing.then(
        () => {
          produced = true;
        },
        () => undefined,
      );
      const streamMs = (scale.killOrders / rate) * 1000;

      // A killed member stays in the group until its session times out; a short session keeps
      // each restart within the stream.
      const sink = () =>
        spawnSinkProcess(
          {
            topic,
            deadLetterTopic: dlq,
            groupId: group,
            warehouse: { kind: 'duckdb', path },
            sink: {
              flushMaxRecords: 1000,
              flushIntervalMs: 200,
              sessionTimeoutMs: 6000,
              heartbeatIntervalMs: 1000,
            },
          },
          { KAFKA_BROKERS: brokers().join(',') },
        );
      const children: JsonChild[] = [];
      cleanups.push(async () => {
        for (const c of children) c.child.kill('SIGKILL');
      });

      let committed = 0;
      const started = Date.now();
      for (let kill = 1; kill <= scale.kills; kill++) {
        const child = sink();
        children.push(child);
        // A random moment in this child's share of the stream, once it consumes (a first commit),
        // or right after it started when the whole stream is already in.
        await waitFor(
          () =>
            child.rows() > 0 ||
            child.child.exitCode !== null ||
            (produced && committed === scale.killOrders && child.events.some((e) => e.type === 'started')),
          120_000,
          `sink #${kill} to commit rows`,
        );
        const delay = Math.round(random() * (streamMs / (scale.kills + 1)));
        await new Promise((resolve) => setTimeout(resolve, delay));
        child.child.kill('SIGKILL');
        expect(await child.exited).toBeNull();
        // Rows and offsets committed together: per partition, rows are exactly offsets 0..next-1.
        const warehouse = new DuckDbWarehouse({ path });
        const totals = await warehouseTotals(warehouse, topic);
        const mismatches = await offsetMismatches(warehouse, group, topic);
        await warehouse.close();
        expect(mismatches).toEqual([]);
        expect(totals.distinctRecords).toBe(totals.rows);
        expect(totals.rows).toBeGreaterThanOrEqual(committed + child.rows());
        report.injected(
          `SIGKILL #${kill} at ${((Date.now() - started) / 1000).toFixed(1)} s (${delay} ms after its first commit); ` +
            `warehouse then held ${totals.rows} rows (this process had reported ${child.rows()})`,
        );
        committed = totals.rows;
      }
      const { sent } = await producing;
      report.found(`producer sent ${sent} events at ~${rate}/s`);
      expect(sent).toBe(scale.killOrders);

      const last = sink();
      children.push(last);
      await waitFor(
        () =>
          (committed + last.rows() >= scale.killOrders && last.events.some((e) => e.type === 'started')) ||
          last.child.exitCode !== null,
        300_000,
        'the last sink to commit the rest',
      );
      expect(await stopChild(last), last.stderr()).toBe(0);
      report.found(`the restarted sink committed the remaining ${last.rows()} rows and stopped cleanly`);

      const warehouse = new DuckDbWarehouse({ path });
      cleanups.push(() => warehouse.close());
      const totals = await warehouseTotals(warehouse, topic);
      report.reconcile('source vs warehouse raw_order_events', source.summary(), totals);
      report.found(`offset/row mismatches: ${(await offsetMismatches(warehouse, group, topic)).length}`);
      expect(await offsetMismatches(warehouse, group, topic)).toEqual([]);
      expect({ ...totals, distinctRecords: totals.rows }).toEqual({
        ...source.summary(),
        distinctRecords: totals.rows,
      });
      expect(totals.distinctRecords).toBe(scale.killOrders);
      expect(totals.rows).toBe(scale.killOrders);

      // And what dbt makes of it: the star schema's in-stream orders and their revenue.
      await warehouse.close();
      const marts = await martTotals(path);
      report.found(`dbt build on the warehouse: ${marts.models}`);
      report.reconcileMarts('source vs dbt marts', source.marts(), marts);
      expect({ orders: marts.orders, revenue: marts.revenue }).toEqual(source.marts());
    } finally {
      report.print();
    }
  });
});
