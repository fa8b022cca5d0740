import type { OrderEvent } from '@orderstream/core';
import { createOrderEventStream, ORDER_EVENT_SCHEMA_VERSION, orderEventSchema } from '@orderstream/core';
import { createOrderProducer, ensureTopics, ORDER_EVENT_HEADERS } from '@orderstream/kafka';
import { describe, expect, it } from 'vitest';
import { brokers, freshTopics, header, readTopic } from './support/kit.js';

describe('producer and topic admin against the real broker', () => {
  it('publishes keyed JSON events with their headers, one order per partition', async () => {
    const { topic } = await freshTopics(3);
    const events = [...createOrderEventStream({ seed: 41, limit: 300 })];
    const producer = createOrderProducer({ brokers: brokers(), topic });
    await producer.sendStream(events);
    await producer.disconnect();

    const records = await readTopic(topic, events.length);
    expect(records).toHaveLength(events.length);
    const partitionOfOrder = new Map<string, number>();
    for (const record of records) {
      const event = orderEventSchema.parse(JSON.parse(String(record.value))) as OrderEvent;
      expect(record.key?.toString()).toBe(event.order.order_id);
      expect(header(record, ORDER_EVENT_HEADERS.schemaVersion)).toBe(String(ORDER_EVENT_SCHEMA_VERSION));
      expect(header(record, ORDER_EVENT_HEADERS.eventType)).toBe(event.event_type);
      expect(header(record, ORDER_EVENT_HEADERS.contentType)).toBe('application/json');
      const seen = partitionOfOrder.get(event.order.order_id);
      if (seen !== undefined) expect(record.partition).toBe(seen);
      partitionOfOrder.set(event.order.order_id, record.partition);
    }
    expect(partitionOfOrder.size).toBeGreaterThan(50);
  });

  it('refuses a topic that does not exist at once (KAFKA_TOPIC_MISSING), creating nothing', async () => {
    const { topic } = await freshTopics(1);
    const missing = `${topic}-never-created`;
    const producer = createOrderProducer({ brokers: brokers(), topic: missing });
    const [event] = [...createOrderEventStream({ seed: 7, limit: 1 })];
    await expect(producer.send(event as OrderEvent)).rejects.toMatchObject({
      code: 'KAFKA_TOPIC_MISSING',
      retryable: false,
    });
    await producer.disconnect();
    const report = await ensureTopics({
      brokers: brokers(),
      ordersTopic: topic,
      deadLetterTopic: missing,
      partitions: 1,
    });
    // The producer's attempt did not create it: ensureTopics finds it missing and creates it now.
    expect(report.topics.find((t) => t.name === missing)?.status).toBe('created');
  });

  it('finds existing topics and reports a partition mismatch', async () => {
    const { topic, dlq } = await freshTopics(2);
    const same = await ensureTopics({
      brokers: brokers(),
      ordersTopic: topic,
      deadLetterTopic: dlq,
      partitions: 2,
    });
    expect(same.topics.map((t) => t.status)).toEqual(['exists', 'exists']);
    const other = await ensureTopics({
      brokers: brokers(),
      ordersTopic: topic,
      deadLetterTopic: dlq,
      partitions: 5,
    });
    expect(other.mismatches).toEqual([
      { name: topic, role: 'orders', status: 'mismatch', partitions: 2, expectedPartitions: 5 },
    ]);
  });
});
