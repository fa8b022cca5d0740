import { describe, expect, it } from 'vitest';
import { isOrderstreamError } from '../errors/orderstream-error.js';
import type { PartitionOffset } from '../warehouse/warehouse.js';
import { OFFSETS, TYPES } from './contract-fixtures.js';
import type { ContractHarness } from './contract-types.js';

/** The contract of `writeWithOffsets` and `readOffsets`. */
export function describeOffsetsContract(h: ContractHarness): void {
  describe('writeWithOffsets', () => {
    const offsets: PartitionOffset[] = [
      { consumerGroup: 'sink', topic: 'orders', partition: 0, nextOffset: '42', topicId: 'topic-a' },
      {
        consumerGroup: 'sink',
        topic: 'orders',
        partition: 1,
        nextOffset: '9007199254740993',
        topicId: null,
      },
    ];

    it('commits rows and offsets together, and offsets read back exactly', async () => {
      await h.warehouse.writeWithOffsets([{ table: TYPES, rows: [{ id: 'a', required: 'x' }] }], offsets);
      expect((await h.typesRows()).map((row) => row.id)).toEqual(['a']);
      const read = await h.warehouse.readOffsets('sink', 'orders');
      expect([...read].sort((a, b) => a.partition - b.partition)).toEqual([
        { consumerGroup: 'sink', topic: 'orders', partition: 0, nextOffset: '42', topicId: 'topic-a' },
        {
          consumerGroup: 'sink',
          topic: 'orders',
          partition: 1,
          nextOffset: '9007199254740993',
          topicId: null,
        },
      ]);
      expect(await h.warehouse.readOffsets('sink', 'other-topic')).toEqual([]);
      expect(await h.warehouse.readOffsets('other-group', 'orders')).toEqual([]);
    });

    it('moves offsets forward by replacing them', async () => {
      await h.warehouse.writeWithOffsets([], offsets);
      await h.warehouse.writeWithOffsets([], [{ ...offsets[0], nextOffset: '43' } as PartitionOffset]);
      const read = await h.warehouse.readOffsets('sink', 'orders');
      expect(read.find((offset) => offset.partition === 0)?.nextOffset).toBe('43');
      expect(read).toHaveLength(2);
    });

    it('writes neither rows nor offsets when a row violates NOT NULL', async () => {
      await h.warehouse.writeWithOffsets([], offsets);
      const failing = h.warehouse.writeWithOffsets(
        [
          {
            table: TYPES,
            rows: [
              { id: 'a', required: 'x' },
              { id: 'b', required: null },
            ],
          },
        ],
        offsets.map((offset) => ({ ...offset, nextOffset: '100' })),
      );
      await expect(failing).rejects.toSatisfy(isOrderstreamError);
      expect(await h.typesRows()).toEqual([]);
      const read = await h.warehouse.readOffsets('sink', 'orders');
      expect(read.map((offset) => offset.nextOffset).sort()).toEqual(['42', '9007199254740993']);
    });

    it('writes neither rows nor offsets when the transaction fails before commit', async (context) => {
      if (!h.subject.injectFailure) context.skip();
      h.subject.injectFailure?.();
      const failing = h.warehouse.writeWithOffsets(
        [{ table: TYPES, rows: [{ id: 'a', required: 'x' }] }],
        offsets,
      );
      await expect(failing).rejects.toThrow();
      expect(await h.typesRows()).toEqual([]);
      expect(await h.warehouse.readOffsets('sink', 'orders')).toEqual([]);
      // The failure was one-shot: the same write now succeeds.
      await h.warehouse.writeWithOffsets([{ table: TYPES, rows: [{ id: 'a', required: 'x' }] }], offsets);
      expect(await h.warehouse.readOffsets('sink', 'orders')).toHaveLength(2);
    });

    it('fences on expectedNextOffset: a writer behind the stored offset writes nothing', async () => {
      const p0 = offsets[0] as PartitionOffset;
      // Nothing stored yet: null is the expected value.
      await h.warehouse.writeWithOffsets(
        [{ table: TYPES, rows: [{ id: 'a', required: 'x' }] }],
        [{ ...p0, nextOffset: '10', expectedNextOffset: null }],
      );
      // Another member moved the partition on to 20 meanwhile...
      await h.warehouse.writeWithOffsets([], [{ ...p0, nextOffset: '20', expectedNextOffset: '10' }]);
      // ...so a write still expecting 10 is refused whole, rows included.
      const stale = h.warehouse.writeWithOffsets(
        [{ table: TYPES, rows: [{ id: 'b', required: 'x' }] }],
        [{ ...p0, nextOffset: '15', expectedNextOffset: '10' }],
      );
      await expect(stale).rejects.toSatisfy(
        (error: unknown) => isOrderstreamError(error) && error.code === 'CORE_OFFSET_CONFLICT',
      );
      expect((await h.typesRows()).map((row) => row.id)).toEqual(['a']);
      expect((await h.warehouse.readOffsets('sink', 'orders'))[0]?.nextOffset).toBe('20');
      // A writer that expects nothing stored is refused once something is.
      const fresh = h.warehouse.writeWithOffsets([], [{ ...p0, nextOffset: '5', expectedNextOffset: null }]);
      await expect(fresh).rejects.toSatisfy(
        (error: unknown) => isOrderstreamError(error) && error.code === 'CORE_OFFSET_CONFLICT',
      );
      // Without a fence the write goes through as before.
      await h.warehouse.writeWithOffsets([], [{ ...p0, nextOffset: '21' }]);
      expect((await h.warehouse.readOffsets('sink', 'orders'))[0]?.nextOffset).toBe('21');
    });

    it('keeps offsets in the offsets table', async () => {
      await h.warehouse.writeWithOffsets([], offsets);
      const rows = await h.warehouse.query<{ n: unknown }>(
        `select count(*) as n from ${h.warehouse.qualify(OFFSETS)} where consumer_group = ?`,
        ['sink'],
      );
      expect(Number(rows[0]?.n)).toBe(2);
    });
  });
}
