import { describe, expect, it } from 'vitest';
import {
  FakeClock,
  FakeConsumer,
  FakeProducer,
  fakeFactory,
  MemoryWarehouse,
  record,
  settle,
} from '../internal/testing/fakes.js';
import { json, setup, TOPIC } from '../internal/testing/order-sink-setup.js';
import { OrderSink } from './order-sink.js';

describe('OrderSink', () => {
  it('keeps consuming while a flush writes, and holds consumption once the buffers are full', async () => {
    const { consumer, warehouse, sink } = setup({ maxBufferedBytes: 12_000 });
    consumer.afterBatch = null; // watch the batches return before their flush is done
    await sink.start();
    consumer.assign([0]);
    await settle();
    let open!: () => void;
    warehouse.gate = new Promise((r) => {
      open = r;
    });
    // Five records are due (flushMaxRecords 5): the flush starts and waits on the warehouse, but
    // the batch returns, and the next one is taken meanwhile.
    await consumer.deliver(
      0,
      [0, 1, 2, 3, 4].map((o) => record(o, json(o))),
    );
    await consumer.deliver(
      0,
      [5, 6].map((o) => record(o, json(o))),
    );
    expect(warehouse.transactions).toBe(0);
    expect(sink.metrics().bufferedRecords).toBe(7);
    // Past maxBufferedBytes the batch waits for the write: consumption cannot run away.
    let held = true;
    const full = consumer
      .deliver(
        0,
        [7, 8, 9, 10, 11, 12, 13, 14, 15, 16].map((o) => record(o, json(o))),
      )
      .then(() => {
        held = false;
      });
    await settle();
    expect(held).toBe(true);
    expect(consumer.commits).toEqual([]);
    open();
    await full;
    await sink.flushed();
    expect(consumer.commits.at(-1)).toEqual([{ topic: TOPIC, partition: 0, offset: '17' }]);
    expect((await warehouse.readOffsets('g', TOPIC))[0]?.nextOffset).toBe('17');
    expect(warehouse.rows('raw_order_events')).toHaveLength(17);
    await sink.stop();
  });

  it('holds the next due batch while a flush is still writing (a slow warehouse slows consumption)', async () => {
    const { consumer, warehouse, sink } = setup();
    consumer.afterBatch = null;
    await sink.start();
    consumer.assign([0]);
    await settle();
    let open!: () => void;
    warehouse.gate = new Promise((r) => {
      open = r;
    });
    await consumer.deliver(
      0,
      [0, 1, 2, 3, 4].map((o) => record(o, json(o))),
    );
    await settle(); // the first flush is now writing (and waits on the warehouse)
    let held = true;
    const second = consumer
      .deliver(
        0,
        [5, 6, 7, 8, 9].map((o) => record(o, json(o))),
      )
      .then(() => {
        held = false;
      });
    await settle();
    expect(held).toBe(true);
    open();
    await second;
    await sink.flushed();
    expect((await warehouse.readOffsets('g', TOPIC))[0]?.nextOffset).toBe('10');
    expect(warehouse.transactions).toBe(2);
    await sink.stop();
  });

  it('flushes a partition by age when no more records arrive', async () => {
    const { consumer, warehouse, clock, sink } = setup({ flushMaxRecords: 100, flushIntervalMs: 500 });
    await sink.start();
    consumer.assign([0]);
    await consumer.deliver(0, [record(0, json(0)), record(1, json(1))]);
    await clock.advance(400);
    expect(warehouse.transactions).toBe(0);
    await clock.advance(200);
    await settle();
    expect(warehouse.transactions).toBe(1);
    expect(sink.metrics().latencyMs.samples).toBe(2);
    await sink.stop();
  });

  it('writes every partition in the transaction of an age flush (regression: one transaction per partition, each waiting for the others)', async () => {
    const { consumer, warehouse, clock, sink } = setup({ flushMaxRecords: 100, flushIntervalMs: 500 });
    await sink.start();
    consumer.assign([0, 1]);
    await consumer.deliver(0, [record(0, json(0))]);
    await clock.advance(300);
    await consumer.deliver(1, [record(0, json(1))]);
    await clock.advance(250);
    await settle();
    expect(warehouse.transactions).toBe(1);
    expect(warehouse.rows('raw_order_events')).toHaveLength(2);
    expect((await warehouse.readOffsets('g', TOPIC)).map((o) => o.nextOffset)).toEqual(['1', '1']);
    await sink.stop();
  });

  it('writes every partition in the transaction of a flush due by records (regression: the others waited the interval once the topic was drained)', async () => {
    const { consumer, warehouse, clock, sink } = setup({ flushMaxRecords: 3, flushIntervalMs: 500 });
    const reasons: string[] = [];
    sink.on('flush', (f) => reasons.push(f.reason));
    await sink.start();
    consumer.assign([0, 1]);
    await consumer.deliver(1, [record(0, json(9))]);
    await consumer.deliver(
      0,
      [0, 1, 2].map((o) => record(o, json(o))),
    );
    await sink.flushed();
    expect(reasons).toEqual(['records']);
    expect(warehouse.transactions).toBe(1);
    expect((await warehouse.readOffsets('g', TOPIC)).map((o) => o.nextOffset)).toEqual(['3', '1']);
    expect(sink.metrics().bufferedRecords).toBe(0);
    await clock.advance(600);
    await settle();
    expect(warehouse.transactions).toBe(1);
    await sink.stop();
  });

  it('still flushes by age when the idle timer wakes before the interval is over (regression: data stuck until the next batch)', async () => {
    const consumer = new FakeConsumer(TOPIC);
    const warehouse = new MemoryWarehouse();
    const clock = new FakeClock(Date.UTC(2026, 0, 1), 5);
    const sink = new OrderSink({
      clientFactory: fakeFactory({ consumer, producer: new FakeProducer() }),
      groupId: 'g',
      warehouse,
      clock,
      flushIntervalMs: 500,
    });
    await sink.start();
    consumer.assign([0]);
    await consumer.deliver(0, [record(0, json(0))]);
    await clock.advance(497);
    expect(warehouse.transactions).toBe(0);
    await clock.advance(10);
    await settle();
    expect(warehouse.transactions).toBe(1);
    await sink.stop();
  });

  it('flushes everything when the memory budget is reached', async () => {
    const { consumer, warehouse, sink } = setup({ flushMaxRecords: 1000, maxBufferedBytes: 2048 });
    const reasons: string[] = [];
    sink.on('flush', (f) => reasons.push(f.reason));
    await sink.start();
    consumer.assign([0, 1]);
    await consumer.deliver(0, [record(0, json(0))]);
    await consumer.deliver(1, [record(0, json(1)), record(1, json(2))]);
    expect(reasons).toEqual(['memory']);
    expect(warehouse.rows('raw_order_events')).toHaveLength(3);
    expect(sink.metrics().bufferedBytes).toBe(0);
    await sink.stop();
  });

  it('flushes and commits what is buffered on stop()', async () => {
    const { consumer, warehouse, sink } = setup({ flushMaxRecords: 100 });
    await sink.start();
    consumer.assign([0]);
    await consumer.deliver(0, [record(0, json(0)), record(1, json(1))]);
    expect(warehouse.transactions).toBe(0);
    await sink.stop();
    expect(warehouse.rows('raw_order_events')).toHaveLength(2);
    expect(consumer.commits).toEqual([[{ topic: TOPIC, partition: 0, offset: '2' }]]);
    await expect(sink.wait()).resolves.toBeUndefined();
  });
});
