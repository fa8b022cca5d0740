import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderEventSchema } from '../schema/order-event.js';
import { apply, fixture, type Json, mutation, wireEvents } from './order-event-fixtures.js';
import { parseOrderEvent } from './parse-order-event.js';

describe('parseOrderEvent', () => {
  it('accepts generated events with exactly the output of orderEventSchema', async () => {
    for (const event of await wireEvents(300)) {
      const result = parseOrderEvent(event);
      expect(result.success).toBe(true);
      expect(result.data).toStrictEqual(orderEventSchema.parse(event));
    }
  });

  it('decides like orderEventSchema on any mutation of an event, with the same output or issues', async () => {
    const events = await wireEvents(40);
    await fc.assert(
      fc.property(
        fc.nat(events.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (index, changes) => {
          let document = events[index] as Json;
          for (const change of changes) document = apply(document, change);
          const ours = parseOrderEvent(document);
          const zods = orderEventSchema.safeParse(document);
          expect(ours.success).toBe(zods.success);
          if (zods.success) expect(ours.data).toStrictEqual(zods.data);
          else expect(ours.error?.issues).toStrictEqual(zods.error.issues);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('decides like orderEventSchema when money sums reach what a money column holds exactly', () => {
    const amount = fc.constantFrom(
      '0.00',
      '0.01',
      '45035996273704.95',
      '45035996273704.96',
      '90071992547409.91',
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ price: amount, freight: amount }), { minLength: 1, maxLength: 3 }),
        fc.array(amount, { maxLength: 3 }),
        (items, payments) => {
          const document = fixture() as { order: { items: Json[]; payments: Json[] } };
          const template = document.order.items[0] as Record<string, Json>;
          const paid = document.order.payments[0] as Record<string, Json>;
          document.order.items = items.map((item, i) => ({
            ...template,
            order_item_id: i + 1,
            price: item.price,
            freight_value: item.freight,
          }));
          document.order.payments = payments.map((value, i) => ({
            ...paid,
            payment_sequential: i + 1,
            payment_value: value,
          }));
          const ours = parseOrderEvent(document);
          const zods = orderEventSchema.safeParse(document);
          expect(ours.success).toBe(zods.success);
          if (zods.success) expect(ours.data).toStrictEqual(zods.data);
          else expect(ours.error?.issues).toStrictEqual(zods.error.issues);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects the schema-valid poison of issue 19: a money sum past 2^53 cents and lone surrogates', () => {
    const overflow = fixture() as { order: { items: Record<string, Json>[] } };
    const item = overflow.order.items[0] as Record<string, Json>;
    overflow.order.items = [
      { ...item, price: '90071992547409.91' },
      { ...item, order_item_id: 2, price: '0.02' },
    ];
    const sum = parseOrderEvent(overflow);
    expect(sum.success).toBe(false);
    expect(sum.error?.issues[0]?.path).toEqual(['order', 'items']);
    expect(sum.error?.issues[0]?.message).toMatch(/item prices sum to more than 90071992547409\.91/);

    const city = fixture() as { order: { customer: Record<string, Json> } };
    city.order.customer.customer_city = 'sao \ud800paulo';
    expect(parseOrderEvent(city).error?.issues[0]?.path).toEqual(['order', 'customer', 'customer_city']);
    const source = fixture() as Record<string, Json>;
    source.source = '\udfff';
    expect(parseOrderEvent(source).error?.issues[0]?.path).toEqual(['source']);
  });

  it('leaves an event with Date values (not the wire form) to zod, which accepts it', () => {
    const event = orderEventSchema.parse(fixture());
    expect(parseOrderEvent(event)).toStrictEqual(orderEventSchema.safeParse(event));
  });
});
