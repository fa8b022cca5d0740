import type { Warehouse, WarehouseRow } from '@orderstream/core';

/** Product categories used by the sample data (a subset of Olist's). */
export const SAMPLE_CATEGORIES = [
  'beleza_saude',
  'cama_mesa_banho',
  'esporte_lazer',
  'informatica_acessorios',
  'moveis_decoracao',
  'relogios_presentes',
  'utilidades_domesticas',
  'brinquedos',
] as const;

/** Customer states of the sample data, weighted like Olist (SP first). */
export const SAMPLE_STATES = ['SP', 'SP', 'SP', 'RJ', 'MG', 'RS', 'PR', 'SC', 'BA', 'DF'] as const;

/** A small seeded PRNG (mulberry32), so sample data is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A 32-character lowercase hex id from the PRNG. */
export function hexId(random: () => number): string {
  let id = '';
  for (let i = 0; i < 4; i += 1)
    id += Math.floor(random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  return id;
}

function uuid(random: () => number): string {
  const h = hexId(random);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const naive = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');
const decimal = (cents: number) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/** One item of a sample order. */
export interface SampleItem {
  readonly sellerId: string;
  readonly category: string;
  /** Price in cents. */
  readonly price: number;
  /** Freight in cents. */
  readonly freight: number;
}

/** What a sample `order_created` event is made of. */
export interface SampleOrder {
  readonly eventTime: Date;
  readonly state: string;
  readonly items: readonly SampleItem[];
  readonly ingestedAt?: Date;
  readonly orderId?: string;
}

/**
 * Builds a `raw_order_events` row for an `order_created` event, with the payload JSON as the sink
 * stores it (the event on the wire). Money columns are integer cents.
 */
export function orderCreatedRow(order: SampleOrder, random: () => number): WarehouseRow {
  const orderId = order.orderId ?? hexId(random);
  const customerId = hexId(random);
  const customerUniqueId = hexId(random);
  const itemsValue = order.items.reduce((sum, item) => sum + item.price, 0);
  const freightValue = order.items.reduce((sum, item) => sum + item.freight, 0);
  const eventId = uuid(random);
  const payload = {
    event_id: eventId,
    event_type: 'order_created',
    event_time: order.eventTime.toISOString(),
    schema_version: 1,
    source: 'dashboard-test',
    order: {
      order_id: orderId,
      customer_id: customerId,
      order_status: 'created',
      order_purchase_timestamp: naive(order.eventTime),
      order_approved_at: null,
      order_delivered_carrier_date: null,
      order_delivered_customer_date: null,
      order_estimated_delivery_date: naive(new Date(order.eventTime.getTime() + 10 * 86_400_000)),
      customer: {
        customer_id: customerId,
        customer_unique_id: customerUniqueId,
        customer_zip_code_prefix: '01310',
        customer_city: 'sao paulo',
        customer_state: order.state,
      },
      items: order.items.map((item, i) => ({
        order_item_id: i + 1,
        product_id: hexId(random),
        seller_id: item.sellerId,
        shipping_limit_date: naive(new Date(order.eventTime.getTime() + 3 * 86_400_000)),
        price: decimal(item.price),
        freight_value: decimal(item.freight),
        product_category_name: item.category,
        seller_state: 'SP',
      })),
      payments: [
        {
          payment_sequential: 1,
          payment_type: 'credit_card',
          payment_installments: 1,
          payment_value: decimal(itemsValue + freightValue),
        },
      ],
    },
  };
  return {
    event_id: eventId,
    event_type: 'order_created',
    event_time: order.eventTime,
    schema_version: 1,
    source: 'dashboard-test',
    order_id: orderId,
    customer_id: customerId,
    customer_unique_id: customerUniqueId,
    customer_state: order.state,
    order_status: 'created',
    order_purchase_timestamp: order.eventTime,
    items_count: order.items.length,
    items_value: itemsValue,
    freight_value: freightValue,
    payment_value: itemsValue + freightValue,
    payload: JSON.stringify(payload),
    kafka_topic: 'orders',
    kafka_partition: 0,
    kafka_offset: null,
    kafka_key: orderId,
    ingested_at: order.ingestedAt ?? new Date(order.eventTime.getTime() + 150),
  };
}

/**
 * Draws a random sample order at `eventTime`.
 *
 * @param random - the PRNG
 * @param eventTime - when the order was created
 * @param sellers - the seller ids to draw from (a few sell most, like a real marketplace)
 */
export function randomOrder(random: () => number, eventTime: Date, sellers: readonly string[]): SampleOrder {
  const count = 1 + Math.floor(random() ** 3 * 4);
  const items: SampleItem[] = [];
  for (let i = 0; i < count; i += 1) {
    items.push({
      sellerId: sellers[Math.floor(random() ** 2 * sellers.length)] as string,
      category: SAMPLE_CATEGORIES[Math.floor(random() * SAMPLE_CATEGORIES.length)] as string,
      price: 990 + Math.floor(random() ** 2 * 40_000),
      freight: 500 + Math.floor(random() * 3000),
    });
  }
  const state = SAMPLE_STATES[Math.floor(random() * SAMPLE_STATES.length)] as string;
  return { eventTime, state, items };
}

/** Options of {@link seedOrders}. */
export interface SeedOptions {
  readonly now: Date;
  /** How many orders. */
  readonly orders: number;
  /** Spread them over this many hours before `now`. */
  readonly spanHours: number;
  readonly seed?: number;
  /** Shape the hour-of-day profile (busier afternoons/evenings, quiet nights). */
  readonly dailyProfile?: boolean;
  /** No event within 5 minutes of these instants, so rolling windows ending near them are stable. */
  readonly quietAround?: readonly Date[];
}

const QUIET_MS = 5 * 60_000;

/**
 * Writes random `order_created` events through the `Warehouse` API, in batches.
 *
 * @returns the rows written
 */
export async function seedOrders(warehouse: Warehouse, options: SeedOptions): Promise<WarehouseRow[]> {
  const random = seededRandom(options.seed ?? 42);
  const sellers = Array.from({ length: 40 }, () => hexId(random));
  const rows: WarehouseRow[] = [];
  const spanMs = options.spanHours * 3_600_000;
  while (rows.length < options.orders) {
    const t = options.now.getTime() - 1000 - Math.floor(random() * spanMs);
    if (options.quietAround?.some((instant) => Math.abs(instant.getTime() - t) < QUIET_MS)) continue;
    if (options.dailyProfile) {
      const hour = new Date(t).getUTCHours();
      const weight = 0.15 + 0.85 * Math.max(0, Math.sin(((hour - 6) / 18) * Math.PI));
      if (random() > weight) continue;
    }
    rows.push(orderCreatedRow(randomOrder(random, new Date(t), sellers), random));
  }
  for (let i = 0; i < rows.length; i += 2000) {
    await warehouse.write([{ table: 'raw_order_events', rows: rows.slice(i, i + 2000) }]);
  }
  return rows;
}
