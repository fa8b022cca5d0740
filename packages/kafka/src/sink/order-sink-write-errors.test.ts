import { OrderstreamError } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import { defined, record } from '../internal/testing/fakes.js';
import { events, json, setup, TOPIC } from '../internal/testing/order-sink-setup.js';
import { DEAD_LETTER_HEADERS } from './order-sink.js';

describe('OrderSink', () => {
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
});
