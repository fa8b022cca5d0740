import type { OrderEvent, OrderEventType } from '../../schema/order-event.js';

/** What a test needs to say about an order event; the rest is filled with valid constants. */
export interface OrderEventFixture {
  /** Event time (epoch ms or Date). */
  at: number | Date;
  type?: OrderEventType;
  state?: string;
  items?: { price: number; freight?: number; category?: string | null }[];
  id?: number;
}

const hex = (n: number): string => n.toString(16).padStart(32, '0');

let nextId = 1;

/**
 * Builds a parsed order event for tests and benchmarks of the alert engine. Without `id`, every
 * call gets a new event id (the engine counts a repeated event id once).
 */
export function orderEventFixture(fixture: OrderEventFixture): OrderEvent {
  const at = typeof fixture.at === 'number' ? new Date(fixture.at) : fixture.at;
  const id = fixture.id ?? 0x7000_0000_0000 + nextId++;
  const items = fixture.items ?? [{ price: 10_000 }];
  return {
    event_id: `00000000-0000-4000-8000-${id.toString(16).padStart(12, '0')}`,
    event_type: fixture.type ?? 'order_created',
    event_time: at,
    schema_version: 1,
    source: 'test',
    order: {
      order_id: hex(id),
      customer_id: hex(id + 1),
      order_status: 'created',
      order_purchase_timestamp: at,
      order_approved_at: null,
      order_delivered_carrier_date: null,
      order_delivered_customer_date: null,
      order_estimated_delivery_date: at,
      customer: {
        customer_id: hex(id + 1),
        customer_unique_id: hex(id + 2),
        customer_zip_code_prefix: '01001',
        customer_city: 'sao paulo',
        customer_state: fixture.state ?? 'SP',
      },
      items: items.map((item, index) => ({
        order_item_id: index + 1,
        product_id: hex(id + 3),
        seller_id: hex(id + 4),
        shipping_limit_date: at,
        price: item.price,
        freight_value: item.freight ?? 0,
        product_category_name: item.category === undefined ? 'beleza_saude' : item.category,
      })),
      payments: [],
    },
  };
}
