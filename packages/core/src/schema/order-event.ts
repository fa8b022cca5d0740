import { z } from 'zod';
import {
  formatCents,
  formatNaiveTimestamp,
  instant,
  integer,
  money,
  naiveTimestamp,
  olistId,
  orderStatus,
  paymentType,
  stateCode,
  text,
  zipPrefix,
} from './fields.js';
import { isWellFormedText, ORDER_EVENT_LIMITS, sumCents } from './storage-limits.js';

/** The version of the order event contract this build writes and reads. */
export const ORDER_EVENT_SCHEMA_VERSION = 1;

/**
 * The event types of the stream: an order's creation and each later change of its status.
 */
export const ORDER_EVENT_TYPES = [
  'order_created',
  'order_approved',
  'order_invoiced',
  'order_processing',
  'order_shipped',
  'order_delivered',
  'order_canceled',
  'order_unavailable',
] as const;

/** One of {@link ORDER_EVENT_TYPES}. */
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

const LONE_SURROGATE = 'expected well-formed Unicode text (no lone surrogate)';
/** Free text the JSON functions of the warehouse can read back. */
const wellFormedText = text.refine(isWellFormedText, LONE_SURROGATE);
const count = (min: number) => integer.pipe(z.int().min(min).max(ORDER_EVENT_LIMITS.maxCount));
const cents = money.pipe(z.int().nonnegative().max(ORDER_EVENT_LIMITS.maxMoneyCents));

const customerSchema = z
  .object({
    customer_id: olistId,
    customer_unique_id: olistId,
    customer_zip_code_prefix: zipPrefix,
    customer_city: wellFormedText,
    customer_state: stateCode,
  })
  .strict();

const itemSchema = z
  .object({
    order_item_id: count(1),
    product_id: olistId,
    seller_id: olistId,
    shipping_limit_date: naiveTimestamp,
    price: cents,
    freight_value: cents,
    /** The product's category (Portuguese, as in Olist); `null` when unknown. */
    product_category_name: wellFormedText.nullable().optional(),
    /** The seller's state; lets live panels filter by state without a join. */
    seller_state: stateCode.optional(),
  })
  .strict();

const paymentSchema = z
  .object({
    payment_sequential: count(1),
    payment_type: paymentType,
    payment_installments: count(0),
    payment_value: cents,
  })
  .strict();

const MAX_MONEY = formatCents(ORDER_EVENT_LIMITS.maxMoneyCents);

const orderSchema = z
  .object({
    order_id: olistId,
    customer_id: olistId,
    order_status: orderStatus,
    order_purchase_timestamp: naiveTimestamp,
    order_approved_at: naiveTimestamp.nullable(),
    order_delivered_carrier_date: naiveTimestamp.nullable(),
    order_delivered_customer_date: naiveTimestamp.nullable(),
    order_estimated_delivery_date: naiveTimestamp,
    customer: customerSchema,
    items: z.array(itemSchema).min(1, 'an order has at least one item'),
    payments: z.array(paymentSchema),
  })
  .strict()
  .superRefine((order, ctx) => {
    // The sink stores these sums in money columns: each must fit, exactly.
    const sums: Array<[string, readonly number[], string]> = [
      ['items', order.items.map((item) => item.price), 'item prices'],
      ['items', order.items.map((item) => item.freight_value), 'item freight values'],
      ['payments', order.payments.map((payment) => payment.payment_value), 'payment values'],
    ];
    for (const [path, amounts, what] of sums) {
      if (sumCents(amounts) === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [path],
          message: `the ${what} sum to more than ${MAX_MONEY}, the most a money column holds exactly`,
        });
      }
    }
  });

