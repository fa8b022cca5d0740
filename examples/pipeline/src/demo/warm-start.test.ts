import { createAlertEngine, createOrderEventStream, type HistoryPoint } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { describe, expect, it } from 'vitest';
import {
  createdShareOf,
  expectedOrdersPerMinute,
  hourOfWeek,
  hourOfWeekShape,
  readHourlyOrders,
  scaledHistory,
} from './warm-start.js';

const HOUR = 3_600_000;
// A Wednesday, 14:25 UTC.
const NOW = new Date(Date.UTC(2026, 10, 25, 14, 25));

/** Two weeks of hourly orders: 10 an hour by day (08–20 UTC), 1 at night; Sundays half of that. */
function history(): HistoryPoint[] {
  const points: HistoryPoint[] = [];
  const start = Date.UTC(2024, 0, 1); // a Monday
  for (let at = start; at < start + 14 * 24 * HOUR; at += HOUR) {
    const date = new Date(at);
    const day = date.getUTCHours() >= 8 && date.getUTCHours() < 20 ? 10 : 1;
    points.push({ at: date, value: date.getUTCDay() === 0 ? day / 2 : day });
  }
  return points;
}

describe('warm start of the demo detectors', () => {
  it('counts only order_created events in the expected orders per minute', () => {
    const share = createdShareOf({ statusChangeShare: 0.6 });
    // Each order has 0–3 status changes, so creations are well under all events but above a quarter.
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.6);
    expect(createdShareOf({ statusChangeShare: 0 })).toBe(1);
    expect(expectedOrdersPerMinute(5, share)).toBeCloseTo(300 * share, 9);
  });

  it('measures fewer creations when more orders get status changes', () => {
    expect(createdShareOf({ statusChangeShare: 0.9 })).toBeLessThan(
      createdShareOf({ statusChangeShare: 0.3 }),
    );
  });

  it('shapes the hour of week like the history, with mean 1', () => {
    const shape = hourOfWeekShape(history(), 'UTC');
    expect(shape).toHaveLength(168);
    expect(shape.reduce((sum, w) => sum + w, 0) / 168).toBeCloseTo(1, 9);
    const wednesday = 2 * 24;
    const sunday = 6 * 24;
    expect((shape[wednesday + 12] ?? 0) / (shape[wednesday + 3] ?? 1)).toBeGreaterThan(5);
    expect((shape[sunday + 12] ?? 0) / (shape[wednesday + 12] ?? 1)).toBeCloseTo(
      (12 * 5 + 12 * 0.5 + 1) / (12 * 10 + 12 + 1),
      2,
    );
  });

  it('gives a flat shape without history', () => {
    expect(new Set(hourOfWeekShape([]))).toEqual(new Set([1]));
  });

  it('scales four weeks of hours so that the current hour expects the live rate', () => {
    const shape = hourOfWeekShape(history(), 'UTC');
    const points = scaledHistory(shape, 108, NOW, 4, 'UTC');
    expect(points).toHaveLength(4 * 168);
    const last = points.at(-1);
    expect(last?.at).toEqual(new Date(Date.UTC(2026, 10, 25, 13)));
    expect(points[0]?.at).toEqual(new Date(Date.UTC(2026, 9, 28, 14)));
    // The hour of now, a week earlier, is at the live level in orders per hour.
    const weekAgo = points.find((p) => p.at.getTime() === Date.UTC(2026, 10, 18, 14));
    expect(weekAgo?.value).toBeCloseTo(108 * 60, 6);
    // Night hours keep the history's ratio to the current hour.
    const night = points.find((p) => p.at.getTime() === Date.UTC(2026, 10, 18, 3));
    expect((night?.value ?? 0) / (weekAgo?.value ?? 1)).toBeCloseTo(
      (shape[hourOfWeek(new Date(Date.UTC(2026, 10, 18, 3)), 'UTC')] ?? 0) / (shape[2 * 24 + 14] ?? 1),
      9,
    );
  });

  it('lets a warm-started engine flag a live burst in its first minutes', () => {
    const engine = createAlertEngine();
    const points = scaledHistory(hourOfWeekShape(history(), 'UTC'), 100, NOW, 4, 'UTC');
    expect(engine.warmStart('orders', points)).toBeGreaterThan(0);
    const fired: string[] = [];
    engine.on('alert', (alert) => fired.push(`${alert.rule}:${alert.direction}`));
    const minute = Math.floor(NOW.getTime() / 60_000) * 60_000;
    // One minute at the expected level, then one at ten times it.
    engine.advance(new Date(minute));
    for (const [offset, count] of [
      [0, 100],
      [60_000, 1000],
    ] as const) {
      for (const event of createOrderEventsAt(new Date(minute + offset), count)) engine.ingest(event);
    }
    engine.advance(new Date(minute + 120_000));
    expect(fired).toContain('orders-demand:spike');
  });
});

