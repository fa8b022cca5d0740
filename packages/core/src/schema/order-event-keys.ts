import type { z } from 'zod';
import { orderEventSchema } from './order-event.js';

/** The keys of one object of the order event, read from its zod schema. */
export interface ObjectKeys<K extends string = string> {
  /** Every key, in the order the schema declares them (the order producers write them in). */
  readonly all: readonly K[];
  /** The keys the schema requires (`all` less the optional ones). */
  readonly required: readonly K[];
}

function keysOf<S extends z.ZodRawShape>(shape: S): ObjectKeys<keyof S & string> {
  // A shape's own keys come in the order they were written: deterministic, and the schema's order.
  const all = Object.keys(shape) as (keyof S & string)[];
  return { all, required: all.filter((key) => !(shape[key] as z.ZodType).isOptional()) };
}

const event = orderEventSchema.shape;
const order = event.order.shape;

/**
 * The keys of each object of the order event — the envelope, the order, its customer, an item, a
 * payment — as `orderEventSchema` defines them: the fast paths that check keys without zod
 * (`parseOrderEvent`, `OrderEventScanner`) take them from here, so the schema stays their only
 * definition.
 */
export const ORDER_EVENT_KEYS = {
  event: keysOf(event),
  order: keysOf(order),
  customer: keysOf(order.customer.shape),
  item: keysOf(order.items.element.shape),
  payment: keysOf(order.payments.element.shape),
} as const;
