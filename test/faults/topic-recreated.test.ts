import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '@orderstream/duckdb';
import { createOrderProducer } from '@orderstream/kafka';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { JsonChild } from './support/child.js';
import { spawnSinkProcess, stopChild, waitFor } from './support/child.js';
import { createTopics, deleteTopic, uniqueName } from './support/kafka.js';
import { warehouseTotals } from './support/reconcile.js';
import { FaultReport } from './support/report.js';
import { faultScale } from './support/size.js';
import { countedEvents, SourceTotals } from './support/source.js';

const scale = faultScale();
const brokers = () => inject('kafkaBrokers').split(',');
const PARTITIONS = 2;

describe(`fault: the topic deleted and re-created with new data (${scale.size})`, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function setup(label: string) {
    const { topic, dlq } = await createTopics(brokers(), PARTITIONS);
    const dir = await mkdtemp(join(tmpdir(), 'orderstream-faults-topic-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'warehouse.duckdb');
    const group = uniqueName(`faults-${label}`);
    const children: JsonChild[] = [];
    cleanups.push(async () => {
      for (const c of children) c.child.kill('SIGKILL');
    });
    const sink = () => {
      const child = spawnSinkProcess(
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
      children.push(child);
      return child;
    };
    const produce = async (seed: number, count: number, totals: SourceTotals) => {
      const producer = createOrderProducer({ brokers: brokers(), topic });
      try {
        return (await producer.sendStream(countedEvents(seed, count, totals))).sent;
      } finally {
        await producer.disconnect();
      }
    };
    const recreate = async () => {
      await deleteTopic(brokers(), topic);
      await deleteTopic(brokers(), dlq);
      await createTopics(brokers(), PARTITIONS, topic);
    };
    const inspect = async <T>(read: (w: DuckDbWarehouse) => Promise<T>): Promise<T> => {
      const warehouse = new DuckDbWarehouse({ path });
      try {
        return await read(warehouse);
      } finally {
        await warehouse.close();
      }
    };
    return { topic, group, sink, produce, recreate, inspect };
  }

  const newOrders = Math.max(50, Math.floor(scale.recreateOrders / 4));

  it('a running sink reports KAFKA_TOPIC_RESET (with a topic-reset event) and writes nothing of the new topic; after the documented reset it takes the new topic whole', async () => {
    const report = new FaultReport('topic deleted and re-created under a running sink');
    try {
      const { topic, group, sink, produce, recreate, inspect } = await setup('recreate-running');
      const old = new SourceTotals();
      await produce(31, scale.recreateOrders, old);
      const running = sink();
      await waitFor(() => running.rows() >= scale.recreateOrders, 120_000, 'the old topic to be consumed');
      report.found(`sink committed the old topic's ${running.rows()} rows`);

      await recreate();
      const fresh = new SourceTotals();
      await produce(32, newOrders, fresh);
      report.injected(
        `deleted ${topic} (${scale.recreateOrders} records) and re-created it with ${newOrders} new records`,
      );

      const code = await Promise.race([
        running.exited,
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 120_000)),
      ]);
      const reset = running.events.find((e) => e.type === 'topic-reset');
      const fatal = running.events.find((e) => e.type === 'error' && e.fatal === true);
      report.found(`sink exit code ${code}; topic-reset event: ${JSON.stringify(reset ?? null)}`);
      report.found(`fatal error: ${String(fatal?.code)}: ${String(fatal?.message)}`);
      expect(code, running.stderr()).toBe(1);
      expect(reset).toMatchObject({ topic });
      expect(Number(reset?.logEndOffset)).toBeLessThan(Number(reset?.expectedOffset));
      expect(fatal?.code).toBe('KAFKA_TOPIC_RESET');
      expect(String(fatal?.message)).toMatch(/deleted and re-created/);

      const afterReset = await inspect((w) => warehouseTotals(w, topic));
      report.reconcile('old topic vs warehouse, after the reset was reported', old.summary(), afterReset);
      expect(afterReset).toMatchObject(old.summary());

      // The documented recovery: forget the group's stored offsets; the new topic is then taken whole.
      await inspect((w) =>
        w.query(`DELETE FROM ${w.qualify('sink_offsets')} WHERE consumer_group = ? AND topic = ?`, [
          group,
          topic,
        ]),
      );
      const resumed = sink();
      await waitFor(
        () => resumed.rows() >= newOrders || resumed.child.exitCode !== null,
        120_000,
        'the new topic',
      );
      expect(await stopChild(resumed), resumed.stderr()).toBe(0);
      const both = new SourceTotals();
      for (const [seed, count] of [
        [31, scale.recreateOrders],
        [32, newOrders],
      ] as const)
        for (const _ of countedEvents(seed, count, both));
      const final = await inspect((w) => warehouseTotals(w, topic));
      // The new topic's offsets repeat the old one's (fewer records per partition): the pairs overlap.
      report.reconcile(
        'old + new topic vs warehouse, after deleting the stored offsets',
        both.summary(),
        final,
        scale.recreateOrders,
      );
      expect(final.distinctRecords).toBe(scale.recreateOrders);
      expect(final).toMatchObject(both.summary());
      expect(final.distinctEvents).toBe(final.rows);
    } finally {
      report.print();
    }
  });

  it('a sink started after the re-creation reports KAFKA_TOPIC_RESET from the offsets stored in the warehouse', async () => {
    const report = new FaultReport('topic re-created while the sink was stopped');
    try {
      const { topic, sink, produce, recreate, inspect } = await setup('recreate-stopped');
      const old = new SourceTotals();
      await produce(41, scale.recreateOrders, old);
      const first = sink();
      await waitFor(() => first.rows() >= scale.recreateOrders, 120_000, 'the old topic to be consumed');
      expect(await stopChild(first), first.stderr()).toBe(0);

      await recreate();
      await produce(42, newOrders, new SourceTotals());
      report.injected(
        `sink stopped; ${topic} deleted and re-created with ${newOrders} new records; sink started`,
      );

      const second = sink();
      const code = await Promise.race([
        second.exited,
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 120_000)),
      ]);
      const reset = second.events.find((e) => e.type === 'topic-reset');
      report.found(`sink exit code ${code}; topic-reset event: ${JSON.stringify(reset ?? null)}`);
      expect(code, second.stderr()).toBe(1);
      expect(second.events.find((e) => e.type === 'stopped')).toMatchObject({
        ok: false,
        code: 'KAFKA_TOPIC_RESET',
      });
      expect(second.rows()).toBe(0);
      const totals = await inspect((w) => warehouseTotals(w, topic));
      report.reconcile('old topic vs warehouse', old.summary(), totals);
      expect(totals).toMatchObject(old.summary());
    } finally {
      report.print();
    }
  });
});
