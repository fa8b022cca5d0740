import { describe, expect, it } from 'vitest';
import { fixture } from '../events/order-event-fixtures.js';
import {
  type OrderEventInput,
  orderEventJsonSchema,
  orderEventSchema,
  serializeOrderEvent,
} from './order-event.js';

/** The shared wire event, with an item category and two-decimal freight and payment values. */
function wireEvent(): OrderEventInput {
  const event = fixture() as unknown as OrderEventInput;
  Object.assign(event.order.items[0] as object, {
    freight_value: 13.29,
    product_category_name: 'beleza_saude',
  });
  Object.assign(event.order.payments[0] as object, { payment_value: '72.19' });
  return event;
}

describe('orderEventSchema', () => {
  it('parses money into cents and timestamps into dates', () => {
    const event = orderEventSchema.parse(wireEvent());
    expect(event.order.items[0]?.price).toBe(5890);
    expect(event.order.items[0]?.freight_value).toBe(1329);
    expect(event.order.payments[0]?.payment_value).toBe(7219);
    expect(event.event_time.toISOString()).toBe('2026-11-25T21:00:00.123Z');
  });

  it('round-trips through serializeOrderEvent', () => {
    const event = orderEventSchema.parse(wireEvent());
    const wire = JSON.parse(JSON.stringify(serializeOrderEvent(event)));
    expect(orderEventSchema.parse(wire)).toEqual(event);
    expect(wire.order.items[0].price).toBe('58.90');
  });

  it('names the field of a violation', () => {
    const input = wireEvent();
    (input.order.items[0] as { price: unknown }).price = 'twelve';
    const result = orderEventSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['order', 'items', 0, 'price']);
  });

  it('refuses unknown fields, other schema versions and orders without items', () => {
    expect(orderEventSchema.safeParse({ ...wireEvent(), extra: 1 }).success).toBe(false);
    expect(orderEventSchema.safeParse({ ...wireEvent(), schema_version: 2 }).success).toBe(false);
    const empty = wireEvent();
    empty.order.items = [];
    expect(orderEventSchema.safeParse(empty).success).toBe(false);
  });

  it('refuses an event time without a zone', () => {
    expect(orderEventSchema.safeParse({ ...wireEvent(), event_time: '2026-11-25T21:00:00' }).success).toBe(
      false,
    );
  });
});

describe('orderEventJsonSchema', () => {
  it('describes the wire format with required envelope fields', () => {
    const schema = orderEventJsonSchema() as { required: string[]; properties: Record<string, unknown> };
    expect(schema.required).toEqual(
      expect.arrayContaining(['event_id', 'event_type', 'event_time', 'schema_version', 'source', 'order']),
    );
    expect(Object.keys(schema.properties)).toContain('order');
  });
});
