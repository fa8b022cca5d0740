import { createOrderEventStream, RAW_ORDER_EVENTS, RAW_REJECTS, toOrderEventRow } from '@orderstream/core';
import { columnBatchRows } from '@orderstream/core/adapter';
import { describe, expect, it } from 'vitest';
import { rowsToColumns } from './row-columns.js';

describe('rowsToColumns', () => {
  it('holds exactly the rows it was given (stream rows with payloads, non-ASCII text and nulls)', () => {
    const rows = [
      ...createOrderEventStream({ seed: 4, limit: 200, now: () => new Date(Date.UTC(2026, 0, 1)) }),
    ].map((event, i) =>
      toOrderEventRow(event, {
        ingestedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
        origin:
          i % 3 === 0 ? undefined : { topic: 'orders', partition: i % 4, offset: i, key: 'são paulo ✓' },
      }),
    );
    const batch = rowsToColumns(RAW_ORDER_EVENTS, rows);
    expect(batch?.rowCount).toBe(200);
    expect(columnBatchRows(batch as never, RAW_ORDER_EVENTS)).toEqual(
      rows.map((row) => ({ ...row, kafka_topic: row.kafka_topic ?? null, kafka_key: row.kafka_key ?? null })),
    );
  });

  it('declines rows with a value its column does not take, so the row path reports it', () => {
    const reject = {
      source: 'kafka',
      source_name: 'orders',
      position: '0/1',
      line: 0,
      field: null,
      code: 'X',
      reason: 'r',
      raw: null,
      rejected_at: new Date(0),
    };
    expect(rowsToColumns(RAW_REJECTS, [reject])).toBeDefined();
    expect(rowsToColumns(RAW_REJECTS, [{ ...reject, line: 1.5 }])).toBeUndefined();
    expect(rowsToColumns(RAW_REJECTS, [{ ...reject, source: null }])).toBeUndefined();
    expect(rowsToColumns(RAW_REJECTS, [{ ...reject, rejected_at: 'yesterday' }])).toBeUndefined();
  });
});
