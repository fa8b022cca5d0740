import { z } from 'zod';
import { resolveOptions } from '../options/resolve-options.js';
import type { OrderStatus } from '../schema/fields.js';
import { ORDER_EVENT_SCHEMA_VERSION, type OrderEvent, type OrderEventType } from '../schema/order-event.js';
import { type DrawnOrder, OrderDrawer } from './internal/order-drawer.js';
import { RANDOM_STREAMS, SeededRandom } from './internal/seeded-random.js';
import { createOlistCatalog, type OlistCatalog, type OlistCatalogCustomer } from './olist-catalog.js';

/** The defaults of {@link OrderEventStreamOptions}. */
export const ORDER_EVENT_STREAM_DEFAULTS = {
  seed: 42,
  returningCustomerShare: 0.2,
  statusChangeShare: 0.6,
  meanStatusDelayEvents: 200,
  source: 'orderstream-generator',
} as const;

/** The zod schema of {@link OrderEventStreamOptions}. */
export const orderEventStreamOptionsSchema = z
  .object({
    /**
     * The seed: the same seed, catalog and clock readings give the same events.
     * @defaultValue 42
     */
    seed: z.int().min(0).max(0xffff_ffff).default(ORDER_EVENT_STREAM_DEFAULTS.seed),
    /**
     * The clock; every event's `event_time` (and a new order's purchase time) is its reading.
     * @defaultValue `() => new Date()`
     */
    now: z
      .custom<() => Date>((value) => typeof value === 'function', 'expected a function returning a Date')
      .default(() => () => new Date()),
    /**
     * The products, sellers and people orders refer to. Pass the catalog of the history's seed and
     * size (`createOlistCatalog({ seed, orders })`) so streamed orders join the generated files.
     * @defaultValue `createOlistCatalog({ seed })`, the catalog of the default full-size data set
     */
    catalog: z.custom<OlistCatalog>((value) => typeof value === 'object' && value !== null).optional(),
    /**
     * The share of new orders placed by a person of the catalog (a returning customer); the others
     * come from new people at the catalog's addresses. Every order has its own `customer_id`, as in
     * Olist.
     * @defaultValue 0.2
     */
    returningCustomerShare: z
      .number()
      .min(0)
      .max(1)
      .default(ORDER_EVENT_STREAM_DEFAULTS.returningCustomerShare),
    /**
     * The share of created orders that are followed by status changes (approved, then shipped and
     * delivered, or canceled and the like, as their drawn fate says).
     * @defaultValue 0.6
     */
    statusChangeShare: z.number().min(0).max(1).default(ORDER_EVENT_STREAM_DEFAULTS.statusChangeShare),
    /**
     * The mean number of events between an order's successive status changes.
     * @defaultValue 200 events
     */
    meanStatusDelayEvents: z
      .number()
      .min(0)
      .max(1_000_000)
      .default(ORDER_EVENT_STREAM_DEFAULTS.meanStatusDelayEvents),
    /**
     * The `source` written on every event.
     * @defaultValue 'orderstream-generator'
     */
    source: z.string().min(1).max(200).default(ORDER_EVENT_STREAM_DEFAULTS.source),
    /**
     * Stops after this many events.
     * @defaultValue unbounded
     */
    limit: z.int().min(0).optional(),
  })
  .strict();

/**
 * Options of {@link createOrderEventStream}.
 *
 * @interface
 */
export type OrderEventStreamOptions = z.input<typeof orderEventStreamOptionsSchema>;

/** The status changes an order goes through after `created`, by the status it ends in. */
const FATES: Record<OrderStatus, readonly OrderStatus[]> = {
  created: [],
  approved: ['approved'],
  invoiced: ['approved', 'invoiced'],
  processing: ['approved', 'processing'],
  shipped: ['approved', 'shipped'],
  delivered: ['approved', 'shipped', 'delivered'],
  canceled: ['approved', 'canceled'],
  unavailable: ['approved', 'unavailable'],
};

interface Pending {
  readonly order: DrawnOrder;
  readonly fate: readonly OrderStatus[];
  step: number;
}

const SECOND = 1000;

/**
 * Creates an endless (or `limit`-long) stream of order events for the producer: `order_created`
 * for new orders, with items, payments and customer drawn from the same distributions as the
 * generated history and referring to the catalog's products, sellers and people; and, for some of
 * them, later `order_approved`, `order_shipped`, `order_delivered` (or `order_canceled`, …)
 * events carrying the order's updated snapshot. Event times come from the injected clock.
 * Every event satisfies `orderEventSchema.parse(serializeOrderEvent(event))`.
 *
 * @param options - seed, clock, catalog and the shape of the follow-ups
 * @returns a generator of parsed {@link OrderEvent}s (money in cents, timestamps as `Date`s)
 * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` for bad options
 * @example
 * ```ts
 * const catalog = createOlistCatalog({ seed: 42, orders: 5000 });
 * for (const event of createOrderEventStream({ seed: 42, catalog, limit: 1000 })) {
 *   await producer.send(serializeOrderEvent(event));
 * }
 * ```
 */
