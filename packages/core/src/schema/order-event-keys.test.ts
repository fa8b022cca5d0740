import { describe, expect, it } from 'vitest';
import { fixture } from '../events/order-event-fixtures.js';
import { ORDER_EVENT_KEYS } from './order-event-keys.js';

describe('ORDER_EVENT_KEYS', () => {
  it('lists the keys in the order producers write them, the optional item keys not required', () => {
    const wire = fixture() as { order: Record<string, unknown> & { items: object[]; payments: object[] } };
    expect(ORDER_EVENT_KEYS.event.all).toEqual(Object.keys(wire));
    expect(ORDER_EVENT_KEYS.order.all).toEqual(Object.keys(wire.order));
    expect(ORDER_EVENT_KEYS.customer.all).toEqual(Object.keys(wire.order.customer as object));
    expect(ORDER_EVENT_KEYS.payment.all).toEqual(Object.keys(wire.order.payments[0] as object));
    expect(ORDER_EVENT_KEYS.item.required).toEqual(Object.keys(wire.order.items[0] as object));
    expect(ORDER_EVENT_KEYS.item.all).toEqual([
      ...ORDER_EVENT_KEYS.item.required,
      'product_category_name',
      'seller_state',
    ]);
    expect(ORDER_EVENT_KEYS.order.required).toEqual(ORDER_EVENT_KEYS.order.all);
  });
});
