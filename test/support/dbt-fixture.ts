/**
 * Shared by the dbt integration test and `bench/dbt.ts`: writes streamed order events into
 * `raw_order_events` the way the Kafka sink maps them (typed envelope columns + the wire JSON).
 */
import type { OrderEvent, Warehouse, WarehouseRow } from '@orderstream/core';
import { RAW_ORDER_EVENTS, toOrderEventRow } from '@orderstream/core';

/**
 * One `raw_order_events` row of an event, as the sink writes it (money in cents).
 *
 * @param event - a parsed event
 * @param ingestedAt - the ingestion instant
 * @param offset - a fake Kafka offset
 * @returns the row
 */
export function orderEventRow(event: OrderEvent, ingestedAt: Date, offset: number): WarehouseRow {
  return toOrderEventRow(event, {
    origin: { topic: 'orders', partition: 0, offset, key: event.order.order_id },
    ingestedAt,
  });
}

/**
 * Writes events into `raw_order_events` in batches, stamped with the current time. Appends, as the
 * sink does by default: an event written again lands a second time (at-least-once redelivery at a
 * new offset), and dbt's staging must see it once.
 *
 * @param warehouse - an open warehouse
 * @param events - the events
 * @param firstOffset - the fake offset of the first event
 * @returns the next free offset
 */
export async function writeOrderEvents(
  warehouse: Warehouse,
  events: readonly OrderEvent[],
  firstOffset = 0,
): Promise<number> {
  let offset = firstOffset;
  for (let start = 0; start < events.length; start += 500) {
    const ingestedAt = new Date();
    const rows = events.slice(start, start + 500).map((event) => orderEventRow(event, ingestedAt, offset++));
    await warehouse.write([{ table: RAW_ORDER_EVENTS.name, rows, mode: 'append' }]);
  }
  return offset;
}

/**
 * A clock for `createOrderEventStream`: starts at `start` and moves `stepMs` per reading.
 *
 * @param start - the first reading
 * @param stepMs - milliseconds between readings
 * @returns the clock
 */
export function steppingClock(start: Date, stepMs: number): () => Date {
  let next = start.getTime();
  return () => {
    const now = new Date(next);
    next += stepMs;
    return now;
  };
}
