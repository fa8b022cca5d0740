import { createOrderEventStream } from '@orderstream/core';
import type { OrderSink } from '@orderstream/kafka';
import { createOrderProducer, createOrderSink } from '@orderstream/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { brokers, freshTopics, groupLag, tempWarehouse, uniqueName, waitFor } from './support/kit.js';

const N = 30_000;

describe('two sink instances in one group', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('share the partitions and survive rebalances (join, then leave) without duplicates or loss', async () => {
    const { topic, dlq } = await freshTopics(4);
    const { warehouse, dispose } = await tempWarehouse();
    cleanups.push(dispose);
    const groupId = uniqueName('it-rebalance');
    const rowsBy = new Map<string, number>();
    const partitionsBy = new Map<string, Set<number>>();
    const fatal: unknown[] = [];
    const make = (name: string): OrderSink => {
      const sink = createOrderSink({
        brokers: brokers(),
        topic,
        deadLetterTopic: dlq,
        groupId,
        warehouse,
        clientId: name,
        flushMaxRecords: 500,
        flushIntervalMs: 200,
        heartbeatIntervalMs: 500,
        sessionTimeoutMs: 10_000,
      });
      rowsBy.set(name, 0);
      partitionsBy.set(name, new Set());
      sink.on('flush', (f) => {
        rowsBy.set(name, (rowsBy.get(name) ?? 0) + f.rows);
        for (const p of f.partitions) partitionsBy.get(name)?.add(p.partition);
      });
      sink.on('error', (e, ctx) => {
        if (ctx.fatal) fatal.push(e);
      });
      cleanups.push(() => sink.stop());
      return sink;
    };
    const total = () => [...rowsBy.values()].reduce((a, b) => a + b, 0);

    // Produce in the background at a bounded rate so both members see traffic.
    const producer = createOrderProducer({ brokers: brokers(), topic, ratePerSecond: 4_000 });
    const producing = producer.sendStream(createOrderEventStream({ seed: 31, limit: N }));

    const a = make('sink-a');
    await a.start();
    await waitFor(() => total() >= 3_000, 60_000, 'sink A to write 3000 rows');
    const b = make('sink-b');
    await b.start();
    await waitFor(() => (rowsBy.get('sink-b') ?? 0) >= 2_000, 60_000, 'sink B to take partitions and write');
    // A leaves: B takes everything over.
    await a.stop();
    const { sent } = await producing;
    await producer.disconnect();
    expect(sent).toBe(N);
    await waitFor(() => total() >= N, 90_000, `${N} rows over both sinks`);
    await b.stop();

    expect(fatal).toEqual([]);
    // Exactly N rows were written over both members: nothing was written twice, nothing skipped.
    expect(total()).toBe(N);
    const [counts] = await warehouse.query<{ n: number; d: number }>(
      `SELECT count(*)::BIGINT AS n, count(DISTINCT event_id)::BIGINT AS d FROM ${warehouse.qualify('raw_order_events')}`,
    );
    expect(Number(counts?.n)).toBe(N);
    expect(Number(counts?.d)).toBe(N);
    expect(partitionsBy.get('sink-a')?.size).toBeGreaterThan(0);
    expect(partitionsBy.get('sink-b')?.size).toBe(4);
    expect((await groupLag(groupId, topic)).every((p) => p.lag === 0)).toBe(true);
  });
});
