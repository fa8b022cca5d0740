import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OLIST_TABLES, orderEventSchema, serializeOrderEvent } from '@orderstream/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeClock, settle } from '../internal/testing/fakes.js';
import { replayOlistOrders } from './replay-olist-orders.js';

const id = (n: number) => n.toString(16).padStart(32, '0');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-replay-'));
  const csv = (header: readonly string[], rows: string[][]) =>
    `${[header.join(','), ...rows.map((r) => r.join(','))].join('\n')}\n`;
  await writeFile(
    join(dir, OLIST_TABLES.customers.file),
    csv(OLIST_TABLES.customers.header, [
      [id(1), id(11), '01001', 'sao paulo', 'SP'],
      [id(2), id(12), '20000', 'rio de janeiro', 'RJ'],
    ]),
  );
  // Orders out of purchase order in the file; order 3 has no items.
  await writeFile(
    join(dir, OLIST_TABLES.orders.file),
    csv(OLIST_TABLES.orders.header, [
      [id(101), id(1), 'delivered', '2017-01-01 10:00:00', '', '', '', '2017-01-20 00:00:00'],
      [
        id(100),
        id(2),
        'shipped',
        '2017-01-01 09:00:00',
        '2017-01-01 09:10:00',
        '',
        '',
        '2017-01-15 00:00:00',
      ],
      [id(103), id(1), 'unavailable', '2017-01-01 11:00:00', '', '', '', '2017-01-21 00:00:00'],
    ]),
  );
  await writeFile(
    join(dir, OLIST_TABLES.orderItems.file),
    csv(OLIST_TABLES.orderItems.header, [
      [id(101), '2', id(500), id(600), '2017-01-05 00:00:00', '10.50', '2.00'],
      [id(101), '1', id(501), id(600), '2017-01-05 00:00:00', '5.25', '1.00'],
      [id(100), '1', id(502), id(601), '2017-01-04 00:00:00', '99.90', '10.10'],
    ]),
  );
  await writeFile(
    join(dir, OLIST_TABLES.orderPayments.file),
    csv(OLIST_TABLES.orderPayments.header, [
      [id(101), '1', 'credit_card', '2', '18.75'],
      [id(100), '1', 'boleto', '1', '110.00'],
    ]),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('replayOlistOrders', () => {
  it('emits valid order_created events in purchase order, paced by gap / speedup', async () => {
    const clock = new FakeClock();
    const replay = replayOlistOrders({ dataDir: dir, speedup: 3600, clock });
    const received: Array<{ at: number; id: string; items: number[] }> = [];
    const iterating = (async () => {
      for await (const event of replay) {
        expect(orderEventSchema.parse(serializeOrderEvent(event))).toEqual(event);
        expect(event.event_type).toBe('order_created');
        received.push({
          at: clock.now(),
          id: event.order.order_id,
          items: event.order.items.map((i) => i.order_item_id),
        });
      }
    })();
    // Reading the files takes real time: wait (not a fixed 200 ms) until the first order is out
    // and the replay sleeps on the clock for the next one.
    await vi.waitFor(() => expect(received.length === 1 && clock.pendingSleeps === 1).toBe(true), {
      timeout: 20_000,
      interval: 10,
    });
    await settle();
    expect(received.map((r) => r.id)).toEqual([id(100)]);
    // One hour of history at 3600x is one second.
    await clock.advance(999);
    expect(received).toHaveLength(1);
    await clock.advance(1);
    await iterating;
    expect(received.map((r) => r.id)).toEqual([id(100), id(101)]);
    expect(received.map((r) => r.at - (received[0]?.at ?? 0))).toEqual([0, 1000]);
    expect(received[1]?.items).toEqual([1, 2]);
    expect(replay.stats).toMatchObject({
      orders: 3,
      emitted: 2,
      skippedWithoutItems: 1,
      skippedWithoutCustomer: 0,
    });
  });

  it('can keep the historical purchase time as event_time, with stable event ids', async () => {
    const first = [];
    for await (const e of replayOlistOrders({ dataDir: dir, speedup: 1e9, eventTime: 'original' }))
      first.push(e);
    const second = [];
    for await (const e of replayOlistOrders({ dataDir: dir, speedup: 1e9, eventTime: 'original' }))
      second.push(e);
    expect(first[0]?.event_time.toISOString()).toBe('2017-01-01T09:00:00.000Z');
    expect(second.map((e) => e.event_id)).toEqual(first.map((e) => e.event_id));
  });

  it('fails with KAFKA_REPLAY_FAILED for a folder without the files', async () => {
    const replay = replayOlistOrders({ dataDir: join(dir, 'missing') });
    await expect(replay[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'KAFKA_REPLAY_FAILED',
    });
  });
});
