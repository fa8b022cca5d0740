import type { OrderEvent } from '@orderstream/core';
import { createOrderEventStream, formatCents } from '@orderstream/core';
import { createOrderProducer, createOrderSink } from '@orderstream/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { brokers, freshTopics, groupLag, tempWarehouse, uniqueName, waitFor } from './support/kit.js';

const N = 100_000;

describe('OrderSink against the real broker and DuckDB', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('writes 100k produced events exactly once, with exact revenue, and commits the group offsets', async () => {
    const { topic, dlq } = await freshTopics(3);
    const { warehouse, dispose } = await tempWarehouse();
    cleanups.push(dispose);

    let itemsCents = 0;
    let paymentCents = 0;
    function* tally(events: Iterable<OrderEvent>) {
      for (const e of events) {
        for (const i of e.order.items) itemsCents += i.price;
        for (const p of e.order.payments) paymentCents += p.payment_value;
        yield e;
      }
    }

    const groupId = uniqueName('it-sink');
    const sink = createOrderSink({ brokers: brokers(), topic, deadLetterTopic: dlq, groupId, warehouse });
    let flushedRows = 0;
    let flushes = 0;
    const errors: unknown[] = [];
    sink.on('flush', (f) => {
      flushedRows += f.rows;
      flushes++;
    });
    sink.on('error', (e, ctx) => errors.push({ e, ctx }));
    await sink.start();

    const producer = createOrderProducer({ brokers: brokers(), topic });
    const started = Date.now();
    const { sent } = await producer.sendStream(tally(createOrderEventStream({ seed: 11, limit: N })));
    await producer.disconnect();
    expect(sent).toBe(N);

    await waitFor(() => flushedRows >= N, 120_000, `${N} rows flushed`);
    const elapsed = Date.now() - started;
    await sink.stop();

    const [counts] = await warehouse.query<{ rows: number; events: number; items: string; payments: string }>(
      `SELECT count(*)::BIGINT AS rows, count(DISTINCT event_id)::BIGINT AS events,
              sum(items_value)::VARCHAR AS items, sum(payment_value)::VARCHAR AS payments
         FROM ${warehouse.qualify('raw_order_events')}`,
    );
    expect(Number(counts?.rows)).toBe(N);
    expect(Number(counts?.events)).toBe(N);
    expect(flushedRows).toBe(N);
    expect(counts?.items).toBe(formatCents(itemsCents));
    expect(counts?.payments).toBe(formatCents(paymentCents));

    // Every partition's rows are exactly its offsets 0..n-1, and the stored offset is n.
    const perPartition = await warehouse.query<{ p: number; n: number; lo: number; hi: number }>(
      `SELECT kafka_partition AS p, count(*)::BIGINT AS n, min(kafka_offset)::BIGINT AS lo, max(kafka_offset)::BIGINT AS hi
         FROM ${warehouse.qualify('raw_order_events')} GROUP BY 1 ORDER BY 1`,
    );
    const stored = await warehouse.readOffsets(groupId, topic);
    expect(perPartition).toHaveLength(3);
    for (const row of perPartition) {
      expect(Number(row.lo)).toBe(0);
      expect(Number(row.hi)).toBe(Number(row.n) - 1);
      expect(stored.find((s) => s.partition === Number(row.p))?.nextOffset).toBe(String(row.n));
    }
    expect(await groupLag(groupId, topic)).toEqual([0, 1, 2].map((partition) => ({ partition, lag: 0 })));
    expect(errors).toEqual([]);
    const m = sink.metrics();
    expect(m.records).toBe(N);
    expect(m.batches).toBe(flushes);
    expect(m.latencyMs.samples).toBe(N);
    console.info(
      `100k events: produced+sunk in ${elapsed} ms over ${flushes} flushes; metrics p50=${m.latencyMs.p50} p99=${m.latencyMs.p99}`,
    );
  });
});