/**
 * The order event contract of the stream, version 1: a versioned envelope whose `order` payload
 * uses the Olist tables' vocabulary (column names, codes, money with two decimals), so streamed
 * and historical orders land in one model.
 *
 * On the wire (JSON), money is a decimal string or number with at most two places
 * (`"129.90"`), Olist timestamps are `YYYY-MM-DD HH:MM:SS`, and `event_time` is ISO 8601 with a
 * zone. Parsed, money is integer cents and timestamps are `Date`s.
 *
 * Every value is bounded by what the warehouse columns hold ({@link ORDER_EVENT_LIMITS}): money
 * and its per-order sums fit a money column exactly, counts fit `INTEGER`, text is well-formed
 * Unicode. How far `event_time` may lie from now is the reader's decision
 * (`eventTimeOutsideWindow`), since it depends on a clock.
 *
 * @example
 * ```ts
 * const result = orderEventSchema.safeParse(JSON.parse(message.value));
 * if (result.success) console.log(result.data.order.order_id);
 * ```
 */
export const orderEventSchema = z
  .object({
    /** A unique id of the event (UUID); the idempotency key of the stream. */
    event_id: z.uuid(),
    event_type: z.enum(ORDER_EVENT_TYPES),
    /** When the change happened at the shop (event time, not processing time). */
    event_time: instant,
    schema_version: z.literal(ORDER_EVENT_SCHEMA_VERSION),
    /** Who emitted the event, e.g. `shop-web`, `orderstream-generator`, `replay`. */
    source: z.string().min(1).max(200).refine(isWellFormedText, LONE_SURROGATE),
    order: orderSchema,
  })
  .strict();

/** A parsed order event (money in cents, timestamps as `Date`). */
export type OrderEvent = z.output<typeof orderEventSchema>;
/** An order event as written on the wire, before parsing. */
export type OrderEventInput = z.input<typeof orderEventSchema>;
/** The order carried by an {@link OrderEvent}. */
export type OrderEventOrder = OrderEvent['order'];
/** One item of an order event. */
export type OrderEventItem = OrderEventOrder['items'][number];
/** One payment of an order event. */
export type OrderEventPayment = OrderEventOrder['payments'][number];

/** The JSON wire shape of an order event, as {@link serializeOrderEvent} writes it. */
export interface OrderEventWire {
  event_id: string;
  event_type: OrderEventType;
  event_time: string;
  schema_version: typeof ORDER_EVENT_SCHEMA_VERSION;
  source: string;
  order: Record<string, unknown>;
}

const tsOrNull = (date: Date | null): string | null => (date === null ? null : formatNaiveTimestamp(date));

/**
 * Turns a parsed order event back into its JSON wire shape (money as `"12.30"`, timestamps as text).
 * `orderEventSchema.parse(serializeOrderEvent(e))` equals `e`.
 *
 * @param event - a parsed event
 * @returns a plain object ready for `JSON.stringify`
 */
export function serializeOrderEvent(event: OrderEvent): OrderEventWire {
  const { order } = event;
  return {
    event_id: event.event_id,
    event_type: event.event_type,
    event_time: event.event_time.toISOString(),
    schema_version: event.schema_version,
    source: event.source,
    order: {
      order_id: order.order_id,
      customer_id: order.customer_id,
      order_status: order.order_status,
      order_purchase_timestamp: formatNaiveTimestamp(order.order_purchase_timestamp),
      order_approved_at: tsOrNull(order.order_approved_at),
      order_delivered_carrier_date: tsOrNull(order.order_delivered_carrier_date),
      order_delivered_customer_date: tsOrNull(order.order_delivered_customer_date),
      order_estimated_delivery_date: formatNaiveTimestamp(order.order_estimated_delivery_date),
      customer: { ...order.customer },
      items: order.items.map((item) => ({
        ...item,
        shipping_limit_date: formatNaiveTimestamp(item.shipping_limit_date),
        price: formatCents(item.price),
        freight_value: formatCents(item.freight_value),
      })),
      payments: order.payments.map((payment) => ({
        ...payment,
        payment_value: formatCents(payment.payment_value),
      })),
    },
  };
}

/**
 * The JSON Schema (draft 2020-12) of the order event wire format, for producers that are not
 * written in TypeScript.
 *
 * @returns a JSON Schema object
 */
export function orderEventJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(orderEventSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
