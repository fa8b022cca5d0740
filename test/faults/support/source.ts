import type { OrderEvent } from '@orderstream/core';
import { createOrderEventStream, formatCents } from '@orderstream/core';

/** What the source sent: counts and exact sums (cents) of the streamed order events. */
export class SourceTotals {
  events = 0;
  readonly #eventIds = new Set<string>();
  readonly #orderIds = new Set<string>();
  /** Per order, the price + freight of the lines dbt keeps: its order_created event's, else its first event's. */
  readonly #lineCents = new Map<string, number>();
  itemsCents = 0;
  freightCents = 0;
  paymentCents = 0;

  /** Counts one event. */
  add(event: OrderEvent): void {
    this.events++;
    this.#eventIds.add(event.event_id);
    this.#orderIds.add(event.order.order_id);
    for (const item of event.order.items) {
      this.itemsCents += item.price;
      this.freightCents += item.freight_value;
    }
    for (const payment of event.order.payments) this.paymentCents += payment.payment_value;
    const id = event.order.order_id;
    if (event.event_type === 'order_created' || !this.#lineCents.has(id)) {
      let cents = 0;
      for (const item of event.order.items) cents += item.price + item.freight_value;
      this.#lineCents.set(id, cents);
    }
  }

  /** What the dbt marts must hold for these events alone (no history loaded). */
  marts(): MartTotals {
    let cents = 0;
    for (const value of this.#lineCents.values()) cents += value;
    return { orders: this.#orderIds.size, revenue: formatCents(cents) };
  }

  /** The totals in the shape {@link warehouseTotals} returns. */
  summary(): Totals {
    return {
      rows: this.events,
      distinctEvents: this.#eventIds.size,
      distinctOrders: this.#orderIds.size,
      items: formatCents(this.itemsCents),
      freight: formatCents(this.freightCents),
      payments: formatCents(this.paymentCents),
    };
  }
}

/** In-stream orders in `marts.fct_orders` and the revenue (price + freight) of their lines. */
export interface MartTotals {
  readonly orders: number;
  readonly revenue: string;
}

/** Counts and exact decimal sums of order events, source or warehouse side. */
export interface Totals {
  readonly rows: number;
  readonly distinctEvents: number;
  readonly distinctOrders: number;
  readonly items: string;
  readonly freight: string;
  readonly payments: string;
}

/**
 * A seeded stream of `limit` order events that adds each event to `totals` as it is drawn, so
 * the source side is known exactly without keeping the events in memory.
 */
export function* countedEvents(seed: number, limit: number, totals: SourceTotals): Generator<OrderEvent> {
  for (const event of createOrderEventStream({ seed, limit })) {
    totals.add(event);
    yield event;
  }
}
