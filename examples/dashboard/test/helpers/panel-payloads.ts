import type { Warehouse, WarehouseRow } from '@orderstream/core';
import { createDashboardServer } from '../../src/index.js';
import { hexId } from './order-rows.js';

/**
 * Every panel's payload as the dashboard serves it (`/api/panels/<id>`), at a fixed clock.
 *
 * @param warehouse - the warehouse to read
 * @param now - the dashboard's clock reading
 * @param timeZone - the business time zone
 * @returns the payloads by panel id
 */
export async function panelPayloads(
  warehouse: Warehouse,
  now: Date,
  timeZone?: string,
): Promise<Record<string, unknown>> {
  const dashboard = await createDashboardServer({
    warehouse,
    port: 0,
    now: () => now,
    slowPanelIntervalMs: 0,
    ...(timeZone === undefined ? {} : { timeZone }),
  });
  try {
    const listing = (await (await fetch(`${dashboard.url}api/panels`)).json()) as {
      live: { id: string }[];
      history: { id: string }[];
    };
    const payloads: Record<string, unknown> = {};
    for (const { id } of [...listing.live, ...listing.history]) {
      const response = await fetch(`${dashboard.url}api/panels/${id}`);
      if (!response.ok) throw new Error(`panel ${id}: HTTP ${response.status} ${await response.text()}`);
      payloads[id] = ((await response.json()) as { payload: unknown }).payload;
    }
    return payloads;
  } finally {
    await dashboard.close();
  }
}

/**
 * A later lifecycle event of an order, from its `order_created` row: the same order with a new
 * status, a new event id and a later event time.
 *
 * @param created - the `order_created` row (from `orderCreatedRow`)
 * @param type - the event type, e.g. `order_canceled`
 * @param status - the order's status after it, e.g. `canceled`
 * @param eventTime - when it happened
 * @param random - the PRNG for the event id
 * @returns the row
 */
export function statusEventRow(
  created: WarehouseRow,
  type: string,
  status: string,
  eventTime: Date,
  random: () => number,
): WarehouseRow {
  const h = hexId(random);
  const eventId = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  const payload = JSON.parse(String(created.payload)) as { order: Record<string, unknown> } & Record<
    string,
    unknown
  >;
  payload.event_id = eventId;
  payload.event_type = type;
  payload.event_time = eventTime.toISOString();
  payload.order.order_status = status;
  return {
    ...created,
    event_id: eventId,
    event_type: type,
    event_time: eventTime,
    order_status: status,
    payload: JSON.stringify(payload),
    ingested_at: new Date(eventTime.getTime() + 150),
  };
}
