import { describe, expect, it } from 'vitest';
import { partitionOffsets, sinkOffsetRows } from './sink-offset-rows.js';

describe('sink offset rows', () => {
  it('maps offsets to sink_offsets rows stamped with the write time, and reads them back', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const rows = sinkOffsetRows(
      [
        { consumerGroup: 'sink', topic: 'orders', partition: 0, nextOffset: '42', topicId: 'abc' },
        { consumerGroup: 'sink', topic: 'orders', partition: 1, nextOffset: '7' },
      ],
      at,
    );
    expect(rows).toEqual([
      {
        consumer_group: 'sink',
        topic: 'orders',
        partition: 0,
        next_offset: '42',
        topic_id: 'abc',
        updated_at: at,
      },
      {
        consumer_group: 'sink',
        topic: 'orders',
        partition: 1,
        next_offset: '7',
        topic_id: null,
        updated_at: at,
      },
    ]);
    expect(
      partitionOffsets('sink', 'orders', [
        { partition: '0', next_offset: 42, topic_id: 'abc' },
        { partition: 1, next_offset: '7', topic_id: null },
      ]),
    ).toEqual([
      { consumerGroup: 'sink', topic: 'orders', partition: 0, nextOffset: '42', topicId: 'abc' },
      { consumerGroup: 'sink', topic: 'orders', partition: 1, nextOffset: '7', topicId: null },
    ]);
  });
});
