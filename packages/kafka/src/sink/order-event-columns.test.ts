import {
  createOrderEventStream,
  OrderEventScanner,
  parseOrderEvent,
  RAW_ORDER_EVENTS,
  serializeOrderEvent,
  toOrderEventRow,
} from '@orderstream/core';
import { columnBatchRows } from '@orderstream/core/adapter';
import { describe, expect, it } from 'vitest';
import { CHUNK_ROWS, OrderEventColumns } from './order-event-columns.js';

const NOW = Date.UTC(2026, 0, 1);
const TOPIC = Buffer.from('orders');
const events = [...createOrderEventStream({ seed: 3, limit: 40, now: () => new Date(NOW) })].map((event) =>
  Buffer.from(JSON.stringify(serializeOrderEvent(event))),
);

function slowRow(value: Buffer, offset: number, keyed: boolean) {
  const parsed = parseOrderEvent(JSON.parse(value.toString('utf8')));
  if (!parsed.success) throw new Error('a generated event is invalid');
  const key = keyed ? parsed.data.order.order_id : null;
  return toOrderEventRow(parsed.data, {
    payload: value.toString('utf8'),
    origin: { topic: 'orders', partition: 2, offset, key },
    ingestedAt: null,
  });
}

describe('OrderEventColumns', () => {
  it('holds a scanned event as the same row toOrderEventRow makes of it', () => {
    const scanner = new OrderEventScanner();
    const fast = new OrderEventColumns();
    const slow = new OrderEventColumns();
    for (const [index, value] of events.entries()) {
      const keyed = index % 3 !== 0;
      expect(scanner.scan(value)).toBe(true);
      fast.addScanned(value, scanner, { topic: TOPIC, partition: 2, offset: 100 + index }, keyed);
      slow.addRow(slowRow(value, 100 + index, keyed));
    }
    const rows = (columns: OrderEventColumns) =>
      columns.take(NOW).flatMap((batch) => columnBatchRows(batch, RAW_ORDER_EVENTS));
    const expected = rows(slow);
    expect(rows(fast)).toStrictEqual(expected);
    expect(expected[1]).toMatchObject({ kafka_offset: 101, kafka_partition: 2, ingested_at: new Date(NOW) });
    expect(expected[0]?.kafka_key).toBeNull();
    expect([...fast.eventTimes()]).toEqual(expected.map((row) => (row.event_time as Date).getTime()));
  });

  it('starts a new column batch every 2,048 rows and counts the bytes the rows take', () => {
    const scanner = new OrderEventScanner();
    const columns = new OrderEventColumns();
    const value = events[0] as Buffer;
    scanner.scan(value);
    let bytes = 0;
    for (let offset = 0; offset < CHUNK_ROWS + 5; offset++) {
      bytes += columns.addScanned(value, scanner, { topic: TOPIC, partition: 0, offset }, true);
    }
    const batches = columns.take(NOW);
    expect(batches.map((batch) => batch.rowCount)).toEqual([CHUNK_ROWS, 5]);
    expect(columns.rows).toBe(CHUNK_ROWS + 5);
    expect(bytes).toBe(columns.bytes);
    // Each row holds its payload and more.
    expect(bytes).toBeGreaterThan((CHUNK_ROWS + 5) * value.length);
  });

  it('frees its columns on release: the batches it gave out read as empty, and it holds no rows', () => {
    const scanner = new OrderEventScanner();
    const columns = new OrderEventColumns();
    const value = events[0] as Buffer;
    scanner.scan(value);
    for (let offset = 0; offset < 3; offset++) {
      columns.addScanned(value, scanner, { topic: TOPIC, partition: 0, offset }, offset > 0);
    }
    const [batch] = columns.take(NOW);
    const payload = batch?.columns[RAW_ORDER_EVENTS.columns.findIndex((c) => c.name === 'payload')];
    expect(payload?.kind === 'text' && payload.bytes.length).toBe(3 * value.length);
    columns.release();
    expect(payload?.kind === 'text' && payload.bytes.length).toBe(0);
    expect([columns.rows, columns.bytes, columns.take(NOW).length]).toEqual([0, 0, 0]);
  });
});
