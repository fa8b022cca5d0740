// Replays orders per minute as order events through an alert engine, as a consumer that is caught up
// would: every event with its own event id, the watermark advanced at the end of every minute.
import type { AlertEngine, OrderEvent } from '@orderstream/core';

const MINUTE_MS = 60_000;

const TEMPLATE_ITEM = {
  order_item_id: 1,
  product_id: '00000000000000000000000000000001',
  seller_id: '00000000000000000000000000000002',
  shipping_limit_date: new Date('2018-01-10T00:00:00Z'),
  price: 0,
  freight_value: 0,
  product_category_name: 'beleza_saude',
};

/** What a replay did. */
export interface ReplayResult {
  events: number;
  minutes: number;
  ms: number;
}

/**
 * Feeds `minutes` minutes from `start`: the orders of minute `m` are `ordersOf(m)` (each a basket:
 * revenue in cents and item count), spread evenly over the minute.
 */
export function replayThroughEngine(
  engine: AlertEngine,
  start: number,
  minutes: number,
  ordersOf: (minute: number) => readonly (readonly [number, number])[],
): ReplayResult {
  const event = {
    event_id: '',
    event_type: 'order_created',
    event_time: new Date(0),
    schema_version: 1,
    source: 'bench',
    order: {
      order_id: '00000000000000000000000000000003',
      customer_id: '00000000000000000000000000000004',
      order_status: 'created',
      order_purchase_timestamp: new Date(0),
      order_approved_at: null,
      order_delivered_carrier_date: null,
      order_delivered_customer_date: null,
      order_estimated_delivery_date: new Date(0),
      customer: {
        customer_id: '00000000000000000000000000000004',
        customer_unique_id: '00000000000000000000000000000005',
        customer_zip_code_prefix: '01000',
        customer_city: 'sao paulo',
        customer_state: 'SP',
      },
      items: [] as (typeof TEMPLATE_ITEM)[],
      payments: [],
    },
  };
  const itemPool = [0, 1, 2].map((i) => ({ ...TEMPLATE_ITEM, order_item_id: i + 1 }));
  let events = 0;
  const began = performance.now();
  for (let m = 0; m < minutes; m++) {
    const baskets = ordersOf(m);
    for (let i = 0; i < baskets.length; i++) {
      const [cents, count] = baskets[i] as readonly [number, number];
      event.event_time = new Date(
        start + m * MINUTE_MS + Math.floor(((i + 0.5) / baskets.length) * MINUTE_MS),
      );
      event.event_id = `00000000-0000-4000-8000-${events.toString(16).padStart(12, '0')}`;
      const items = itemPool.slice(0, Math.max(1, count));
      for (const item of items) {
        item.price = Math.floor(cents / items.length);
        item.freight_value = 0;
      }
      (items[0] as typeof TEMPLATE_ITEM).price += cents - Math.floor(cents / items.length) * items.length;
      event.order.items = items;
      engine.ingest(event as unknown as OrderEvent);
      events += 1;
    }
    // A consumer that is caught up advances the watermark on a timer, so minutes close during outages too.
    engine.advance(new Date(start + (m + 1) * MINUTE_MS - engine.options.allowedLatenessMs));
  }
  return { events, minutes, ms: performance.now() - began };
}