describe('warm start in the business time zone', () => {
  it('puts local Monday 00:00 in slot 0, across DST changes', () => {
    const sp = 'America/Sao_Paulo';
    // Monday 2018-06-11 00:00 in São Paulo (UTC−3) is 03:00 UTC
    expect(hourOfWeek(new Date('2018-06-11T03:00:00Z'), sp)).toBe(0);
    expect(hourOfWeek(new Date('2018-06-11T03:00:00Z'), 'UTC')).toBe(3);
    // summer time (UTC−2): Wednesday 2018-01-17 14:00 local is 16:00 UTC
    expect(hourOfWeek(new Date('2018-01-17T16:00:00Z'), sp)).toBe(2 * 24 + 14);
    // Sunday 2017-10-15 skipped 00:00: its first instant (03:00 UTC) is 01:00 local
    expect(hourOfWeek(new Date('2017-10-15T03:00:00Z'), sp)).toBe(6 * 24 + 1);
    // Saturday 2018-02-17 23:00 happened twice; both are slot 5 × 24 + 23
    expect(hourOfWeek(new Date('2018-02-18T01:00:00Z'), sp)).toBe(5 * 24 + 23);
    expect(hourOfWeek(new Date('2018-02-18T02:00:00Z'), sp)).toBe(5 * 24 + 23);
  });

  it('reads the Olist history as local time of the zone, not UTC', async () => {
    const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
    try {
      await warehouse.migrate();
      const orders = warehouse.qualify('olist_orders');
      // Only the column the warm start reads.
      await warehouse.query(`DROP TABLE ${orders}`);
      await warehouse.query(
        `CREATE TABLE ${orders} AS SELECT * FROM (VALUES
           (TIMESTAMP '2018-06-13 14:10:00'), (TIMESTAMP '2018-06-13 14:50:00'), (TIMESTAMP '2018-01-17 09:30:00')
         ) AS t(order_purchase_timestamp)`,
      );
      const { source, hours } = await readHourlyOrders(warehouse, 'America/Sao_Paulo');
      expect(source).toBe('olist_orders');
      // 14:xx local on 2018-06-13 (UTC−3) is 17:00 UTC; 09:xx on 2018-01-17 (UTC−2) is 11:00 UTC
      expect(hours).toEqual([
        { at: new Date('2018-01-17T11:00:00Z'), value: 1 },
        { at: new Date('2018-06-13T17:00:00Z'), value: 2 },
      ]);
      // …so the shape's busy slot is local Wednesday 14:00, where the detectors look for it
      const shape = hourOfWeekShape(hours, 'America/Sao_Paulo');
      expect(shape.indexOf(Math.max(...shape))).toBe(2 * 24 + 14);
    } finally {
      await warehouse.close();
    }
  });
});

function createOrderEventsAt(at: Date, count: number) {
  return createOrderEventStream({
    seed: at.getTime() % 1000,
    now: () => at,
    statusChangeShare: 0,
    limit: count,
  });
}
