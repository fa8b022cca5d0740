import { describe, expect, it } from 'vitest';
import { isOrderstreamError } from '../errors/orderstream-error.js';
import { type OrderEvent, orderEventSchema, serializeOrderEvent } from '../schema/order-event.js';
import { createOlistCatalog } from './olist-catalog.js';
import { createOrderEventStream } from './order-event-stream.js';

const catalog = createOlistCatalog({ seed: 5, orders: 3000 });

/** A fake clock that moves forward 50 ms per reading. */
function fakeClock(startIso = '2026-11-25T12:00:00.000Z', stepMs = 50): () => Date {
  let now = Date.parse(startIso);
  return () => {
    const date = new Date(now);
    now += stepMs;
    return date;
  };
}

const take = (count: number, seed = 5, extra = {}): OrderEvent[] => [
  ...createOrderEventStream({
    seed,
    catalog,
    now: fakeClock(),
    limit: count,
    meanStatusDelayEvents: 20,
    ...extra,
  }),
];

describe('createOrderEventStream', () => {
  it('yields events that survive serialize → parse unchanged', () => {
    const events = take(3000);
    expect(events).toHaveLength(3000);
    for (const event of events) {
      const wire = JSON.parse(JSON.stringify(serializeOrderEvent(event)));
      expect(orderEventSchema.parse(wire)).toEqual(event);
    }
  });

  it('is deterministic for a seed and clock, and differs across seeds', () => {
    const first = take(500).map((event) => serializeOrderEvent(event));
    const second = take(500).map((event) => serializeOrderEvent(event));
    const other = take(500, 6).map((event) => serializeOrderEvent(event));
    expect(second).toEqual(first);
    expect(other[0]?.order.order_id).not.toBe(first[0]?.order.order_id);
  });

  it('refers to the catalog products and sellers, and some catalog people', () => {
    const events = take(2000);
    const products = new Set(catalog.products.map((product) => product.productId));
    const sellers = new Set(catalog.sellers.map((seller) => seller.sellerId));
    const people = new Set(catalog.customers.map((customer) => customer.customerUniqueId));
    const items = events.flatMap((event) => event.order.items);
    expect(items.filter((item) => !products.has(item.product_id) || !sellers.has(item.seller_id))).toEqual(
      [],
    );
    const created = events.filter((event) => event.event_type === 'order_created');
    const returning = created.filter((event) => people.has(event.order.customer.customer_unique_id)).length;
    expect(returning / created.length).toBeGreaterThan(0.1);
    expect(returning / created.length).toBeLessThan(0.3);
  });

  it('uses the default full-size catalog of its seed when given none, so it joins a default history', () => {
    const events = [...createOrderEventStream({ seed: 3, now: fakeClock(), limit: 200 })];
    const products = new Set(createOlistCatalog({ seed: 3 }).products.map((product) => product.productId));
    const items = events.flatMap((event) => event.order.items);
    expect(items.length).toBeGreaterThan(0);
    expect(items.filter((item) => !products.has(item.product_id))).toEqual([]);
  });

  it('creates each order first, then moves it forward in status order with the clock', () => {
    const events = take(4000);
    const rank: Record<string, number> = {
      order_created: 0,
      order_approved: 1,
      order_shipped: 2,
      order_delivered: 3,
    };
    const seen = new Map<string, OrderEvent[]>();
    for (const event of events) {
      const list = seen.get(event.order.order_id) ?? [];
      list.push(event);
      seen.set(event.order.order_id, list);
    }
    const followed = [...seen.values()].filter((list) => list.length > 1);
    expect(followed.length).toBeGreaterThan(seen.size / 3);
    const types = new Set(events.map((event) => event.event_type));
    expect(types).toContain('order_delivered');
    for (const list of followed) {
      expect(list[0]?.event_type).toBe('order_created');
      for (let i = 1; i < list.length; i++) {
        const [previous, current] = [list[i - 1] as OrderEvent, list[i] as OrderEvent];
        expect(current.event_time.getTime()).toBeGreaterThan(previous.event_time.getTime());
        if (current.event_type in rank) expect(rank[current.event_type]).toBe(i);
        expect(current.order.order_status).toBe(current.event_type.slice('order_'.length));
      }
      const last = list[list.length - 1] as OrderEvent;
      if (last.event_type === 'order_delivered') {
        const {
          order_approved_at: approved,
          order_delivered_carrier_date: carrier,
          order_delivered_customer_date: delivered,
        } = last.order;
        expect(approved && carrier && delivered && approved <= carrier && carrier <= delivered).toBe(true);
      }
    }
  });

  it('stamps new orders with the clock and makes payments add up to items plus freight', () => {
    const now = fakeClock('2026-01-02T03:04:05.678Z', 1000);
    const events = [...createOrderEventStream({ seed: 9, catalog, now, limit: 300, statusChangeShare: 0 })];
    expect(events.every((event) => event.event_type === 'order_created')).toBe(true);
    expect(events[0]?.event_time.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(events[0]?.order.order_purchase_timestamp.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    for (const { order } of events) {
      const owed = order.items.reduce((sum, item) => sum + item.price + item.freight_value, 0);
      expect(order.payments.reduce((sum, payment) => sum + payment.payment_value, 0)).toBe(owed);
      expect(order.order_status).toBe('created');
    }
  });

  it('rejects invalid options with CORE_INVALID_OPTIONS', () => {
    let error: unknown;
    try {
      createOrderEventStream({ catalog, returningCustomerShare: 2 });
    } catch (caught) {
      error = caught;
    }
    expect(isOrderstreamError(error) && error.code).toBe('CORE_INVALID_OPTIONS');
  });
});
