import { describe, expect, it } from 'vitest';
import { orderEventFixture as event } from './internal/order-event-fixture.js';
import type { MinuteSums } from './minute-aggregator.js';
import { MinuteAggregator } from './minute-aggregator.js';

const T0 = Date.parse('2018-03-05T12:00:00Z');
const MIN = 60_000;

function aggregator(latenessMs = 2 * MIN, dimensions: ('customer_state' | 'product_category')[] = []) {
  return new MinuteAggregator({
    latenessMs,
    maxKeys: 3,
    maxGapMinutes: 10_080,
    unconfirmedGapMinutes: 10_080,
    dimensions,
  });
}

function closeAll(agg: MinuteAggregator): { minute: number; sums: Map<string, MinuteSums> }[] {
  const closed: { minute: number; sums: Map<string, MinuteSums> }[] = [];
  agg.close((minute, sums) => closed.push({ minute, sums: new Map(sums ?? []) }));
  return closed;
}

describe('MinuteAggregator', () => {
  it('sums orders, revenue (price + freight, cents) and items per minute', () => {
    const agg = aggregator(0);
    agg.add(event({ at: T0 + 1_000, items: [{ price: 1_000, freight: 250 }, { price: 500 }] }));
    agg.add(event({ at: T0 + 59_000, items: [{ price: 2_000, freight: 100 }] }));
    agg.add(event({ at: T0 + MIN + 1 }));
    const closed = closeAll(agg);
    expect(closed).toHaveLength(1);
    expect(closed[0]?.minute).toBe(T0);
    expect(closed[0]?.sums.get('')).toEqual([2, 3_850, 3]);
  });

  it('closes a minute only when the watermark (max event time − lateness) passes its end', () => {
    const agg = aggregator(2 * MIN);
    agg.add(event({ at: T0 + 10_000 }));
    agg.add(event({ at: T0 + 2 * MIN + 30_000 }));
    expect(closeAll(agg)).toEqual([]);
    expect(agg.watermark).toBe(T0 + 30_000);
    agg.add(event({ at: T0 + 3 * MIN + 5_000 }));
    const closed = closeAll(agg);
    expect(closed.map((c) => c.minute)).toEqual([T0]);
  });

  it('emits empty minutes as zeros, in order', () => {
    const agg = aggregator(0);
    agg.add(event({ at: T0 }));
    agg.add(event({ at: T0 + 4 * MIN }));
    const closed = closeAll(agg);
    expect(closed.map((c) => (c.minute - T0) / MIN)).toEqual([0, 1, 2, 3]);
    expect(closed.map((c) => c.sums.get('')?.[0] ?? 0)).toEqual([1, 0, 0, 0]);
  });

  it('accepts out-of-order events within the lateness and counts later ones as late', () => {
    const agg = aggregator(2 * MIN);
    agg.add(event({ at: T0 + 5 * MIN }));
    expect(agg.add(event({ at: T0 + 3 * MIN + 1 }))).toBe('added');
    closeAll(agg);
    agg.add(event({ at: T0 + 8 * MIN }));
    closeAll(agg); // closes up to 6:00
    expect(agg.add(event({ at: T0 + 5 * MIN + 59_000 }))).toBe('late');
    expect(agg.add(event({ at: T0 + 6 * MIN }))).toBe('added');
    expect(agg.late).toBe(1);
  });

  it('starts at the earliest event, without inventing zeros before the stream', () => {
    const agg = aggregator(2 * MIN);
    agg.add(event({ at: T0 + 3 * MIN }));
    closeAll(agg);
    expect(agg.add(event({ at: T0 + 2 * MIN }))).toBe('added'); // within the lateness of the first event
    agg.add(event({ at: T0 + 10 * MIN }));
    const closed = closeAll(agg);
    expect(closed[0]?.minute).toBe(T0 + 2 * MIN);
  });

  it('counts only order_created; other event types just move the watermark once the stream has begun', () => {
    const agg = aggregator(0);
    expect(agg.add(event({ at: T0, type: 'order_shipped' }))).toBe('ignored');
    expect(agg.watermark).toBeNull();
    agg.add(event({ at: T0 }));
    expect(agg.add(event({ at: T0 + 3 * MIN, type: 'order_shipped' }))).toBe('ignored');
    expect(agg.watermark).toBe(T0 + 3 * MIN);
    expect(closeAll(agg).map((c) => c.sums.get('')?.[0] ?? 0)).toEqual([1, 0, 0]);
  });

  it('advance() closes minutes when no events arrive (an outage shows as zeros)', () => {
    const agg = aggregator(0);
    agg.add(event({ at: T0 }));
    agg.advance(T0 + 5 * MIN);
    expect(closeAll(agg).map((c) => c.sums.get('')?.[0] ?? 0)).toEqual([1, 0, 0, 0, 0]);
    agg.advance(T0); // never backwards
    expect(agg.watermark).toBe(T0 + 5 * MIN);
  });

  it('keys series per customer state and per product category, with a bounded number of keys', () => {
    const agg = aggregator(0, ['customer_state', 'product_category']);
    agg.add(
      event({
        at: T0,
        state: 'RJ',
        items: [
          { price: 100, category: 'esporte_lazer' },
          { price: 200, category: 'esporte_lazer' },
          { price: 50, category: null },
        ],
      }),
    );
    for (const state of ['SP', 'MG', 'BA']) agg.add(event({ at: T0 + 1_000, state }));
    agg.add(event({ at: T0 + MIN }));
    const [first] = closeAll(agg);
    expect(first?.sums.get('product_category=esporte_lazer')).toEqual([1, 300, 2]);
    expect(first?.sums.get('product_category=unknown')).toEqual([1, 50, 1]);
    expect(first?.sums.get('customer_state=RJ')).toEqual([1, 350, 3]);
    expect(agg.keys('customer_state')).toEqual(['RJ', 'SP', 'MG']);
    expect(first?.sums.get('customer_state=BA')).toBeUndefined();
    expect(first?.sums.get('')?.[0]).toBe(4);
  });

  it('restores a snapshot to the same open minutes and watermark', () => {
    const agg = aggregator(2 * MIN, ['customer_state']);
    agg.add(event({ at: T0, state: 'RJ' }));
    agg.add(event({ at: T0 + MIN + 1 }));
    const copy = aggregator(2 * MIN, ['customer_state']);
    copy.restore(JSON.parse(JSON.stringify(agg.snapshot())));
    for (const a of [agg, copy]) a.add(event({ at: T0 + 5 * MIN }));
    expect(closeAll(copy)).toEqual(closeAll(agg));
    expect(copy.keys('customer_state')).toEqual(['RJ', 'SP']);
  });
});
