import type { z } from 'zod';
import { DECLINE, FAST_CODECS, type FastCodec } from '../schema/fast-codecs.js';
import {
  naiveTimestamp,
  olistId,
  orderStatus,
  parseCents,
  parseNaiveTimestamp,
  paymentType,
  stateCode,
  text,
  zipPrefix,
} from '../schema/fields.js';
import {
  ORDER_EVENT_SCHEMA_VERSION,
  ORDER_EVENT_TYPES,
  type OrderEvent,
  orderEventSchema,
} from '../schema/order-event.js';
import { ORDER_EVENT_KEYS } from '../schema/order-event-keys.js';
import { isWellFormedText, ORDER_EVENT_LIMITS, sumCents } from '../schema/storage-limits.js';

/** What {@link parseOrderEvent} returns: zod's own result shape. */
export type ParseOrderEventResult = z.ZodSafeParseResult<OrderEvent>;

/**
 * Validates a decoded JSON value as an order event — the same decision and the same output as
 * `orderEventSchema.safeParse`, faster for the common case.
 *
 * A fast path checks the shape events have on the wire (JSON numbers and strings, ISO instants,
 * no unknown keys) with plain code, and builds the output object directly. Whenever it meets
 * anything else it declines and zod decides, so zod stays the definition: the fast path may only
 * accept what zod accepts, with an identical result (`parse-order-event.test.ts` checks this on
 * generated and mutated events). Invalid events therefore always get zod's issues.
 *
 * @param value - the result of `JSON.parse` (or any value)
 * @returns `{ success: true, data }` or `{ success: false, error }` as from zod
 * @example
 * ```ts
 * const result = parseOrderEvent(JSON.parse(text));
 * if (!result.success) console.warn(result.error.issues);
 * ```
 */
export function parseOrderEvent(value: unknown): ParseOrderEventResult {
  const fast = fastOrderEvent(value);
  if (fast !== undefined) return { success: true, data: fast };
  return orderEventSchema.safeParse(value);
}

type Json = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EVENT_TYPES: ReadonlySet<unknown> = new Set(ORDER_EVENT_TYPES);

const EVENT_KEYS: ReadonlySet<string> = new Set(ORDER_EVENT_KEYS.event.all);
const ORDER_KEYS: ReadonlySet<string> = new Set(ORDER_EVENT_KEYS.order.all);
const CUSTOMER_KEYS: ReadonlySet<string> = new Set(ORDER_EVENT_KEYS.customer.all);
const ITEM_KEYS: ReadonlySet<string> = new Set(ORDER_EVENT_KEYS.item.all);
const ITEM_REQUIRED = ORDER_EVENT_KEYS.item.required.length;
const PAYMENT_KEYS: ReadonlySet<string> = new Set(ORDER_EVENT_KEYS.payment.all);

/** Declines (`undefined`) unless the value is a plain object with exactly the allowed keys. */
function isObjectWith(value: unknown, allowed: ReadonlySet<string>, required: number): value is Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  let count = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || !allowed.has(key)) return false;
    count += 1;
  }
  return count === required;
}

// The field checks are the tested fast codecs of the field codecs (`schema/fast-codecs.ts`), keyed by the zod
// codec they stand for: a string they return unchanged is one that codec accepts as is.
const accepts =
  (codec: FastCodec) =>
  (value: unknown): value is string =>
    typeof value === 'string' && value.length > 0 && codec(value) !== DECLINE;
const fast = (schema: z.ZodType) => FAST_CODECS.get(schema) as FastCodec;
const isId = accepts(fast(olistId));
const isPlainText = accepts(fast(text));
const isText = (value: unknown): value is string => isPlainText(value) && isWellFormedText(value);
const isZip = accepts(fast(zipPrefix));
const isState = accepts(fast(stateCode));
const isStatus = accepts(fast(orderStatus));
const isPaymentType = accepts(fast(paymentType));

// The CSV reader's tested fast timestamp codec; what it declines goes through the zod codec's own parser.
const fastNaiveTimestamp = FAST_CODECS.get(naiveTimestamp) as FastCodec;

function timestamp(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const fast = fastNaiveTimestamp(value);
  return fast === DECLINE ? parseNaiveTimestamp(value) : (fast as Date);
}

function nullableTimestamp(value: unknown): Date | null | undefined {
  return value === null ? null : timestamp(value);
}

/** Money as integer cents, non-negative, from a JSON string or number. */
function cents(value: unknown): number | undefined {
  const parsed =
    typeof value === 'string'
      ? parseCents(value)
      : typeof value === 'number'
        ? parseCents(String(value))
        : undefined;
  return parsed !== undefined && parsed >= 0 && parsed <= ORDER_EVENT_LIMITS.maxMoneyCents
    ? parsed
    : undefined;
}

function count(value: unknown, min: number): number | undefined {
  return typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= min &&
    value <= ORDER_EVENT_LIMITS.maxCount
    ? value
    : undefined;
}

