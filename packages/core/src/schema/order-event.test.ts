import { describe, expect, it } from 'vitest';
import {
  type OrderEventInput,
  orderEventJsonSchema,
  orderEventSchema,
  serializeOrderEvent,
} from './order-event.js';

const ID = (n: number) => n.toString(16).padStart(32, '0');

function wireEvent(): OrderEventInput {
  return {
    event_id: '3b241101-e2bb-4255-8caf-4136c566a962',
    event_type: 'order_created',
    event_time: '2026-11-25T21:00:00.123Z',
    schema_version: 1,
    source: 'test',
    order: {
      order_id: ID(1),
      customer_id: ID(2),
      order_status: 'created',
      order_purchase_timestamp: '2026-11-25 21:00:00',
      order_approved_at: null,
      order_delivered_carrier_date: null,
      order_delivered_customer_date: null,
      order_estimated_delivery_date: '2026-12-05 00:00:00',
      customer: {
        customer_id: ID(2),
        customer_unique_id: ID(3),
        customer_zip_code_prefix: '01037',
        customer_city: 'sao paulo',
        customer_state: 'SP',
      },
      items: [
        {
          order_item_id: 1,
          product_id: ID(4),
          seller_id: ID(5),
          shipping_limit_date: '2026-11-27 21:00:00',
          price: '58.90',
          freight_value: 13.29,
          product_category_name: 'beleza_saude',
        },
      ],
      payments: [
        { payment_sequential: 1, payment_type: 'boleto', payment_installments: 1, payment_value: '72.19' },
      ],
    },
  };
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
