import type { OrderEvent } from '@orderstream/core';
import { createOrderEventStream, isOrderstreamError, orderEventSchema } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import {
  defined,
  FakeAdmin,
  FakeClock,
  FakeProducer,
  fakeFactory,
  settle,
} from '../internal/testing/fakes.js';
import { encodeOrderEvent } from './encode-order-event.js';
import { ORDER_EVENT_HEADERS } from './headers.js';
import { OrderProducer } from './order-producer.js';

const events = [...createOrderEventStream({ seed: 9, limit: 40 })];
const first = defined(events[0]);
const second = defined(events[1]);

describe('encodeOrderEvent', () => {
  it('keys by order id, writes the JSON wire form and the schema/type/content-type headers', () => {
    const event = first;
    const record = encodeOrderEvent(event);
    expect(record.key).toBe(event.order.order_id);
    expect(orderEventSchema.parse(JSON.parse(String(record.value)))).toEqual(event);
    expect(record.headers).toEqual({
      [ORDER_EVENT_HEADERS.schemaVersion]: '1',
      [ORDER_EVENT_HEADERS.eventType]: event.event_type,
      [ORDER_EVENT_HEADERS.contentType]: 'application/json',
    });
  });

  it('refuses an invalid event with KAFKA_INVALID_EVENT and the zod issues', () => {
    const bad = { ...first, order: { ...first.order, customer_id: 'NOT-HEX' } } as OrderEvent;
    let caught: unknown;
    try {
      encodeOrderEvent(bad);
    } catch (error) {
      caught = error;
    }
    expect(isOrderstreamError(caught) && caught.code).toBe('KAFKA_INVALID_EVENT');
    const issues = (caught as { details: { issues: Array<{ path: unknown[] }> } }).details.issues;
    expect(issues.map((i) => i.path.join('.'))).toContain('order.customer_id');
  });

  it('refuses something that is not an order event at all', () => {
    expect(() => encodeOrderEvent({ event_id: 'x' } as unknown as OrderEvent)).toThrow(/invalid/);
  });
});

/** A factory whose brokers hold the topics the tests produce to. */
function factoryWithTopics(producer: FakeProducer) {
  return fakeFactory({ producer, admin: new FakeAdmin(['t', 'orders']) });
}

