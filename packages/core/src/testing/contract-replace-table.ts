import { beforeEach, describe, expect, it } from 'vitest';
import { isOrderstreamError } from '../errors/orderstream-error.js';
import { formatCents } from '../schema/fields.js';
import type { ColumnBatch } from '../warehouse/column-batch.js';
import type { WarehouseRow } from '../warehouse/warehouse.js';
import {
  batchesOf,
  buildColumnBatch,
  columnBatchesOf,
  EVENTS,
  eventRows,
  TYPES,
  typesRowsForBatches,
} from './contract-fixtures.js';
import { CONTRACT_EVENTS_TABLE } from './contract-tables.js';
import type { ContractHarness } from './contract-types.js';

/** The contract of `replaceTable`. */
export function describeReplaceTableContract(h: ContractHarness): void {
  describe('replaceTable', () => {
    const oldRows = eventRows('old', 3_000, (seq) => seq);
    const newRows = eventRows('new', 5_000, (seq) => seq * 2);

    beforeEach(async () => {
      await h.warehouse.write([{ table: EVENTS, rows: oldRows, mode: 'append' }]);
    });

    it('replaces every row and reports the count and progress', async () => {
      const progress: number[] = [];
      const result = await h.warehouse.replaceTable(EVENTS, batchesOf(newRows, 1_000), {
        onProgress: (rows) => progress.push(rows),
      });
      expect(result).toEqual({ rows: 5_000 });
      expect(await h.countEvents()).toEqual({ new: 5_000 });
      expect(progress.at(-1)).toBe(5_000);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    });

    it('shows concurrent readers all old rows or all new rows, never a mix', async () => {
      let release: () => void = () => {};
      const paused = new Promise<void>((resolve) => {
        release = resolve;
      });
      let halfway: () => void = () => {};
      const reachedHalfway = new Promise<void>((resolve) => {
        halfway = resolve;
      });
      async function* slowBatches(): AsyncGenerator<readonly WarehouseRow[]> {
        yield newRows.slice(0, 2_500);
        halfway();
        await paused;
        yield newRows.slice(2_500);
      }
      const observations: Record<string, number>[] = [];
      let replacing = true;
      const reader = (async () => {
        while (replacing) {
          observations.push(await h.countEvents());
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      const replacement = h.warehouse.replaceTable(EVENTS, slowBatches());
      await reachedHalfway;
      // Half the new rows are written but not committed: a reader sees only the old ones.
      expect(await h.countEvents()).toEqual({ old: 3_000 });
      release();
      await replacement;
      replacing = false;
      await reader;
      expect(await h.countEvents()).toEqual({ new: 5_000 });
      expect(observations.length).toBeGreaterThan(0);
      for (const observed of observations) expect([{ old: 3_000 }, { new: 5_000 }]).toContainEqual(observed);
    });

    it('rolls back and rethrows when the batch iterator fails', async () => {
      const boom = new Error('source failed half way');
      async function* failing(): AsyncGenerator<readonly WarehouseRow[]> {
        yield newRows.slice(0, 1_000);
        throw boom;
      }
      await expect(
        h.warehouse.replaceTable(EVENTS, failing(), {
          alsoWrite: [{ table: TYPES, rows: [{ id: 'manifest', required: 'x' }] }],
          alsoDelete: [{ table: TYPES, where: { id: 'keep' } }],
        }),
      ).rejects.toBe(boom);
      expect(await h.countEvents()).toEqual({ old: 3_000 });
      expect(await h.typesRows()).toEqual([]);
    });

    it('rolls back when a replacement row violates NOT NULL', async () => {
      const bad = [
        ...newRows.slice(0, 10),
        { generation: 'new', seq: null, amount: 1 },
        ...newRows.slice(10),
      ];
      await expect(h.warehouse.replaceTable(EVENTS, batchesOf(bad, 4))).rejects.toSatisfy(isOrderstreamError);
      expect(await h.countEvents()).toEqual({ old: 3_000 });
    });

    it('commits alsoDelete and alsoWrite with the replacement', async () => {
      await h.warehouse.write([
        {
          table: TYPES,
          rows: [
            { id: 'stale', required: 'file-a' },
            { id: 'other', required: 'file-b' },
          ],
        },
      ]);
      await h.warehouse.replaceTable(EVENTS, batchesOf(newRows, 2_048), {
        alsoDelete: [{ table: TYPES, where: { required: 'file-a' } }],
        alsoWrite: [{ table: TYPES, rows: [{ id: 'fresh', required: 'file-a' }] }],
      });
      expect((await h.typesRows()).map((row) => row.id)).toEqual(['fresh', 'other']);
      expect(await h.countEvents()).toEqual({ new: 5_000 });
    });

    it('calls an alsoWrite function after the last batch with the rows written', async () => {
      const seen: number[] = [];
      await h.warehouse.replaceTable(EVENTS, batchesOf(newRows, 1_000), {
        alsoWrite: ({ rows }) => {
          seen.push(rows);
          return [{ table: TYPES, rows: [{ id: 'manifest', required: String(rows) }] }];
        },
      });
      expect(seen).toEqual([5_000]);
      expect((await h.typesRows()).map((row) => [row.id, row.required])).toEqual([['manifest', '5000']]);
    });

    it('changes nothing when the transaction fails before commit', async (context) => {
      if (!h.subject.injectFailure) context.skip();
      h.subject.injectFailure?.();
      await expect(
        h.warehouse.replaceTable(EVENTS, batchesOf(newRows, 1_000), {
          alsoWrite: [{ table: TYPES, rows: [{ id: 'manifest', required: 'x' }] }],
        }),
      ).rejects.toThrow();
      expect(await h.countEvents()).toEqual({ old: 3_000 });
      expect(await h.typesRows()).toEqual([]);
    });

    it('replaces with an empty table', async () => {
      expect(await h.warehouse.replaceTable(EVENTS, batchesOf([], 10))).toEqual({ rows: 0 });
      expect(await h.countEvents()).toEqual({});
    });

    it('takes column batches and stores exactly what the same rows store', async () => {
      const rows = typesRowsForBatches(5_000);
      await h.warehouse.replaceTable(TYPES, batchesOf(rows, 1_500));
      const fromRows = await h.typesRows();
      const result = await h.warehouse.replaceTable(TYPES, columnBatchesOf(rows, 1_500));
      expect(result).toEqual({ rows: 5_000 });
      const fromColumns = await h.typesRows();
      expect(fromColumns).toHaveLength(5_000);
      expect(fromColumns).toEqual(fromRows);
      // And what went in: spot checks beyond "the same as rows".
      const byId = new Map(fromColumns.map((row) => [row.id, row]));
      for (const row of rows.filter((_, index) => index % 97 === 0)) {
        const stored = byId.get(row.id) as Record<string, unknown>;
        expect(stored.text_value).toBe(row.text_value);
        expect(stored.integer_value).toBe(row.integer_value);
        expect(stored.money_value).toBe(
          row.money_value === null ? null : formatCents(row.money_value as number),
        );
        expect((stored.timestamp_value as Date | null)?.getTime()).toBe(
          (row.timestamp_value as Date | null)?.getTime(),
        );
      }
    });

    it('rejects a column batch that does not fit the table and keeps the old rows', async () => {
      const { batch } = buildColumnBatch(CONTRACT_EVENTS_TABLE, newRows.slice(0, 10));
      async function* misfit(): AsyncGenerator<ColumnBatch> {
        yield { ...batch, columns: batch.columns.slice(1) };
      }
      await expect(h.warehouse.replaceTable(EVENTS, misfit())).rejects.toSatisfy(
        (error) => isOrderstreamError(error) && error.code === 'CORE_INVALID_BATCH',
      );
      expect(await h.countEvents()).toEqual({ old: 3_000 });
    });
  });
}
