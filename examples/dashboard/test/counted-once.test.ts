/**
 * Counted once: the stream delivered twice (every event again, at new offsets and later, as a
 * producer retry, a replay or a sink redelivery lands it — the sink appends) shows exactly what the
 * single delivery shows, on every panel of the dashboard. The events go through the warehouse's
 * append path, as the sink writes them; the clock is fixed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Warehouse, WarehouseRow } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, seedOrders } from './helpers/order-rows.js';
import { panelPayloads, statusEventRow } from './helpers/panel-payloads.js';

const NOW = new Date('2026-03-10T18:20:00.000Z');
const HOUR = 3_600_000;

let dir: string;
let once: Warehouse;
let twice: Warehouse;
let rows: WarehouseRow[];

/** Appends rows as the sink does: one batch per 2,000, `append` mode. */
async function append(warehouse: Warehouse, batch: readonly WarehouseRow[]): Promise<void> {
  for (let i = 0; i < batch.length; i += 2000) {
    await warehouse.write([{ table: 'raw_order_events', rows: batch.slice(i, i + 2000), mode: 'append' }]);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-counted-once-'));
  once = await createDuckDbWarehouse({ path: join(dir, 'once.duckdb') });
  twice = await createDuckDbWarehouse({ path: join(dir, 'twice.duckdb') });
  await once.migrate();
  await twice.migrate();
  // The orders land in a scratch warehouse first (seedOrders writes), then both warehouses get them.
  const scratch = await createDuckDbWarehouse({ path: ':memory:' });
  await scratch.migrate();
  const created = await seedOrders(scratch, { now: NOW, orders: 1500, spanHours: 24 * 30, seed: 5 });
  await scratch.close();
  // Later lifecycle events: some orders canceled or unavailable (they leave revenue), some delivered.
  const random = seededRandom(9);
  const later: WarehouseRow[] = [];
  for (const row of created) {
    const at = new Date((row.event_time as Date).getTime() + Math.floor(random() * 2 * HOUR));
    if (at.getTime() >= NOW.getTime()) continue;
    const draw = random();
    if (draw < 0.12) later.push(statusEventRow(row, 'order_canceled', 'canceled', at, random));
    else if (draw < 0.16) later.push(statusEventRow(row, 'order_unavailable', 'unavailable', at, random));
    else if (draw < 0.5) later.push(statusEventRow(row, 'order_delivered', 'delivered', at, random));
  }
  rows = [...created, ...later].map((row, i) => ({ ...row, kafka_offset: i }));
  await append(once, rows);
  await append(twice, rows);
  // The second delivery: every event again, later and at new offsets, in reverse order.
  const again = [...rows].reverse().map((row, i) => ({
    ...row,
    kafka_offset: rows.length + i,
    ingested_at: new Date((row.ingested_at as Date).getTime() + 5000),
  }));
  await append(twice, again);
});

afterAll(async () => {
  await once?.close();
  await twice?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the same event delivered twice', () => {
  it('is stored twice (append-only), so the panels must de-duplicate on read', async () => {
    const count = async (warehouse: Warehouse) =>
      Number(
        (await warehouse.query(`SELECT count(*) AS n FROM ${warehouse.qualify('raw_order_events')}`))[0]?.n,
      );
    expect(await count(once)).toBe(rows.length);
    expect(await count(twice)).toBe(2 * rows.length);
  });

  it('shows every panel exactly as the single delivery does', async () => {
    const single = await panelPayloads(once, NOW);
    const double = await panelPayloads(twice, NOW);
    // The health panel is about deliveries, not sales: landed rows per second count every copy.
    const { health: singleHealth, ...singlePanels } = single;
    const { health: doubleHealth, ...doublePanels } = double;
    expect(Object.keys(singlePanels)).toEqual(
      expect.arrayContaining(['kpis', 'hourly-sales', 'top-sellers', 'heatmap', 'alerts', 'history-totals']),
    );
    for (const id of Object.keys(singlePanels)) expect(doublePanels[id], id).toEqual(singlePanels[id]);
    expect((doubleHealth as { deadLetterCount: number }).deadLetterCount).toBe(
      (singleHealth as { deadLetterCount: number }).deadLetterCount,
    );

    // …and the panels are not empty, so the comparison says something.
    const kpis = single.kpis as {
      current: { orders: number; revenue: string };
      lastWeek: { orders: number };
    };
    expect(kpis.current.orders).toBeGreaterThan(0);
    expect(kpis.lastWeek.orders).toBeGreaterThan(0);
    const heatmap = single.heatmap as { cells: number[][] };
    expect(heatmap.cells.flat().reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
    const sellers = single['top-sellers'] as { periods: { week: unknown[] } };
    expect(sellers.periods.week).toHaveLength(10);
  });
});
