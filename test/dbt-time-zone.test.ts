/**
 * The dbt marts bucket every order by the local hour and day of the business time zone
 * (America/Sao_Paulo by default) on DuckDB, through Sao Paulo's daylight-saving changes: history
 * timestamps are naive local times and stay as written, stream `event_time` instants are
 * converted. Around 2016-10-16 (clocks forward at midnight: a 23-hour day, 00:00–00:59 never
 * happens) and 2017-02-18 (clocks back at the next midnight: a 25-hour day, 23:00–23:59 twice),
 * one streamed order per UTC hour lands 23 and 25 to those local days; hand-made history rows at
 * the skipped and the repeated hour, and a history order at the same local hour as a streamed one,
 * land in the same buckets; `dbt build` passes. Every streamed event lands twice (a replay) and
 * counts once.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DbtRunSummary, OrderEvent } from '@orderstream/core';
import { createOrderEventStream, generateOlistDataset, loadHistory, runDbt } from '@orderstream/core';
import type { DuckDbWarehouse } from '@orderstream/duckdb';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { steppingClock, writeOrderEvents } from './support/dbt-fixture.js';

const root = resolve(import.meta.dirname, '..');
const ZONE = 'America/Sao_Paulo';
const HOUR = 3_600_000;

/** The local wall clock of an instant in the zone, `YYYY-MM-DD HH:MM:SS`, from the ICU database. */
const localTime = (instant: Date): string =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(instant);

