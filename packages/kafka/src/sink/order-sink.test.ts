import { createOrderEventStream, OrderstreamError, serializeOrderEvent } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import {
  defined,
  FakeClock,
  FakeConsumer,
  FakeProducer,
  fakeFactory,
  MemoryWarehouse,
  record,
  settle,
} from '../internal/testing/fakes.js';
import { DEAD_LETTER_HEADERS, OrderSink } from './order-sink.js';

const TOPIC = 'orders';
// Event times at the fake clock's start, inside the sink's event_time window.
const events = [...createOrderEventStream({ seed: 3, limit: 50, now: () => new Date(Date.UTC(2026, 0, 1)) })];
const json = (i: number) => JSON.stringify(serializeOrderEvent(defined(events[i % events.length])));

function setup(overrides: Record<string, unknown> = {}) {
  const consumer = new FakeConsumer(TOPIC);
  const producer = new FakeProducer();
  const warehouse = new MemoryWarehouse();
  const clock = new FakeClock();
  const sink = new OrderSink({
    clientFactory: fakeFactory({ consumer, producer }),
    groupId: 'g',
    warehouse,
    clock,
    flushMaxRecords: 5,
    flushIntervalMs: 1000,
    retryMinTimeoutMs: 1,
    retryMaxTimeoutMs: 2,
    ...overrides,
  });
  consumer.afterBatch = () => sink.flushed();
  return { consumer, producer, warehouse, clock, sink };
}

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

  it('dead-letters invalid records with reason headers and records them in raw_rejects in the same transaction', async () => {
    const { consumer, producer, warehouse, sink } = setup({ maxMessageBytes: 10_000 });
    const dead: string[] = [];
    sink.on('dead-letter', (d) => dead.push(`${d.offset}:${d.code}`));
    await sink.start();
    consumer.assign([2]);
    await consumer.deliver(2, [
      record(0, json(0)),
      record(1, '{"nope'),
      record(
        2,
        JSON.stringify({ ...serializeOrderEvent(defined(events[1])), event_type: 'order_exploded' }),
        'k',
      ),
      record(3, Buffer.alloc(10_001, 32)),
      record(4, null),
    ]);
    expect(dead).toEqual([
      '1:KAFKA_MESSAGE_UNPARSEABLE',
      '2:KAFKA_MESSAGE_INVALID',
      '3:KAFKA_MESSAGE_OVERSIZE',
      '4:KAFKA_MESSAGE_TOMBSTONE',
    ]);
    const sent = producer.sent.flatMap((s) => s.records);
    expect(producer.sent.every((s) => s.topic === 'orders.dlq')).toBe(true);
    expect(sent).toHaveLength(4);
    const invalid = defined(sent[1]);
    expect(invalid.key?.toString()).toBe('k');
    expect(invalid.headers?.[DEAD_LETTER_HEADERS.errorCode]).toBe('KAFKA_MESSAGE_INVALID');
    expect(String(invalid.headers?.[DEAD_LETTER_HEADERS.errorReason])).toContain('event_type');
    expect(invalid.headers?.[DEAD_LETTER_HEADERS.originalTopic]).toBe(TOPIC);
    expect(invalid.headers?.[DEAD_LETTER_HEADERS.originalPartition]).toBe('2');
    expect(invalid.headers?.[DEAD_LETTER_HEADERS.originalOffset]).toBe('2');
    expect(invalid.headers?.[DEAD_LETTER_HEADERS.failedAt]).toBe(
      new Date(Date.UTC(2026, 0, 1)).toISOString(),
    );
    expect(invalid.headers?.['x-origin']?.toString()).toBe('test');
    expect(sent[3]?.value).toBeNull();
    expect(warehouse.transactions).toBe(1);
    expect(warehouse.rows('raw_order_events')).toHaveLength(1);
    const rejects = warehouse.rows('raw_rejects');
    expect(rejects.map((r) => [r.source, r.source_name, r.position, r.code])).toEqual([
      ['kafka', TOPIC, '2/1', 'KAFKA_MESSAGE_UNPARSEABLE'],
      ['kafka', TOPIC, '2/2', 'KAFKA_MESSAGE_INVALID'],
      ['kafka', TOPIC, '2/3', 'KAFKA_MESSAGE_OVERSIZE'],
      ['kafka', TOPIC, '2/4', 'KAFKA_MESSAGE_TOMBSTONE'],
    ]);
    expect(rejects[1]?.field).toBe('event_type');
    await sink.stop();
  });

  it('does not commit the offset of a record whose dead letter could not be published', async () => {
    const { consumer, producer, warehouse, sink } = setup({ retries: 1 });
    const failure = Object.assign(new Error('broker says no'), { retriable: false });
    producer.failures = [failure, failure];
    await sink.start();
    consumer.assign([0]);
    await consumer.deliver(0, [0, 1, 2, 3].map((o) => record(o, json(o))).concat([record(4, 'garbage')]));
    await expect(sink.wait()).rejects.toMatchObject({ code: 'KAFKA_DEAD_LETTER_FAILED' });
    expect(warehouse.transactions).toBe(0);
    expect(await warehouse.readOffsets('g', TOPIC)).toEqual([]);
    expect(consumer.commits).toEqual([]);
  });

  it('skips and counts tombstones with the skip policy', async () => {
    const { consumer, producer, warehouse, sink } = setup({ tombstones: 'skip', flushMaxRecords: 3 });
    await sink.start();
    consumer.assign([0]);
    await consumer.deliver(0, [record(0, null), record(1, json(1)), record(2, null)]);
    expect(producer.sent).toEqual([]);
    expect(sink.metrics().tombstonesSkipped).toBe(2);
    expect(warehouse.rows('raw_order_events')).toHaveLength(1);
    expect(warehouse.rows('raw_rejects')).toHaveLength(0);
    expect((await warehouse.readOffsets('g', TOPIC))[0]?.nextOffset).toBe('3');
    await sink.stop();
  });

  it('retries a retryable warehouse error with fetching paused, then resumes', async () => {
    const { consumer, warehouse, sink } = setup();
    const retried: string[] = [];
    sink.on('error', (e, ctx) => retried.push(`${e.code}:${ctx.fatal}`));
    warehouse.failures = [
      new OrderstreamError('CORE_WAREHOUSE_LOCKED', 'locked', { retryable: true }),
      new OrderstreamError('CORE_WAREHOUSE_LOCKED', 'locked', { retryable: true }),
    ];
    await sink.start();
    consumer.assign([0, 1]);
    await consumer.deliver(
      0,
      [0, 1, 2, 3, 4].map((o) => record(o, json(o))),
    );
    expect(retried).toEqual(['CORE_WAREHOUSE_LOCKED:false', 'CORE_WAREHOUSE_LOCKED:false']);
    // Once for the assignment, once for the retries.
    expect(consumer.pauseCalls).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect(consumer.paused.size).toBe(0);
    expect(warehouse.rows('raw_order_events')).toHaveLength(5);
    expect(sink.metrics().retries).toBe(2);
    await sink.stop();
  });

  it('stops on a warehouse error it cannot retry, without committing', async () => {
    const { consumer, warehouse, sink } = setup();
    warehouse.failures = [new OrderstreamError('CORE_WAREHOUSE_TRANSACTION_FAILED', 'constraint violated')];
    await sink.start();
    consumer.assign([0]);
    await consumer.deliver(
      0,
      [0, 1, 2, 3, 4].map((o) => record(o, json(o))),
    );
    await expect(sink.wait()).rejects.toMatchObject({ code: 'CORE_WAREHOUSE_TRANSACTION_FAILED' });
    expect(consumer.commits).toEqual([]);
    expect(consumer.stopped).toBe(true);
  });

  it('isolates a row the warehouse refuses, dead-letters it with the warehouse message, writes the rest and goes on (issue 19)', async () => {
    const { consumer, producer, warehouse, sink } = setup({ flushMaxRecords: 8 });
    const refusedId = defined(events[5]).event_id;
    const original = warehouse.writeWithOffsets.bind(warehouse);
    const attempts: number[] = [];
    warehouse.writeWithOffsets = async (writes, offsets) => {
      const rows = writes.find((w) => w.table === 'raw_order_events')?.rows ?? [];
      attempts.push(rows.length);
      if (rows.some((r) => r.event_id === refusedId)) {
        throw new OrderstreamError('DUCKDB_INVALID_VALUE', 'Conversion Error: no', {
          details: { column: 'source' },
        });
      }
      return original(writes, offsets);
    };
    let fatal = 0;
    sink.on('error', (_e, ctx) => {
      if (ctx.fatal) fatal++;
    });
    await sink.start();
    consumer.assign([0]);
    await consumer.deliver(0, [
      record(0, 'garbage'),
      ...[1, 2, 3, 4, 5, 6, 7].map((o) => record(o, json(o))),
    ]);
    expect(fatal).toBe(0);
    // The whole flush, then halves down to the refused row alone.
    expect(attempts[0]).toBe(7);
    expect(warehouse.rows('raw_order_events').map((r) => r.kafka_offset)).toEqual([1, 2, 3, 4, 6, 7]);
    const rejects = warehouse.rows('raw_rejects');
    expect(rejects.map((r) => [r.position, r.code, r.field])).toEqual([
      ['0/0', 'KAFKA_MESSAGE_UNPARSEABLE', null],
      ['0/5', 'KAFKA_MESSAGE_REFUSED', 'source'],
    ]);
    const dead = producer.sent.flatMap((x) => x.records);
    expect(dead.map((d) => String(d.headers?.[DEAD_LETTER_HEADERS.errorCode]))).toEqual([
      'KAFKA_MESSAGE_UNPARSEABLE',
      'KAFKA_MESSAGE_REFUSED',
    ]);
    expect(String(dead[1]?.headers?.[DEAD_LETTER_HEADERS.errorReason])).toContain('Conversion Error: no');
    expect(dead[1]?.value?.toString()).toBe(json(5));
    expect(dead[1]?.key?.toString()).toBe(defined(events[5]).order.order_id);
    expect((await warehouse.readOffsets('g', TOPIC))[0]?.nextOffset).toBe('8');
    expect(sink.metrics()).toMatchObject({ records: 6, deadLettered: 2 });

    // The partition goes on.
    await consumer.deliver(
      0,
      [8, 9, 10, 11, 12, 13, 14, 15].map((o) => record(o, json(o))),
    );
    expect(warehouse.rows('raw_order_events')).toHaveLength(14);
    expect((await warehouse.readOffsets('g', TOPIC))[0]?.nextOffset).toBe('16');
    await sink.stop();
  });

  it('stops when the warehouse refuses even a write without rows: the data is not at fault', async () => {
    const { consumer, warehouse, sink } = setup({ flushMaxRecords: 2 });
    warehouse.writeWithOffsets = async () => {
      throw new OrderstreamError('DUCKDB_INVALID_VALUE', 'refuses everything');
    };
    await sink.start();
    consumer.assign([0]);
    await consumer.deliver(0, [record(0, json(0)), record(1, json(1))]);
    await expect(sink.wait()).rejects.toMatchObject({ code: 'DUCKDB_INVALID_VALUE' });
    expect(consumer.commits).toEqual([]);
  });

  it('dead-letters an event whose event_time lies outside the window around the clock', async () => {
    const { consumer, warehouse, sink } = setup({ flushMaxRecords: 3, maxEventAgeMs: 60_000 });
    const old = serializeOrderEvent({ ...defined(events[1]), event_time: new Date(Date.UTC(2025, 11, 31)) });
    const future = serializeOrderEvent({ ...defined(events[2]), event_time: new Date(Date.UTC(9999, 0, 1)) });
    await sink.start();
    consumer.assign([0]);
    await consumer.deliver(0, [
      record(0, json(0)),
      record(1, JSON.stringify(old)),
      record(2, JSON.stringify(future)),
    ]);
    expect(warehouse.rows('raw_order_events')).toHaveLength(1);
    expect(warehouse.rows('raw_rejects').map((r) => [r.code, r.field])).toEqual([
      ['KAFKA_MESSAGE_INVALID', 'event_time'],
      ['KAFKA_MESSAGE_INVALID', 'event_time'],
    ]);
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
});
