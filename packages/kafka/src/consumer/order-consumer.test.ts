import { createOrderEventStream, type OrderEvent, serializeOrderEvent } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import type { KafkaLogger } from '../client/kafka-logger.js';
import { defined, FakeConsumer, fakeFactory, record, settle } from '../internal/testing/fakes.js';
import type { InvalidOrderRecord } from './events.js';
import { createOrderConsumer } from './order-consumer.js';

const events = [...createOrderEventStream({ seed: 5, limit: 10 })];
const json = (i: number) => JSON.stringify(serializeOrderEvent(defined(events[i])));

function memoryLogger() {
  const lines: Array<{ level: string; message: string }> = [];
  const logger: KafkaLogger = {
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
  return { lines, logger };
}

describe('OrderConsumer', () => {
  it('hands valid events to the handler in offset order and commits after the handler resolved', async () => {
    const client = new FakeConsumer('orders');
    const seen: Array<{ id: string; offset: string; committedBefore: number }> = [];
    const consumer = createOrderConsumer({
      clientFactory: fakeFactory({ consumer: client }),
      groupId: 'mine',
      onOrder: async (event: OrderEvent, position) => {
        await settle();
        seen.push({ id: event.event_id, offset: position.offset, committedBefore: client.commits.length });
      },
    });
    await consumer.start();
    await client.deliver(0, [record(4, json(0)), record(5, json(1))]);
    expect(seen).toEqual([
      { id: defined(events[0]).event_id, offset: '4', committedBefore: 0 },
      { id: defined(events[1]).event_id, offset: '5', committedBefore: 0 },
    ]);
    expect(client.commits).toEqual([[{ topic: 'orders', partition: 0, offset: '6' }]]);
    expect(consumer.stats()).toEqual({ orders: 2, invalid: 0, batches: 1 });
    await consumer.stop();
    expect(client.stopped).toBe(true);
    await expect(consumer.wait()).resolves.toBeUndefined();
  });

  it('reports an invalid record with its position and reason, skips it, and commits past it', async () => {
    const client = new FakeConsumer('orders');
    const handled: string[] = [];
    const consumer = createOrderConsumer({
      clientFactory: fakeFactory({ consumer: client }),
      groupId: 'mine',
      onOrder: (event) => {
        handled.push(event.event_id);
      },
    });
    const invalid: InvalidOrderRecord[] = [];
    consumer.on('invalid', (r) => invalid.push(r));
    await consumer.start();
    await client.deliver(1, [record(0, 'not json'), record(1, json(2))]);
    expect(handled).toEqual([defined(events[2]).event_id]);
    expect(invalid).toEqual([
      expect.objectContaining({
        topic: 'orders',
        partition: 1,
        offset: '0',
        code: 'KAFKA_MESSAGE_UNPARSEABLE',
      }),
    ]);
    expect(client.commits).toEqual([[{ topic: 'orders', partition: 1, offset: '2' }]]);
    expect(consumer.stats().invalid).toBe(1);
  });

  it('logs an invalid record through the logger when nobody listens for it (never silently dropped)', async () => {
    const client = new FakeConsumer('orders');
    const { lines, logger } = memoryLogger();
    const consumer = createOrderConsumer({
      clientFactory: fakeFactory({ consumer: client }),
      groupId: 'mine',
      logger,
      onOrder: () => undefined,
    });
    await consumer.start();
    await client.deliver(0, [record(7, '{"event_id": 1}')]);
    expect(lines).toEqual([
      {
        level: 'warn',
        message: expect.stringMatching(
          /^skipped an invalid order event at orders\/0@7: KAFKA_MESSAGE_INVALID/,
        ),
      },
    ]);
  });

  it('stops when the handler throws, committing only the records handled before it', async () => {
    const client = new FakeConsumer('orders');
    const consumer = createOrderConsumer({
      clientFactory: fakeFactory({ consumer: client }),
      groupId: 'mine',
      onOrder: (event) => {
        if (event.event_id === defined(events[1]).event_id) throw new Error('downstream is down');
      },
    });
    const errors: string[] = [];
    consumer.on('error', (e) => errors.push(e.code));
    await consumer.start();
    await client.deliver(0, [record(10, json(0)), record(11, json(1)), record(12, json(2))]);
    expect(client.commits).toEqual([[{ topic: 'orders', partition: 0, offset: '11' }]]);
    expect(errors).toEqual(['KAFKA_CONSUMER_FAILED']);
    await expect(consumer.wait()).rejects.toMatchObject({
      code: 'KAFKA_CONSUMER_FAILED',
      message: expect.stringContaining('downstream is down'),
    });
    expect(client.stopped).toBe(true);
  });

  it('rejects options without brokers or a client factory, naming the field', () => {
    expect(() => createOrderConsumer({ groupId: 'g', onOrder: () => undefined })).toThrow(/brokers/);
  });
});
