/**
 * One business time zone: a history order (naive São Paulo time, as Olist and the dbt facts keep
 * it) and a live order (a UTC instant) placed at the same local hour land in the same bucket on
 * every hourly panel — the live hourly chart, the live heatmap and the history heatmap — and in
 * the same local "today"; on an ordinary day and on both DST days of 2017/18 (the 23-hour
 * 2017-10-15, whose midnight never happened, and the 25-hour 2018-02-17, whose 23:00 happened
 * twice). The history side is a `fct_orders` table with the columns dbt builds (the real dbt build
 * is exercised by real-sample.test.ts); clocks are fixed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Warehouse } from '@orderstream/core';
import { localToInstant } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderCreatedRow, seededRandom } from './helpers/order-rows.js';
import { panelPayloads } from './helpers/panel-payloads.js';

const ZONE = 'America/Sao_Paulo';
const SELLER = 'a'.repeat(32);
const naive = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);

let dir: string;
let n = 0;
const random = seededRandom(3);

interface Scenario {
  readonly name: string;
  /** Local purchase times, each placed once in the history and once in the stream. */
  readonly local: readonly string[];
  readonly now: string;
}

/** A warehouse with each local time as a history order (fct_orders) and as a live order. */
async function warehouseWith(scenario: Scenario): Promise<Warehouse> {
  n += 1;
  const warehouse = await createDuckDbWarehouse({ path: join(dir, `w${n}.duckdb`) });
  await warehouse.migrate();
  await warehouse.query('CREATE SCHEMA marts');
  const values = scenario.local
    .map((text, i) => `('h${i}', 'delivered', 'c${i}', 'SP', TIMESTAMP '${text}', 1, 10.00, 1.00, 11.00)`)
    .join(', ');
  await warehouse.query(
    `CREATE TABLE marts.fct_orders AS SELECT * FROM (VALUES ${values})
       AS t(order_id, order_status, customer_unique_id, customer_state, purchased_at, items_count,
            items_value, freight_value, payment_value)`,
  );
  const rows = scenario.local.map((text) =>
    orderCreatedRow(
      {
        eventTime: localToInstant(naive(text), ZONE),
        state: 'SP',
        items: [{ sellerId: SELLER, category: 'brinquedos', price: 1000, freight: 100 }],
      },
      random,
    ),
  );
  await warehouse.write([{ table: 'raw_order_events', rows, mode: 'append' }]);
  return warehouse;
}

interface Panels {
  hourly: { points: { hour: string; localHour: string; orders: number }[] };
  heatmap: { cells: number[][] };
  history: { columns: string[]; rows: number[][] };
  sellers: { periods: Record<string, { items: number }[]> };
}

async function panels(scenario: Scenario): Promise<Panels> {
  const warehouse = await warehouseWith(scenario);
  try {
    const all = await panelPayloads(warehouse, new Date(scenario.now), ZONE);
    return {
      hourly: all['hourly-sales'] as Panels['hourly'],
      heatmap: all.heatmap as Panels['heatmap'],
      history: all['history-heatmap'] as Panels['history'],
      sellers: all['top-sellers'] as Panels['sellers'],
    };
  } finally {
    await warehouse.close();
  }
}