/** One instant per UTC hour in [from, to). */
function hourly(from: string, to: string): Date[] {
  const instants: Date[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += HOUR) instants.push(new Date(t));
  return instants;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** Hand-made history orders: [order id, naive local purchase time]. */
const HISTORY_ROWS = [
  // 00:30 did not happen in Sao Paulo that night (clocks jumped from 00:00 to 01:00)
  ['d5700000000000000000000000000001', '2016-10-16 00:30:00'],
  // 23:30 happened twice that night (clocks went back from 00:00 to 23:00)
  ['d5700000000000000000000000000002', '2017-02-18 23:30:00'],
  // the same local hour as the order streamed at 2017-02-18T12:15:00Z (10:15 at -02:00, summer time)
  ['d5700000000000000000000000000003', '2017-02-18 10:40:00'],
] as const;
const STREAMED_SAME_HOUR = new Date('2017-02-18T12:15:00Z');

describe('dbt marts in the business time zone, across daylight-saving changes', () => {
  let dir: string;
  let dbPath: string;
  let built: DbtRunSummary;
  const instants = [
    ...hourly('2016-10-15T03:00:00Z', '2016-10-18T02:00:00Z'),
    ...hourly('2017-02-17T02:00:00Z', '2017-02-20T03:00:00Z'),
    STREAMED_SAME_HOUR,
  ];

  async function query(sql: string): Promise<Record<string, string | null>[]> {
    const warehouse: DuckDbWarehouse = await createDuckDbWarehouse({ path: dbPath, readConnections: 1 });
    try {
      const rows = await warehouse.query(sql);
      return rows.map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])),
      );
    } finally {
      await warehouse.close();
    }
  }

  beforeAll(async () => {
    execFileSync('bash', [join(root, 'scripts', 'pyenv.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
    dir = await mkdtemp(join(tmpdir(), 'orderstream-tz-'));
    dbPath = join(dir, 'orderstream.duckdb');
    const dataDir = join(dir, 'olist');
    await generateOlistDataset({ outDir: dataDir, orders: 300, seed: 3, defects: true });
    // every streamed order is one order_created event, its purchase at the event's instant
    const template = createOrderEventStream({
      seed: 3,
      now: steppingClock(new Date('2026-03-01T08:00:00Z'), 1000),
    }).next().value;
    if (template === undefined) throw new Error('no event');
    const events: OrderEvent[] = instants.map((instant, n) => ({
      ...template,
      event_id: `00000000-0000-4000-8000-${hex(n + 1, 12)}`,
      event_type: 'order_created',
      event_time: instant,
      order: {
        ...template.order,
        order_id: `e7${hex(n + 1, 30)}`,
        order_status: 'created',
        order_purchase_timestamp: instant,
        order_approved_at: null,
        order_delivered_carrier_date: null,
        order_delivered_customer_date: null,
        order_estimated_delivery_date: new Date(instant.getTime() + 20 * 24 * HOUR),
      },
    }));
    const warehouse = await createDuckDbWarehouse({ path: dbPath });
    try {
      expect((await loadHistory({ dataDir, warehouse })).ok).toBe(true);
      // every event lands twice (a replay at new offsets): each must still count once
      const next = await writeOrderEvents(warehouse, events);
      await writeOrderEvents(warehouse, events, next);
      for (const [orderId, purchasedAt] of HISTORY_ROWS) {
        await warehouse.query(
          `insert into raw.olist_orders
             select '${orderId}', customer_id, 'delivered', timestamp '${purchasedAt}',
                    timestamp '${purchasedAt}' + interval 1 hour, null, null,
                    timestamp '${purchasedAt}' + interval 20 day
             from raw.olist_orders order by order_id limit 1`,
        );
      }
    } finally {
      await warehouse.close();
    }
    built = await runDbt({
      projectDir: join(root, 'dbt_transform'),
      args: ['build'],
      duckdbPath: dbPath,
      env: { DBT_TARGET: 'duckdb', ORDERSTREAM_RAW_SCHEMA: 'raw', DBT_THREADS: '2' },
    });
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds every model and passes every error-severity test', () => {
    expect(built.models.failed).toBe(0);
    expect(built.models.passed).toBe(built.models.total);
    expect(built.tests.failed).toBe(0);
  });

  it('counts each event once in the facts and marts although it landed twice', async () => {
    const [counts] = await query(
      `select (select count(*) from raw.raw_order_events) as landed,
              (select count(*) from marts.fct_orders where in_stream) as orders,
              (select sum(events_count) from marts.fct_orders where in_stream) as events,
              (select sum(orders) from marts.mart_sales_by_day) - (select count(*) from raw.olist_orders) as streamed`,
    );
    const n = String(instants.length);
    expect(counts).toEqual({ landed: String(2 * instants.length), orders: n, events: n, streamed: n });
  });

  it('gives the streamed orders their local purchase time, as the time zone database does', async () => {
    const rows = await query(
      `select order_id, strftime(purchased_at, '%Y-%m-%d %H:%M:%S') as local
       from marts.fct_orders where in_stream order by order_id`,
    );
    expect(rows.map((row) => row.local)).toEqual(instants.map(localTime));
  });

  it('counts 23 streamed hours on the spring-forward day and 25 on the fall-back day', async () => {
    const rows = await query(
      `select cast(purchase_date as varchar) as day, count(*) as orders, count(distinct purchase_hour) as hours
       from marts.fct_orders where in_stream and order_id <> 'e7${hex(instants.length, 30)}'
       group by 1 order by 1`,
    );
    expect(rows).toEqual([
      { day: '2016-10-15', orders: '24', hours: '24' },
      { day: '2016-10-16', orders: '23', hours: '23' },
      { day: '2016-10-17', orders: '24', hours: '24' },
      { day: '2017-02-17', orders: '24', hours: '24' },
      // the repeated hour 23:00 is one naive local bucket holding two orders
      { day: '2017-02-18', orders: '25', hours: '24' },
      { day: '2017-02-19', orders: '24', hours: '24' },
    ]);
  });

  it('adds history and stream up in mart_sales_by_day and mart_sales_by_hour for the DST days', async () => {
    const days = ['2016-10-15', '2016-10-16', '2016-10-17', '2017-02-17', '2017-02-18', '2017-02-19'];
    const history = await query(
      `select cast(cast(order_purchase_timestamp as date) as varchar) as day, count(*) as orders
       from raw.olist_orders group by 1`,
    );
    const historyOn = new Map(history.map((row) => [row.day, Number(row.orders)]));
    const streamedOn = new Map<string, number>();
    for (const instant of instants) {
      const day = localTime(instant).slice(0, 10);
      streamedOn.set(day, (streamedOn.get(day) ?? 0) + 1);
    }
    const mart = await query(
      `select cast(purchase_date as varchar) as day, orders from marts.mart_sales_by_day
       where cast(purchase_date as varchar) in (${days.map((d) => `'${d}'`).join(', ')}) order by 1`,
    );
    expect(mart).toEqual(
      days.map((day) => ({ day, orders: String((historyOn.get(day) ?? 0) + (streamedOn.get(day) ?? 0)) })),
    );

    const hours = await query(
      `select strftime(h.purchase_hour, '%Y-%m-%d %H:%M') as hour, h.orders,
              (select count(*) from raw.olist_orders o
                where date_trunc('hour', o.order_purchase_timestamp) = h.purchase_hour) as history_orders
       from marts.mart_sales_by_hour h
       where h.purchase_hour in (timestamp '2016-10-16 00:00:00', timestamp '2017-02-18 23:00:00')
       order by 1`,
    );
    // the skipped hour holds the history row written at 00:30 and no streamed order; the repeated
    // hour holds two streamed orders (02:00Z and 03:00Z on 2017-02-19) and the history row at 23:30
    const [skipped, repeated] = hours;
    expect(skipped).toMatchObject({ hour: '2016-10-16 00:00', orders: skipped?.history_orders });
    expect(Number(skipped?.history_orders)).toBeGreaterThan(0);
    expect(repeated).toMatchObject({
      hour: '2017-02-18 23:00',
      orders: String(Number(repeated?.history_orders) + 2),
    });
    expect(Number(repeated?.history_orders)).toBeGreaterThan(0);
  });

  it('puts a history order and a streamed order of the same local hour in the same bucket', async () => {
    const [history] = HISTORY_ROWS.slice(-1);
    const rows = await query(
      `select order_id, strftime(purchase_hour, '%Y-%m-%d %H:%M') as hour
       from marts.fct_orders
       where order_id in ('${history?.[0]}', 'e7${hex(instants.length, 30)}') order by order_id`,
    );
    expect(localTime(STREAMED_SAME_HOUR)).toBe('2017-02-18 10:15:00');
    expect(rows).toEqual([
      { order_id: history?.[0], hour: '2017-02-18 10:00' },
      { order_id: `e7${hex(instants.length, 30)}`, hour: '2017-02-18 10:00' },
    ]);
    // and the hourly mart's bucket holds both: every history order of that local hour plus the two
    // streamed ones (12:00Z of the hourly run and 12:15Z, 10:00 and 10:15 at UTC−2)
    const [bucket] = await query(
      `select h.orders,
              (select count(*) from raw.olist_orders o
                where date_trunc('hour', o.order_purchase_timestamp) = h.purchase_hour) as history_orders
       from marts.mart_sales_by_hour h where h.purchase_hour = timestamp '2017-02-18 10:00:00'`,
    );
    const streamedAtTen = instants.filter((instant) =>
      localTime(instant).startsWith('2017-02-18 10:'),
    ).length;
    expect(streamedAtTen).toBe(2);
    expect(Number(bucket?.history_orders)).toBeGreaterThan(0);
    expect(bucket?.orders).toBe(String(Number(bucket?.history_orders) + streamedAtTen));
  });
});
