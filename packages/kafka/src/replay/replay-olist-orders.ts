import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type {
  OlistTableKey,
  OrderEvent,
  OrderEventItem,
  OrderEventOrder,
  OrderEventPayment,
} from '@orderstream/core';
import { OLIST_TABLES, ORDER_EVENT_SCHEMA_VERSION, readOlistCsv, resolveOptions } from '@orderstream/core';
import { kafkaError } from '../errors/kafka-error-codes.js';
import type { ReplayOlistOptions } from './options.js';
import { replayOlistOptionsSchema } from './options.js';

// The parsed Olist rows, typed by what the order event needs (core's row types are the schemas' outputs).
type OlistCustomer = OrderEventOrder['customer'];
type OlistOrder = Omit<OrderEventOrder, 'customer' | 'items' | 'payments'>;
type OlistOrderItem = Omit<OrderEventItem, 'product_category_name' | 'seller_state'> & { order_id: string };
type OlistOrderPayment = OrderEventPayment & { order_id: string };

/** What a replay read and emitted so far. */
export interface ReplayStats {
  /** Orders read from the orders file. */
  orders: number;
  /** Events emitted. */
  emitted: number;
  /** Orders skipped because they have no items (an order event has at least one). */
  skippedWithoutItems: number;
  /** Orders skipped because their customer is not in the customers file. */
  skippedWithoutCustomer: number;
  /** CSV records rejected by the reader, over the four files. */
  csvRejects: number;
}

/** An async iterable of replayed events that also reports its progress. */
export interface OlistReplay extends AsyncIterable<OrderEvent> {
  /** Counters, updated while iterating. */
  readonly stats: Readonly<ReplayStats>;
}

/**
 * A stable UUID (version 5 layout) for an order's `order_created` event, so replaying the same
 * history twice yields the same event ids (and idempotent upserts downstream).
 */
function eventIdFor(orderId: string): string {
  const hash = createHash('sha1').update(`olist:order_created:${orderId}`).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

async function readAll<K extends OlistTableKey>(
  table: K,
  dataDir: string,
  stats: ReplayStats,
  onRow: (row: never) => void,
  signal?: AbortSignal,
): Promise<void> {
  const path = join(dataDir, OLIST_TABLES[table].file);
  try {
    for await (const batch of readOlistCsv(table, path, signal ? { signal } : {})) {
      stats.csvRejects += batch.rejects.length;
      for (const row of batch.rows) onRow(row as never);
    }
  } catch (error) {
    throw kafkaError('KAFKA_REPLAY_FAILED', `Cannot replay from ${dataDir}: ${(error as Error).message}`, {
      cause: error,
      details: { dataDir, table },
    });
  }
}

/**
 * Replays the Olist orders of a data folder as `order_created` events, in purchase-time order,
 * pacing them by the historical gaps divided by `speedup`. Orders, items, payments and customers
 * are read with core's CSV reader and joined in memory (fine at Olist's ~100k orders).
 *
 * @param options - data folder, speedup, event-time mode, limit, clock
 * @returns an async iterable of events with running `stats`
 * @throws `OrderstreamError` `KAFKA_REPLAY_FAILED` (on first iteration) when a file is missing or unreadable
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for invalid options
 * @example
 * ```ts
 * const replay = replayOlistOrders({ dataDir: './data/olist', speedup: 86_400 });
 * await producer.sendStream(replay);
 * console.log(replay.stats);
 * ```
 */
export function replayOlistOrders(options: ReplayOlistOptions): OlistReplay {
  const o = resolveOptions('replayOlistOrders', replayOlistOptionsSchema, options);
  const stats: ReplayStats = {
    orders: 0,
    emitted: 0,
    skippedWithoutItems: 0,
    skippedWithoutCustomer: 0,
    csvRejects: 0,
  };

  async function* run(): AsyncGenerator<OrderEvent> {
    const customers = new Map<string, OlistCustomer>();
    const items = new Map<string, OlistOrderItem[]>();
    const payments = new Map<string, OlistOrderPayment[]>();
    const orders: OlistOrder[] = [];
    await readAll(
      'customers',
      o.dataDir,
      stats,
      (c: OlistCustomer) => customers.set(c.customer_id, c),
      o.signal,
    );
    await readAll(
      'orderItems',
      o.dataDir,
      stats,
      (i: OlistOrderItem) => {
        const list = items.get(i.order_id);
        if (list) list.push(i);
        else items.set(i.order_id, [i]);
      },
      o.signal,
    );
    await readAll(
      'orderPayments',
      o.dataDir,
      stats,
      (p: OlistOrderPayment) => {
        const list = payments.get(p.order_id);
        if (list) list.push(p);
        else payments.set(p.order_id, [p]);
      },
      o.signal,
    );
    await readAll('orders', o.dataDir, stats, (row: OlistOrder) => orders.push(row), o.signal);
    stats.orders = orders.length;
    orders.sort(
      (a, b) =>
        a.order_purchase_timestamp.getTime() - b.order_purchase_timestamp.getTime() ||
        (a.order_id < b.order_id ? -1 : 1),
    );

    const startedAt = o.clock.now();
    const firstPurchase = orders[0]?.order_purchase_timestamp.getTime() ?? 0;
    const limit = o.limit ?? Number.POSITIVE_INFINITY;
    for (const order of orders) {
      if (stats.emitted >= limit || o.signal?.aborted) return;
      const orderItems = items.get(order.order_id);
      if (!orderItems || orderItems.length === 0) {
        stats.skippedWithoutItems++;
        continue;
      }
      const customer = customers.get(order.customer_id);
      if (!customer) {
        stats.skippedWithoutCustomer++;
        continue;
      }
      // Pace against the start, not the previous event, so sleeping never accumulates drift.
      const dueAt = startedAt + (order.order_purchase_timestamp.getTime() - firstPurchase) / o.speedup;
      const wait = dueAt - o.clock.now();
      if (wait > 0) {
        try {
          await o.clock.sleep(wait, o.signal);
        } catch {
          return;
        }
      }
      const event: OrderEvent = {
        event_id: eventIdFor(order.order_id),
        event_type: 'order_created',
        event_time: o.eventTime === 'original' ? order.order_purchase_timestamp : new Date(o.clock.now()),
        schema_version: ORDER_EVENT_SCHEMA_VERSION,
        source: 'replay',
        order: {
          ...order,
          customer: { ...customer },
          items: [...orderItems]
            .sort((a, b) => a.order_item_id - b.order_item_id)
            .map(({ order_id: _orderId, ...item }) => item),
          payments: (payments.get(order.order_id) ?? [])
            .slice()
            .sort((a, b) => a.payment_sequential - b.payment_sequential)
            .map(({ order_id: _orderId, ...payment }) => payment),
        },
      };
      stats.emitted++;
      yield event;
    }
  }

  return { stats, [Symbol.asyncIterator]: () => run() };
}