/** The history heatmap's cells (its rows are `dow, hour, orders`). */
function historyCells(history: Panels['history']): number[][] {
  const cells = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  const [dow, hour, orders] = ['dow', 'hour', 'orders'].map((c) => history.columns.indexOf(c));
  for (const row of history.rows)
    (cells[row[dow ?? 0] ?? 0] as number[])[row[hour ?? 0] ?? 0] = row[orders ?? 0] ?? 0;
  return cells;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-local-hour-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a history order and a live order at the same local hour', () => {
  it('share the bucket on an ordinary day (Wednesday 14:00, UTC−3)', async () => {
    const p = await panels({ name: 'ordinary', local: ['2018-06-13 14:35:00'], now: '2018-06-13T20:00:00Z' });
    const wednesday = 3;
    expect(p.heatmap.cells[wednesday]?.[14]).toBe(1);
    expect(historyCells(p.history)[wednesday]?.[14]).toBe(1);
    expect(historyCells(p.history)).toEqual(p.heatmap.cells);
    const point = p.hourly.points.find((x) => x.orders > 0);
    expect(point?.localHour).toBe('2018-06-13 14:00');
    expect(point?.hour).toBe('2018-06-13T17:00:00.000Z');
  });

  it('share the bucket on the 23-hour day whose midnight was skipped (2017-10-15)', async () => {
    const p = await panels({
      name: 'spring forward',
      local: ['2017-10-15 01:30:00', '2017-10-14 23:30:00'],
      now: '2017-10-15T12:00:00Z',
    });
    const sunday = 0;
    const saturday = 6;
    expect(historyCells(p.history)).toEqual(p.heatmap.cells);
    expect(p.heatmap.cells[sunday]?.[1]).toBe(1);
    expect(p.heatmap.cells[saturday]?.[23]).toBe(1);
    const labels = p.hourly.points.map((x) => x.localHour);
    expect(labels).toHaveLength(24);
    expect(labels).not.toContain('2017-10-15 00:00');
    expect(p.hourly.points.find((x) => x.localHour === '2017-10-15 01:00')?.orders).toBe(1);
    // "today" began at 01:00 local: the order at 23:30 the evening before is not in it
    expect(p.sellers.periods.today?.[0]?.items).toBe(1);
    expect(p.sellers.periods.hour).toEqual([]);
  });

  it('keep the two 23:00 hours of the 25-hour day apart on the hourly chart, together on the heatmaps (2018-02-17)', async () => {
    // The first 23:30 (UTC−2) and the second (UTC−3), an hour later; the history has two naive 23:30s.
    const first = '2018-02-17 23:30:00';
    const warehouse = await createDuckDbWarehouse({ path: join(dir, 'fall-back.duckdb') });
    await warehouse.migrate();
    try {
      await warehouse.query('CREATE SCHEMA marts');
      await warehouse.query(
        `CREATE TABLE marts.fct_orders AS SELECT * FROM (VALUES
           ('h1', 'delivered', 'c1', 'SP', TIMESTAMP '${first}', 1, 10.00, 1.00, 11.00),
           ('h2', 'delivered', 'c2', 'SP', TIMESTAMP '${first}', 1, 10.00, 1.00, 11.00))
         AS t(order_id, order_status, customer_unique_id, customer_state, purchased_at, items_count,
              items_value, freight_value, payment_value)`,
      );
      const rows = ['2018-02-18T01:30:00Z', '2018-02-18T02:30:00Z'].map((instant) =>
        orderCreatedRow(
          {
            eventTime: new Date(instant),
            state: 'SP',
            items: [{ sellerId: SELLER, category: 'brinquedos', price: 1000, freight: 100 }],
          },
          random,
        ),
      );
      await warehouse.write([{ table: 'raw_order_events', rows, mode: 'append' }]);
      const all = await panelPayloads(warehouse, new Date('2018-02-18T06:00:00Z'), ZONE);
      const hourly = all['hourly-sales'] as Panels['hourly'];
      const heatmap = all.heatmap as Panels['heatmap'];
      const saturday = 6;
      expect(heatmap.cells[saturday]?.[23]).toBe(2);
      expect(historyCells(all['history-heatmap'] as Panels['history'])).toEqual(heatmap.cells);
      const elevens = hourly.points.filter((x) => x.localHour === '2018-02-17 23:00');
      expect(elevens.map((x) => [x.hour, x.orders])).toEqual([
        ['2018-02-18T01:00:00.000Z', 1],
        ['2018-02-18T02:00:00.000Z', 1],
      ]);
    } finally {
      await warehouse.close();
    }
  });
});
