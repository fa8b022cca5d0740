import { OrderstreamError } from '../errors/orderstream-error.js';
import type { OrderEvent } from './order-event.js';
import { serializeOrderEvent } from './order-event.js';
import { sumCents } from './storage-limits.js';
import type { WarehouseValue } from './warehouse-row.js';

/** Where an event was read from, for the Kafka columns of `raw_order_events`. */
export interface OrderEventOrigin {
  readonly topic: string;
  readonly partition: number;
  /** The record's offset. */
  readonly offset: number;
  /** The record's key as text, or `null`. */
  readonly key: string | null;
}

/** One `raw_order_events` row, keyed by column name (money in cents). */
export type OrderEventRow = {
  -readonly [K in
    | 'event_id'
    | 'event_type'
    | 'event_time'
    | 'schema_version'
    | 'source'
    | 'order_id'
    | 'customer_id'
    | 'customer_unique_id'
    | 'customer_state'
    | 'order_status'
    | 'order_purchase_timestamp'
    | 'items_count'
    | 'items_value'
    | 'freight_value'
    | 'payment_value'
    | 'payload'
    | 'kafka_topic'
    | 'kafka_partition'
    | 'kafka_offset'
    | 'kafka_key'
    | 'ingested_at']: WarehouseValue;
};

/** An exact sum in cents; the schema bounds sums, so this only fails for an unvalidated event. */
function sum(event: OrderEvent, column: string, values: readonly number[]): number {
  const total = sumCents(values);
  if (total === undefined) {
    throw new OrderstreamError(
      'CORE_VALIDATION_FAILED',
      `Event ${event.event_id}: ${column} exceeds what a money column holds exactly`,
      { details: { eventId: event.event_id, field: column } },
    );
  }
  return total;
}

/**
 * Maps an order event onto the columns of the stream's landing table `raw_order_events`: the
 * envelope and order fields the dashboard reads without parsing JSON, the item, freight and payment
 * totals in cents, the whole event as JSON, and where it came from.
 *
 * @param event - a parsed event
 * @param options - the JSON text as received (default: the event serialized), its Kafka origin
 *   (default: none) and the ingestion instant
 * @returns the row
 * @throws `OrderstreamError` `CORE_VALIDATION_FAILED` when a money sum does not fit a money column
 *   (never for an event that passed `orderEventSchema`)
 * @example
 * ```ts
 * await warehouse.write([{ table: 'raw_order_events', rows: [toOrderEventRow(event, { ingestedAt: new Date() })] }]);
 * ```
 */
export function toOrderEventRow(
  event: OrderEvent,
  options: { payload?: string; origin?: OrderEventOrigin; ingestedAt: Date | null },
): OrderEventRow {
  const { order } = event;
  return {
    event_id: event.event_id,
    event_type: event.event_type,
    event_time: event.event_time,
    schema_version: event.schema_version,
    source: event.source,
    order_id: order.order_id,
    customer_id: order.customer_id,
    customer_unique_id: order.customer.customer_unique_id,
    customer_state: order.customer.customer_state,
    order_status: order.order_status,
    order_purchase_timestamp: order.order_purchase_timestamp,
    items_count: order.items.length,
    items_value: sum(
      event,
      'items_value',
      order.items.map((item) => item.price),
    ),
    freight_value: sum(
      event,
      'freight_value',
      order.items.map((item) => item.freight_value),
    ),
    payment_value: sum(
      event,
      'payment_value',
      order.payments.map((payment) => payment.payment_value),
    ),
    payload: options.payload ?? JSON.stringify(serializeOrderEvent(event)),
    kafka_topic: options.origin?.topic ?? null,
    kafka_partition: options.origin?.partition ?? null,
    kafka_offset: options.origin?.offset ?? null,
    kafka_key: options.origin?.key ?? null,
    ingested_at: options.ingestedAt,
  };
}