function fastOrderEvent(value: unknown): OrderEvent | undefined {
  if (!isObjectWith(value, EVENT_KEYS, EVENT_KEYS.size)) return undefined;
  const { event_id, event_type, event_time, schema_version, source, order } = value;
  if (typeof event_id !== 'string' || !UUID.test(event_id)) return undefined;
  if (!EVENT_TYPES.has(event_type) || schema_version !== ORDER_EVENT_SCHEMA_VERSION) return undefined;
  if (typeof source !== 'string' || source.length < 1 || source.length > 200 || !isWellFormedText(source)) {
    return undefined;
  }
  if (typeof event_time !== 'string' || !ISO_INSTANT.test(event_time)) return undefined;
  const time = new Date(event_time);
  if (Number.isNaN(time.getTime()) || time.toISOString() !== event_time) return undefined;

  if (!isObjectWith(order, ORDER_KEYS, ORDER_KEYS.size)) return undefined;
  const purchased = timestamp(order.order_purchase_timestamp);
  const approved = nullableTimestamp(order.order_approved_at);
  const carrier = nullableTimestamp(order.order_delivered_carrier_date);
  const delivered = nullableTimestamp(order.order_delivered_customer_date);
  const estimated = timestamp(order.order_estimated_delivery_date);
  if (
    !isId(order.order_id) ||
    !isId(order.customer_id) ||
    !isStatus(order.order_status) ||
    purchased === undefined ||
    approved === undefined ||
    carrier === undefined ||
    delivered === undefined ||
    estimated === undefined
  ) {
    return undefined;
  }

  const customer = order.customer;
  if (!isObjectWith(customer, CUSTOMER_KEYS, CUSTOMER_KEYS.size)) return undefined;
  const zip = customer.customer_zip_code_prefix;
  const customerState = customer.customer_state;
  if (
    !isId(customer.customer_id) ||
    !isId(customer.customer_unique_id) ||
    !isZip(zip) ||
    !isText(customer.customer_city) ||
    !isState(customerState)
  ) {
    return undefined;
  }

  const items = order.items;
  if (!Array.isArray(items) || items.length === 0) return undefined;
  const parsedItems: OrderEvent['order']['items'] = [];
  for (const item of items) {
    const hasCategory =
      typeof item === 'object' && item !== null && Object.hasOwn(item, 'product_category_name');
    const hasState = typeof item === 'object' && item !== null && Object.hasOwn(item, 'seller_state');
    if (!isObjectWith(item, ITEM_KEYS, ITEM_REQUIRED + (hasCategory ? 1 : 0) + (hasState ? 1 : 0))) {
      return undefined;
    }
    const id = count(item.order_item_id, 1);
    const limit = timestamp(item.shipping_limit_date);
    const price = cents(item.price);
    const freight = cents(item.freight_value);
    if (
      id === undefined ||
      !isId(item.product_id) ||
      !isId(item.seller_id) ||
      limit === undefined ||
      price === undefined ||
      freight === undefined
    ) {
      return undefined;
    }
    const parsed: OrderEvent['order']['items'][number] = {
      order_item_id: id,
      product_id: item.product_id,
      seller_id: item.seller_id,
      shipping_limit_date: limit,
      price,
      freight_value: freight,
    };
    if (hasCategory) {
      const category = item.product_category_name;
      if (category !== null && !isText(category)) return undefined;
      parsed.product_category_name = category;
    }
    if (hasState) {
      const state = item.seller_state;
      if (!isState(state)) return undefined;
      parsed.seller_state = state;
    }
    parsedItems.push(parsed);
  }

  const payments = order.payments;
  if (!Array.isArray(payments)) return undefined;
  const parsedPayments: OrderEvent['order']['payments'] = [];
  for (const payment of payments) {
    if (!isObjectWith(payment, PAYMENT_KEYS, PAYMENT_KEYS.size)) return undefined;
    const sequential = count(payment.payment_sequential, 1);
    const installments = count(payment.payment_installments, 0);
    const paid = cents(payment.payment_value);
    const type = payment.payment_type;
    if (
      sequential === undefined ||
      installments === undefined ||
      paid === undefined ||
      !isPaymentType(type)
    ) {
      return undefined;
    }
    parsedPayments.push({
      payment_sequential: sequential,
      payment_type: type as OrderEvent['order']['payments'][number]['payment_type'],
      payment_installments: installments,
      payment_value: paid,
    });
  }

  if (
    sumCents(parsedItems.map((item) => item.price)) === undefined ||
    sumCents(parsedItems.map((item) => item.freight_value)) === undefined ||
    sumCents(parsedPayments.map((payment) => payment.payment_value)) === undefined
  ) {
    return undefined;
  }

  return {
    event_id,
    event_type: event_type as OrderEvent['event_type'],
    event_time: time,
    schema_version: ORDER_EVENT_SCHEMA_VERSION,
    source,
    order: {
      order_id: order.order_id,
      customer_id: order.customer_id,
      order_status: order.order_status as OrderEvent['order']['order_status'],
      order_purchase_timestamp: purchased,
      order_approved_at: approved,
      order_delivered_carrier_date: carrier,
      order_delivered_customer_date: delivered,
      order_estimated_delivery_date: estimated,
      customer: {
        customer_id: customer.customer_id,
        customer_unique_id: customer.customer_unique_id,
        customer_zip_code_prefix: zip,
        customer_city: customer.customer_city,
        customer_state: customerState,
      },
      items: parsedItems,
      payments: parsedPayments,
    },
  };
}
