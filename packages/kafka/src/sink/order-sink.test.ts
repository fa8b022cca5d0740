import { describe, expect, it } from 'vitest';
import type { ConsumerClientOptions } from '../client/kafka-client.js';
import {
  defined,
  FakeConsumer,
  fakeFactory,
  MemoryWarehouse,
  record,
  settle,
} from '../internal/testing/fakes.js';
import { events, json, setup, TOPIC } from '../internal/testing/order-sink-setup.js';
import { OrderSink } from './order-sink.js';

describe('OrderSink', () => {
  it('pauses a newly assigned partition until it is placed at the offset stored in the warehouse', async () => {
    const { consumer, warehouse, sink } = setup();
    await warehouse.writeWithOffsets(
      [],
      [{ consumerGroup: 'g', topic: TOPIC, partition: 0, nextOffset: '3' }],
    );
    await sink.start();
    consumer.assign([0]);
    expect(consumer.paused).toEqual(new Set([0]));
    await settle();
    expect(consumer.seeks).toEqual([{ partition: 0, offset: '3' }]);
    expect(consumer.paused.size).toBe(0);

    await consumer.deliver(
      0,
      [3, 4, 5, 6, 7].map((o) => record(o, json(o))),
    );
    const rows = warehouse.rows('raw_order_events');
    expect(rows.map((r) => r.kafka_offset)).toEqual([3, 4, 5, 6, 7]);
    expect((await warehouse.readOffsets('g', TOPIC))[0]?.nextOffset).toBe('8');
    expect(consumer.commits).toEqual([[{ topic: TOPIC, partition: 0, offset: '8' }]]);
    await sink.stop();
  });

  it('releases a fetched batch once it has taken its records, and writes what it copied from them', async () => {
    const { consumer, warehouse, sink } = setup();
    await sink.start();
    consumer.assign([0]);
    await settle();
    const records = [0, 1, 2].map((o) => record(o, json(o)));
    let releases = 0;
    // Released memory reads as empty: here, as zeros.
    const release = () => {
      releases++;
      for (const r of records) for (const bytes of [r.key, r.value]) bytes?.fill(0);
    };
    await consumer.deliver(0, records, undefined, release);
    expect(releases).toBe(1);
    await sink.stop();
    const rows = warehouse.rows('raw_order_events');
    expect(rows.map((r) => r.payload)).toEqual([0, 1, 2].map((o) => json(o)));
  });

  it('bounds the warehouse engine memory before its first read (64 MiB unless set; null leaves it)', async () => {
    const limits: number[] = [];
    const limited = () => {
      const parts = setup();
      return Object.assign(parts.warehouse, {
        limitMemory: async (bytes: number) => {
          limits.push(bytes);
        },
      });
    };
    const run = async (overrides: Record<string, unknown>) => {
      const { consumer, sink } = setup({ warehouse: limited(), ...overrides });
      const before = limits.length;
      await sink.start();
      // Not on start: the warehouse may not open yet (a DuckDB file locked by another process).
      expect(limits).toHaveLength(before);
      consumer.assign([0]);
      await settle();
      // Once, not per assignment.
      consumer.assign([0, 1]);
      await settle();
      await sink.stop();
    };
    await run({});
    await run({ warehouseMemoryBytes: 32 * 1024 * 1024 });
    await run({ warehouseMemoryBytes: null });
    expect(limits).toEqual([64 * 1024 * 1024, 32 * 1024 * 1024]);
    // A warehouse that cannot bound its memory (no limitMemory) is placed as before.
    const plain = setup();
    await plain.sink.start();
    plain.consumer.assign([0]);
    await settle();
    expect(plain.consumer.seeks).toEqual([{ partition: 0, offset: '0' }]);
    await plain.sink.stop();
  });

  it('starts from the beginning when the warehouse has no offset, wherever the group is (regression: a new warehouse on an old group waited forever)', async () => {
    const { consumer, sink } = setup();
    await sink.start();
    consumer.assign([0, 1]);
    await settle();
    expect(consumer.seeks).toEqual([
      { partition: 0, offset: '0' },
      { partition: 1, offset: '0' },
    ]);
    await sink.stop();
  });

  it('seeks to the warehouse offset when a batch arrives before the position was applied', async () => {
    const { consumer, warehouse, sink } = setup();
    await warehouse.writeWithOffsets(
      [],
      [{ consumerGroup: 'g', topic: TOPIC, partition: 0, nextOffset: '3' }],
    );
    await sink.start();
    consumer.assign([0]);
    // This client ignores pause(): the batch reaches the sink before the positions are loaded.
    await consumer.deliver(
      0,
      [0, 1, 2, 3, 4].map((o) => record(o, json(o))),
    );
    expect(consumer.seeks.length).toBeGreaterThan(0);
    expect(consumer.seeks.every((seek) => seek.partition === 0 && seek.offset === '3')).toBe(true);
    expect(sink.metrics().bufferedRecords).toBe(0);
    await consumer.deliver(
      0,
      [3, 4].map((o) => record(o, json(o))),
    );
    await sink.stop();
    expect(warehouse.rows('raw_order_events').map((r) => r.kafka_offset)).toEqual([3, 4]);
  });

  it('skips records redelivered below its position and counts offset gaps', async () => {
    const { consumer, warehouse, sink } = setup({ flushMaxRecords: 100 });
    await sink.start();
    consumer.assign([1]);
    await consumer.deliver(
      1,
      [0, 1, 2].map((o) => record(o, json(o))),
    );
    await consumer.deliver(
      1,
      [1, 2, 3].map((o) => record(o, json(o))),
    );
    await consumer.deliver(
      1,
      [6, 7].map((o) => record(o, json(o))),
    );
    expect(sink.metrics().redeliveriesSkipped).toBe(2);
    expect(sink.metrics().offsetGaps).toEqual({ gaps: 1, missingOffsets: 2 });
    await sink.stop();
    expect(warehouse.rows('raw_order_events').map((r) => r.kafka_offset)).toEqual([0, 1, 2, 3, 6, 7]);
    expect((await warehouse.readOffsets('g', TOPIC))[0]?.nextOffset).toBe('8');
  });

  it('commits the group offset only after the warehouse transaction committed', async () => {
    const { consumer, warehouse, sink } = setup();
    await sink.start();
    consumer.assign([0]);
    let open!: () => void;
    warehouse.gate = new Promise((r) => {
      open = r;
    });
    const delivering = consumer.deliver(
      0,
      [0, 1, 2, 3, 4].map((o) => record(o, json(o))),
    );
    await settle();
    expect(warehouse.transactions).toBe(0);
    expect(consumer.commits).toEqual([]);
    open();
    await delivering;
    expect(warehouse.transactions).toBe(1);
    expect(consumer.commits).toHaveLength(1);
    await sink.stop();
  });

  it('drops a flush fenced out by another member, and places the partition again at the stored offset', async () => {
    const { consumer, warehouse, sink } = setup();
    const errors: string[] = [];
    sink.on('error', (error, info) => errors.push(`${error.code}:${info.fatal}`));
    await sink.start();
    consumer.assign([0]);
    await settle();
    await consumer.deliver(
      0,
      [0, 1, 2, 3, 4].map((o) => record(o, json(o))),
    );
    expect((await warehouse.readOffsets('g', TOPIC))[0]?.nextOffset).toBe('5');
    // Another member took the partition in a rebalance this sink has not seen yet, and wrote on.
    await warehouse.writeWithOffsets(
      [{ table: 'raw_order_events', rows: [{ event_id: 'other-member' }], mode: 'append' }],
      [{ consumerGroup: 'g', topic: TOPIC, partition: 0, nextOffset: '9' }],
    );
    const before = warehouse.rows('raw_order_events').length;
    const seeks = consumer.seeks.length;
    await consumer.deliver(
      0,
      [5, 6, 7, 8, 9].map((o) => record(o, json(o))),
    );
    await settle();
    expect(errors).toEqual(['CORE_OFFSET_CONFLICT:false']);
    expect(warehouse.rows('raw_order_events')).toHaveLength(before);
    expect((await warehouse.readOffsets('g', TOPIC))[0]?.nextOffset).toBe('9');
    expect(consumer.seeks.slice(seeks)).toEqual([{ partition: 0, offset: '9' }]);
    // From there it goes on normally.
    await consumer.deliver(
      0,
      [9, 10, 11, 12, 13].map((o) => record(o, json(o))),
    );
    expect((await warehouse.readOffsets('g', TOPIC))[0]?.nextOffset).toBe('14');
    await sink.stop();
    await expect(sink.wait()).resolves.toBeUndefined();
  });

  it('drops buffered records on a new assignment and restarts from the warehouse offsets', async () => {
    const { consumer, warehouse, sink } = setup({ flushMaxRecords: 100 });
    await sink.start();
    consumer.assign([0]);
    await settle();
    await consumer.deliver(0, [record(0, json(0)), record(1, json(1))]);
    expect(sink.metrics().bufferedRecords).toBe(2);
    consumer.assign([0, 1]);
    expect(sink.metrics().bufferedRecords).toBe(0);
    await settle();
    expect(consumer.seeks.slice(1)).toEqual([
      { partition: 0, offset: '0' },
      { partition: 1, offset: '0' },
    ]);
    await consumer.deliver(0, [record(0, json(0))]);
    await sink.stop();
    expect(warehouse.rows('raw_order_events').map((r) => r.kafka_offset)).toEqual([0]);
  });

  it('maps an order event to the raw_order_events columns', async () => {
    const { consumer, warehouse, sink } = setup({ flushMaxRecords: 1 });
    await sink.start();
    consumer.assign([0]);
    const event = defined(events[4]);
    await consumer.deliver(0, [record(0, json(4), event.order.order_id)]);
    const [row] = warehouse.rows('raw_order_events');
    expect(row).toMatchObject({
      event_id: event.event_id,
      event_type: event.event_type,
      event_time: event.event_time,
      order_id: event.order.order_id,
      customer_unique_id: event.order.customer.customer_unique_id,
      items_count: event.order.items.length,
      items_value: event.order.items.reduce((s, i) => s + i.price, 0),
      freight_value: event.order.items.reduce((s, i) => s + i.freight_value, 0),
      payment_value: event.order.payments.reduce((s, p) => s + p.payment_value, 0),
      payload: json(4),
      kafka_topic: TOPIC,
      kafka_partition: 0,
      kafka_offset: 0,
      kafka_key: event.order.order_id,
      ingested_at: new Date(Date.UTC(2026, 0, 1)),
    });
    await sink.stop();
  });

  it('stops with KAFKA_TOPIC_RESET when a running partition reports a log end before its position (regression: a re-created topic was skipped as redeliveries)', async () => {
    const { consumer, warehouse, sink } = setup({ flushMaxRecords: 3 });
    const resets: unknown[] = [];
    sink.on('topic-reset', (info) => resets.push(info));
    sink.on('error', () => undefined);
    await sink.start();
    consumer.assign([0]);
    await settle();
    await consumer.deliver(
      0,
      [0, 1, 2, 3, 4, 5].map((o) => record(o, json(o))),
    );
    expect((await warehouse.readOffsets('g', TOPIC))[0]?.nextOffset).toBe('6');
    // The topic is re-created: the consumer's offset is out of range and resets to the new start.
    await consumer.deliver(
      0,
      [0, 1].map((o) => record(o, json(o + 10))),
      '2',
    );
    expect(resets).toEqual([{ topic: TOPIC, partition: 0, expectedOffset: '6', logEndOffset: '2' }]);
    await expect(sink.wait()).rejects.toMatchObject({
      code: 'KAFKA_TOPIC_RESET',
      details: { partition: 0, expectedOffset: '6', logEndOffset: '2', groupId: 'g' },
    });
    expect(sink.metrics().redeliveriesSkipped).toBe(0);
    expect(warehouse.rows('raw_order_events').map((r) => r.kafka_offset)).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await warehouse.readOffsets('g', TOPIC))[0]?.nextOffset).toBe('6');
  });

  it('stops with KAFKA_TOPIC_RESET when the offset stored in the warehouse is beyond the log end at start', async () => {
    const { consumer, warehouse, sink } = setup();
    await warehouse.writeWithOffsets(
      [],
      [{ consumerGroup: 'g', topic: TOPIC, partition: 2, nextOffset: '500' }],
    );
    const errors: Array<{ code: string; fatal: boolean }> = [];
    sink.on('error', (e, ctx) => errors.push({ code: e.code, fatal: ctx.fatal }));
    await sink.start();
    consumer.assign([2]);
    // The batch arrives before the stored position was applied, from a new topic of 40 records.
    await consumer.deliver(
      2,
      [0, 1, 2].map((o) => record(o, json(o))),
      '40',
    );
    await expect(sink.wait()).rejects.toMatchObject({ code: 'KAFKA_TOPIC_RESET' });
    expect(errors).toEqual([{ code: 'KAFKA_TOPIC_RESET', fatal: true }]);
    expect(warehouse.rows('raw_order_events')).toEqual([]);
  });

  it('takes a batch fetched before a seek as redeliveries, not as a topic reset, while the log end is beyond its position', async () => {
    const { consumer, warehouse, sink } = setup({ flushMaxRecords: 100 });
    await warehouse.writeWithOffsets(
      [],
      [{ consumerGroup: 'g', topic: TOPIC, partition: 0, nextOffset: '4' }],
    );
    await sink.start();
    consumer.assign([0]);
    await settle();
    await consumer.deliver(
      0,
      [2, 3, 4, 5].map((o) => record(o, json(o))),
      '6',
    );
    expect(sink.metrics().redeliveriesSkipped).toBe(2);
    await sink.stop();
    await expect(sink.wait()).resolves.toBeUndefined();
    expect(warehouse.rows('raw_order_events').map((r) => r.kafka_offset)).toEqual([4, 5]);
  });

  it('asks for fetches that wait at most 100 ms by default (kafkajs also sleeps that long after each assignment)', () => {
    const asked: ConsumerClientOptions[] = [];
    const consumer = new FakeConsumer(TOPIC);
    const factory = fakeFactory({ consumer });
    new OrderSink({
      clientFactory: {
        ...factory,
        consumer: (options) => {
          asked.push(options);
          return factory.consumer(options);
        },
      },
      groupId: 'g',
      warehouse: new MemoryWarehouse(),
    });
    expect(asked.map((o) => o.fetchMaxWaitMs)).toEqual([100]);
  });
});