describe('OrderProducer', () => {
  it('fails fast with KAFKA_TOPIC_MISSING when its topic does not exist, sending nothing', async () => {
    const client = new FakeProducer();
    const producer = new OrderProducer({
      clientFactory: fakeFactory({ producer: client, admin: new FakeAdmin(['other']) }),
      topic: 'absent',
      retryMinTimeoutMs: 1,
    });
    await expect(producer.send(first)).rejects.toMatchObject({
      code: 'KAFKA_TOPIC_MISSING',
      retryable: false,
      details: { topic: 'absent' },
    });
    expect(client.sent).toEqual([]);
  });

  it('sends nothing when any event of a send is invalid', async () => {
    const client = new FakeProducer();
    const producer = new OrderProducer({ clientFactory: factoryWithTopics(client), topic: 't' });
    const bad = { ...second, event_type: 'order_lost' } as unknown as OrderEvent;
    await expect(producer.send([first, bad])).rejects.toMatchObject({ code: 'KAFKA_INVALID_EVENT' });
    expect(client.sent).toEqual([]);
  });

  it('sends a stream in batches to its topic and counts what was acknowledged', async () => {
    const client = new FakeProducer();
    const producer = new OrderProducer({
      clientFactory: factoryWithTopics(client),
      topic: 't',
      batchSize: 16,
    });
    const result = await producer.sendStream(events, { limit: 35 });
    expect(result.sent).toBe(35);
    expect(client.sent.map((s) => s.records.length)).toEqual([16, 16, 3]);
    expect(client.sent.every((s) => s.topic === 't')).toBe(true);
    expect(producer.stats.sent).toBe(35);
  });

  it('holds a stream to the configured rate', async () => {
    const client = new FakeProducer();
    const clock = new FakeClock();
    const producer = new OrderProducer({
      clientFactory: factoryWithTopics(client),
      ratePerSecond: 100,
      burst: 10,
      clock,
    });
    const sending = producer.sendStream(events, { limit: 40 });
    await settle();
    // The burst (10) goes at once; the next 30 need 300 ms at 100/s.
    const sentAt = () => client.sent.reduce((n, s) => n + s.records.length, 0);
    expect(sentAt()).toBe(10);
    for (let i = 0; i < 10; i++) await clock.advance(10);
    expect(sentAt()).toBeLessThanOrEqual(20);
    for (let i = 0; i < 30; i++) await clock.advance(10);
    await sending;
    expect(sentAt()).toBe(40);
  });

  it('resends the same records after a transient failure (broker unreachable) and reports each retry', async () => {
    const producer = new FakeProducer();
    const unreachable = Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
      name: 'KafkaJSNonRetriableError',
      retriable: false,
      cause: Object.assign(new Error('connect ECONNREFUSED'), {
        name: 'KafkaJSConnectionError',
        retriable: true,
      }),
    });
    producer.failures = [unreachable, unreachable];
    const p = new OrderProducer({
      clientFactory: factoryWithTopics(producer),
      retryMinTimeoutMs: 1,
      retryMaxTimeoutMs: 2,
    });
    const retries: Array<{ code: string; attempt: number }> = [];
    p.on('retry', (error, info) => retries.push({ code: error.code, attempt: info.attempt }));
    const result = await p.send([first, second]);
    expect(result.count).toBe(2);
    expect(retries).toEqual([
      { code: 'KAFKA_PRODUCE_FAILED', attempt: 1 },
      { code: 'KAFKA_PRODUCE_FAILED', attempt: 2 },
    ]);
    expect(producer.sent).toHaveLength(1);
    expect(producer.sent[0]?.records.map((r) => r.key)).toEqual([
      first.order.order_id,
      second.order.order_id,
    ]);
    expect(p.stats.sent).toBe(2);
  });

  it('stops connecting when its signal aborts: rejects at once and ends the client attempt', async () => {
    // A client that keeps trying to reach brokers that do not answer, until it is disconnected.
    class UnreachableProducer extends FakeProducer {
      disconnects = 0;
      #give: ((error: Error) => void) | undefined;
      override connect(): Promise<void> {
        return new Promise((_resolve, reject) => {
          this.#give = reject;
        });
      }
      override async disconnect(): Promise<void> {
        this.disconnects += 1;
        this.#give?.(new Error('Connection closed'));
      }
    }
    const client = new UnreachableProducer();
    const p = new OrderProducer({ clientFactory: factoryWithTopics(client) });
    const controller = new AbortController();
    const connecting = p.connect({ signal: controller.signal });
    await settle();
    controller.abort();
    await expect(connecting).rejects.toMatchObject({
      code: 'KAFKA_CONNECTION_FAILED',
      message: expect.stringMatching(/^Stopped while connecting/),
    });
    expect(client.disconnects).toBe(1);
    // Aborted before it starts: the same, without waiting for the client at all.
    await expect(
      new OrderProducer({ clientFactory: factoryWithTopics(new UnreachableProducer()) }).connect({
        signal: AbortSignal.abort(),
      }),
    ).rejects.toMatchObject({ code: 'KAFKA_CONNECTION_FAILED' });
  });

  it('stops retrying when its signal aborts: the records count as not sent', async () => {
    const producer = new FakeProducer();
    const unreachable = Object.assign(new Error('Connection error: ECONNREFUSED'), { retriable: true });
    producer.failures = [unreachable, unreachable, unreachable];
    const p = new OrderProducer({
      clientFactory: factoryWithTopics(producer),
      retryMinTimeoutMs: 600_000,
      retryMaxTimeoutMs: 600_000,
    });
    const controller = new AbortController();
    p.on('retry', () => controller.abort());
    await expect(p.send(first, { signal: controller.signal })).rejects.toMatchObject({
      code: 'KAFKA_PRODUCE_FAILED',
      message: expect.stringMatching(/^Stopped while retrying: 1 events .*ECONNREFUSED/),
    });
    expect(producer.sent).toHaveLength(0);
    expect(p.stats.sent).toBe(0);
  });

  it('does not retry a refusal that would fail again (e.g. a record too large)', async () => {
    const producer = new FakeProducer();
    producer.failures = [
      Object.assign(new Error('The request included a message larger than the max'), {
        type: 'MESSAGE_TOO_LARGE',
        retriable: false,
      }),
    ];
    const p = new OrderProducer({ clientFactory: factoryWithTopics(producer), retryMinTimeoutMs: 1 });
    const retried: unknown[] = [];
    p.on('retry', (error) => retried.push(error));
    await expect(p.send(first)).rejects.toMatchObject({ code: 'KAFKA_PRODUCE_FAILED', retryable: false });
    expect(retried).toEqual([]);
    expect(producer.sent).toHaveLength(0);
  });

  it('gives up with KAFKA_PRODUCE_FAILED once the retries are spent', async () => {
    const producer = new FakeProducer();
    const timeout = Object.assign(new Error('Request timed out'), {
      name: 'KafkaJSRequestTimeoutError',
      retriable: true,
    });
    producer.failures = [timeout, timeout, timeout];
    const p = new OrderProducer({
      clientFactory: factoryWithTopics(producer),
      retries: 2,
      retryMinTimeoutMs: 1,
      retryMaxTimeoutMs: 1,
    });
    await expect(p.send(first)).rejects.toMatchObject({ code: 'KAFKA_PRODUCE_FAILED', retryable: true });
    expect(producer.failures).toHaveLength(0);
  });
});
