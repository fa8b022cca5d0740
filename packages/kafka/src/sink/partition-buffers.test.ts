import { describe, expect, it } from 'vitest';
import { PartitionBuffers } from './partition-buffers.js';

const LIMITS = { flushMaxRecords: 3, flushMaxBytes: 100, flushIntervalMs: 500, maxBufferedBytes: 250 };

function placed(partitions: number[]) {
  const buffers = new PartitionBuffers();
  buffers.assign(partitions, 1);
  for (const p of partitions) {
    const state = buffers.get(p);
    if (state) state.position = 0n;
  }
  return buffers;
}

function add(buffers: PartitionBuffers, partition: number, size: number, now = 0) {
  const state = buffers.get(partition);
  if (!state || state.position === null) throw new Error('not placed');
  buffers.count(state, state.position, size, now);
  state.position += 1n;
}

describe('PartitionBuffers', () => {
  it('is due by records, bytes or age per partition, and by the memory budget over all', () => {
    const buffers = placed([0, 1]);
    expect(buffers.dueReason(0, LIMITS)).toBeNull();
    add(buffers, 0, 10);
    expect(buffers.dueReason(499, LIMITS)).toBeNull();
    expect(buffers.dueReason(500, LIMITS)).toBe('interval');
    add(buffers, 0, 10);
    add(buffers, 0, 10);
    expect(buffers.dueReason(0, LIMITS)).toBe('records');
    add(buffers, 1, 100);
    expect(buffers.dueReason(0, LIMITS)).toBe('records');
    add(buffers, 1, 120);
    expect(buffers.dueReason(0, LIMITS)).toBe('memory');
  });

  it('takes only due buffers of placed partitions, and keeps them in the budget until released', () => {
    const buffers = placed([0, 1, 2]);
    add(buffers, 0, 40);
    add(buffers, 0, 40);
    add(buffers, 0, 40);
    add(buffers, 1, 5);
    const unplaced = buffers.get(2);
    if (unplaced) unplaced.position = null;
    const taken = buffers.take(0, LIMITS, false);
    expect(taken.map((t) => [t.state.partition, t.nextOffset, t.buffer.records])).toEqual([[0, 3n, 3]]);
    expect(buffers.get(0)?.buffer.records).toBe(0);
    expect(buffers.bytes).toBe(125);
    for (const t of taken) buffers.release(t.buffer);
    expect([buffers.bytes, buffers.records]).toEqual([5, 1]);
    expect(buffers.take(0, LIMITS, true).map((t) => t.state.partition)).toEqual([1]);
  });

  it('drops every buffer on a new assignment and reports the oldest first record', () => {
    const buffers = placed([0, 1]);
    add(buffers, 0, 10, 70);
    add(buffers, 1, 10, 30);
    expect(buffers.oldest()).toBe(30);
    buffers.assign([1, 2], 2);
    expect([buffers.bytes, buffers.records, buffers.oldest()]).toEqual([0, 0, null]);
    expect(buffers.partitions()).toEqual([1, 2]);
    expect(buffers.get(1)?.generation).toBe(2);
  });
});
