import type { OrderEvent } from '@orderstream/core';
import { ORDER_EVENT_SCHEMA_VERSION, orderEventSchema, serializeOrderEvent } from '@orderstream/core';
import type { z } from 'zod';
import type { OutgoingRecord } from '../client/kafka-client.js';
import { kafkaError } from '../errors/kafka-error-codes.js';
import { ORDER_EVENT_CONTENT_TYPE, ORDER_EVENT_HEADERS } from './headers.js';

/**
 * Turns an order event into the Kafka record the producer sends: key = `order_id` (so one order's
 * events stay in order on one partition), value = the JSON wire form, and the
 * {@link ORDER_EVENT_HEADERS}. The wire form is validated against `orderEventSchema` first, so
 * nothing invalid reaches Kafka.
 *
 * @param event - a parsed order event (money in cents, timestamps as `Date`s)
 * @returns the record, with the value as a JSON string
 * @throws `OrderstreamError` `KAFKA_INVALID_EVENT` with zod's issues in `details.issues` and the
 *   event id (when there is one) in `details.eventId`
 * @example
 * ```ts
 * const record = encodeOrderEvent(event);
 * record.key === event.order.order_id; // true
 * ```
 */
export function encodeOrderEvent(event: OrderEvent): OutgoingRecord {
  let wire: unknown;
  try {
    wire = serializeOrderEvent(event);
  } catch (error) {
    throw invalid(event, [
      {
        code: 'custom',
        path: [],
        message: `not an order event: ${(error as Error).message}`,
        input: undefined,
      } as z.core.$ZodIssue,
    ]);
  }
  const result = orderEventSchema.safeParse(wire);
  if (!result.success) throw invalid(event, result.error.issues);
  return {
    key: result.data.order.order_id,
    value: JSON.stringify(wire),
    headers: {
      [ORDER_EVENT_HEADERS.schemaVersion]: String(ORDER_EVENT_SCHEMA_VERSION),
      [ORDER_EVENT_HEADERS.eventType]: result.data.event_type,
      [ORDER_EVENT_HEADERS.contentType]: ORDER_EVENT_CONTENT_TYPE,
    },
  };
}

function invalid(event: unknown, issues: readonly z.core.$ZodIssue[]) {
  const eventId = (event as { event_id?: unknown } | null)?.event_id;
  const summary = issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  return kafkaError(
    'KAFKA_INVALID_EVENT',
    `Order event${typeof eventId === 'string' ? ` ${eventId}` : ''} is invalid: ${summary}`,
    { details: { issues, ...(typeof eventId === 'string' ? { eventId } : {}) } },
  );
}