export function createOrderEventStream(
  options: OrderEventStreamOptions = {},
): Generator<OrderEvent, void, undefined> {
  const resolved = resolveOptions('createOrderEventStream', orderEventStreamOptionsSchema, options);
  return streamEvents(resolved, resolved.catalog ?? defaultCatalog(resolved.seed));
}

// The default catalog is the same for every stream of a seed and never changed, so the last one is kept.
let lastDefault: OlistCatalog | undefined;
function defaultCatalog(seed: number): OlistCatalog {
  if (lastDefault?.seed !== seed) lastDefault = createOlistCatalog({ seed });
  return lastDefault;
}

function* streamEvents(
  options: z.output<typeof orderEventStreamOptionsSchema>,
  catalog: OlistCatalog,
): Generator<OrderEvent, void, undefined> {
  const { now, source, returningCustomerShare, statusChangeShare, meanStatusDelayEvents } = options;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const random = SeededRandom.stream(options.seed, RANDOM_STREAMS.eventStream);
  const drawer = new OrderDrawer(catalog, 0, false);
  const places = catalog.places;
  const due = new Map<number, Pending[]>();
  const ready: Pending[] = [];
  let readyHead = 0;
  const schedule = (pending: Pending, sequence: number) => {
    const at = sequence + 1 + Math.floor(-Math.log(1 - random.float()) * meanStatusDelayEvents);
    const bucket = due.get(at);
    if (bucket === undefined) due.set(at, [pending]);
    else bucket.push(pending);
  };

  for (let sequence = 0; sequence < limit; sequence++) {
    const bucket = due.get(sequence);
    if (bucket !== undefined) {
      due.delete(sequence);
      for (const pending of bucket) ready.push(pending);
    }
    const eventTime = now();
    const eventMs = Math.floor(eventTime.getTime() / SECOND) * SECOND;
    if (readyHead < ready.length) {
      const pending = ready[readyHead++] as Pending;
      if (readyHead > 1024 && readyHead * 2 > ready.length) {
        ready.splice(0, readyHead);
        readyHead = 0;
      }
      const status = pending.fate[pending.step++] as OrderStatus;
      const order = pending.order;
      order.status = status;
      if (status === 'approved') order.approvedAt = Math.max(eventMs, order.purchasedAt);
      if (status === 'shipped') order.carrierAt = Math.max(eventMs, order.approvedAt ?? order.purchasedAt);
      if (status === 'delivered') order.deliveredAt = Math.max(eventMs, order.carrierAt ?? order.purchasedAt);
      if (pending.step < pending.fate.length) schedule(pending, sequence);
      yield toEvent(random, `order_${status}` as OrderEventType, eventTime, source, order);
      continue;
    }
    let customer: OlistCatalogCustomer;
    if (catalog.customers.length > 0 && random.chance(returningCustomerShare)) {
      customer = random.pick(catalog.customers);
    } else {
      const place = random.pick(places);
      customer = {
        customerUniqueId: random.hexId(),
        zipCodePrefix: place.zipCodePrefix,
        city: place.city,
        state: place.state,
      };
    }
    const order = drawer.draw(random, random.hexId(), customer, eventMs);
    const fate = FATES[order.status];
    order.status = 'created';
    order.approvedAt = null;
    order.carrierAt = null;
    order.deliveredAt = null;
    if (fate.length > 0 && random.chance(statusChangeShare)) schedule({ order, fate, step: 0 }, sequence);
    yield toEvent(random, 'order_created', eventTime, source, order);
  }
}

const toDate = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

function toEvent(
  random: SeededRandom,
  type: OrderEventType,
  eventTime: Date,
  source: string,
  order: DrawnOrder,
): OrderEvent {
  const shippingLimit = new Date(order.shippingLimitAt);
  return {
    event_id: random.uuid(),
    event_type: type,
    event_time: eventTime,
    schema_version: ORDER_EVENT_SCHEMA_VERSION,
    source,
    order: {
      order_id: order.orderId,
      customer_id: order.customerId,
      order_status: order.status,
      order_purchase_timestamp: new Date(order.purchasedAt),
      order_approved_at: toDate(order.approvedAt),
      order_delivered_carrier_date: toDate(order.carrierAt),
      order_delivered_customer_date: toDate(order.deliveredAt),
      order_estimated_delivery_date: new Date(order.estimatedAt),
      customer: {
        customer_id: order.customerId,
        customer_unique_id: order.customer.customerUniqueId,
        customer_zip_code_prefix: order.customer.zipCodePrefix,
        customer_city: order.customer.city,
        customer_state: order.customer.state,
      },
      items: order.items.map((item, index) => ({
        order_item_id: index + 1,
        product_id: item.product.productId,
        seller_id: item.seller.sellerId,
        shipping_limit_date: shippingLimit,
        price: item.priceCents,
        freight_value: item.freightCents,
        product_category_name: item.product.categoryName,
        seller_state: item.seller.state,
      })),
      payments: order.payments.map((payment, index) => ({
        payment_sequential: index + 1,
        payment_type: payment.type,
        payment_installments: payment.installments,
        payment_value: payment.valueCents,
      })),
    },
  };
}
