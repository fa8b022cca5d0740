import { describe, expect, it } from 'vitest';
import { createOrderEventStream } from '../generator/order-event-stream.js';
import { toOrderEventRow } from './order-event-row.js';
import { RAW_ORDER_EVENTS } from './raw-schema.js';

const [event] = [
  ...createOrderEventStream({ seed: 7, limit: 1, now: () => new Date('2026-11-25T21:00:00Z') }),
];

describe('toOrderEventRow', () => {
  it('fills exactly the columns of raw_order_events', () => {
    if (!event) throw new Error('the stream yielded nothing');
    const row = toOrderEventRow(event, { ingestedAt: new Date() });
    expect(Object.keys(row).sort()).toEqual(RAW_ORDER_EVENTS.columns.map((column) => column.name).sort());
  });

  it('sums items, freight and payments in cents and keeps the Kafka origin', () => {
    if (!event) throw new Error('the stream yielded nothing');
    const ingestedAt = new Date('2026-11-25T21:00:01Z');
    const row = toOrderEventRow(event, {
      payload: '{"raw":true}',
      origin: { topic: 'orders', partition: 2, offset: 41, key: event.order.order_id },
      ingestedAt,
    });
    const items = event.order.items.reduce((sum, item) => sum + item.price, 0);
    const freight = event.order.items.reduce((sum, item) => sum + item.freight_value, 0);
    const payments = event.order.payments.reduce((sum, payment) => sum + payment.payment_value, 0);
    expect(row).toMatchObject({
      items_count: event.order.items.length,
      items_value: items,
      freight_value: freight,
      payment_value: payments,
      payload: '{"raw":true}',
      kafka_topic: 'orders',
      kafka_partition: 2,
      kafka_offset: 41,
      kafka_key: event.order.order_id,
      ingested_at: ingestedAt,
    });
  });

  it('serializes the event when no payload text is given, and leaves the Kafka columns null', () => {
    if (!event) throw new Error('the stream yielded nothing');
    const row = toOrderEventRow(event, { ingestedAt: null });
    expect(JSON.parse(String(row.payload)).event_id).toBe(event.event_id);
    expect([row.kafka_topic, row.kafka_partition, row.kafka_offset, row.kafka_key]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it('never sums money past 2^53 cents: an unvalidated event whose sum does not fit throws (regression: issue 19 stored a rounded float)', () => {
    if (!event) throw new Error('the stream yielded nothing');
    const item = event.order.items[0];
    if (!item) throw new Error('no item');
    const huge = {
      ...event,
      order: {
        ...event.order,
        items: [
          { ...item, price: Number.MAX_SAFE_INTEGER },
          { ...item, price: 2 },
        ],
      },
    };
    expect(() => toOrderEventRow(huge, { ingestedAt: null })).toThrow(
      expect.objectContaining({ code: 'CORE_VALIDATION_FAILED' }),
    );
  });
});
