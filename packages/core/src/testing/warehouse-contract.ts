import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOrderstreamError } from '../errors/orderstream-error.js';
import { ColumnBatchBuilder } from '../loader/column-batch-builder.js';
import { formatCents } from '../olist/fields.js';
import type { ColumnBatch } from '../warehouse/column-batch.js';
import type { TableDefinition } from '../warehouse/column-types.js';
import { RAW_TABLES } from '../warehouse/raw-schema.js';
import type { PartitionOffset, Warehouse, WarehouseRow } from '../warehouse/warehouse.js';
import { CONTRACT_EVENTS_TABLE, CONTRACT_TYPES_TABLE } from './contract-tables.js';

/** What {@link describeWarehouseContract} passes to the factory. */
export interface WarehouseContractContext {
  /**
   * The tables the warehouse must manage: `RAW_TABLES` plus the suite's own tables (one column of
   * every column type, and a keyless one). Pass them to the adapter's table option.
   */
  readonly tables: Readonly<Record<string, TableDefinition>>;
}

/** A fresh warehouse under test, as the factory of {@link describeWarehouseContract} returns it. */
export interface WarehouseContractSubject {
  /** A warehouse on an empty database, not yet migrated. */
  readonly warehouse: Warehouse;
  /**
   * Arms a one-shot failure: the next write transaction fails after its writes and before its
   * commit. Tests that need it are skipped when the adapter cannot inject failures.
   */
  readonly injectFailure?: () => void;
  /** Releases what the factory created (files, schemas) after the warehouse was closed. */
  readonly cleanup?: () => Promise<void>;
}

/** Creates a fresh {@link WarehouseContractSubject} for each test of the contract suite. */
export type WarehouseContractFactory = (
  context: WarehouseContractContext,
) => Promise<WarehouseContractSubject>;

const CONTEXT: WarehouseContractContext = {
  tables: {
    ...RAW_TABLES,
    [CONTRACT_TYPES_TABLE.name]: CONTRACT_TYPES_TABLE,
    [CONTRACT_EVENTS_TABLE.name]: CONTRACT_EVENTS_TABLE,
  },
};

const TYPES = CONTRACT_TYPES_TABLE.name;
const EVENTS = CONTRACT_EVENTS_TABLE.name;
const OFFSETS = RAW_TABLES.sink_offsets?.name ?? 'sink_offsets';

/** A small deterministic generator, so the suite needs no randomness to be reproducible. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state;
  };
}

function eventRows(generation: string, count: number, amount: (seq: number) => number): WarehouseRow[] {
  return Array.from({ length: count }, (_, seq) => ({ generation, seq, amount: amount(seq) }));
}

async function* batchesOf<T>(rows: readonly T[], size: number): AsyncGenerator<readonly T[]> {
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}

function buildColumnBatch(table: TableDefinition, rows: readonly WarehouseRow[]) {
  const builder = new ColumnBatchBuilder(table, Math.max(1, rows.length));
  for (const row of rows) builder.add(table.columns.map((column) => row[column.name] ?? null));
  return builder.take();
}

async function* columnBatchesOf(rows: readonly WarehouseRow[], size: number): AsyncGenerator<ColumnBatch> {
  for (let start = 0; start < rows.length; start += size) {
    yield buildColumnBatch(CONTRACT_TYPES_TABLE, rows.slice(start, start + size)).batch;
  }
}

/**
 * Rows of the types table for the column-batch test: every type, nulls scattered, text of 1 to 40
 * UTF-8 bytes (inline and not in engines that keep short strings inline), multi-byte characters,
 * the integer and money extremes, timestamps with milliseconds. No empty string: the Snowflake
 * stand-in used in tests (fakesnow) loads a quoted empty CSV field as `NULL`.
 */
function typesRowsForBatches(count: number): WarehouseRow[] {
  const next = lcg(7);
  const alphabet = ['a', 'Z', '0', ' ', ',', '"', "'", '\\', '\n', 'ç', 'ã', '日', '🦆'];
  const text = (length: number) =>
    Array.from({ length }, () => alphabet[next() % alphabet.length] as string).join('');
  const maybe = <T>(value: T): T | null => (next() % 7 === 0 ? null : value);
  return Array.from({ length: count }, (_, index): WarehouseRow => {
    const special = index % 50;
    return {
      id: `row-${String(index).padStart(5, '0')}`,
      required: text(1 + (next() % 12)),
      text_value: maybe(
        special === 1 ? 'x'.repeat(12) : special === 2 ? 'y'.repeat(13) : text(1 + (next() % 40)),
      ),
      integer_value: maybe(
        special === 3 ? -2_147_483_648 : special === 4 ? 2_147_483_647 : (next() % 2_000_001) - 1_000_000,
      ),
      bigint_value: maybe(
        special === 5 ? Number.MAX_SAFE_INTEGER : special === 6 ? -Number.MAX_SAFE_INTEGER : next() * 1_000,
      ),
      double_value: maybe((next() - 2 ** 31) / 977),
      money_value: maybe(special === 7 ? Number.MAX_SAFE_INTEGER : special === 8 ? -5 : next() % 100_000_000),
      timestamp_value: maybe(new Date(Date.UTC(2016, 0, 1) + next() * 1_000 + (next() % 1_000))),
      timestamptz_value: maybe(new Date(Date.UTC(2026, 10, 25) - next() * 997)),
      json_value: maybe(JSON.stringify({ n: next(), s: text(next() % 8) })),
      boolean_value: maybe(next() % 2 === 0),
    };
  });
}

/**
 * Registers the behaviour every {@link Warehouse} adapter must show, as a vitest suite: migrations
 * are idempotent, every column type round-trips exactly, upserts are idempotent, writes with
 * offsets and table replacements are atomic, reads are parameterized and `close` is idempotent.
 *
 * Each test gets a fresh warehouse from `factory`, closes it and calls `cleanup` afterwards.
 *
 * @param name - the adapter's name, shown in the suite's title
 * @param factory - creates a fresh, empty warehouse managing `context.tables`
 * @example
 * ```ts
 * import { describeWarehouseContract } from '@orderstream/core/testing';
 * import { createDuckDbWarehouse } from '@orderstream/duckdb';
 *
 * describeWarehouseContract('duckdb', async ({ tables }) => ({
 *   warehouse: await createDuckDbWarehouse({ path: ':memory:', tables }),
 * }));
 * ```
 */
export function describeWarehouseContract(name: string, factory: WarehouseContractFactory): void {
  describe(`Warehouse contract: ${name}`, () => {
    let subject: WarehouseContractSubject;
    let warehouse: Warehouse;

    beforeEach(async () => {
      subject = await factory(CONTEXT);
      warehouse = subject.warehouse;
      await warehouse.migrate();
    });

    afterEach(async () => {
      await warehouse.close();
      await subject.cleanup?.();
    });

    const typesRows = () =>
      warehouse.query<Record<string, unknown>>(`select * from ${warehouse.qualify(TYPES)} order by id`);
    const countEvents = async (): Promise<Record<string, number>> => {
      const rows = await warehouse.query<{ generation: string; n: number }>(
        `select generation, count(*) as n from ${warehouse.qualify(EVENTS)} group by generation`,
      );
      return Object.fromEntries(rows.map((row) => [row.generation, Number(row.n)]));
    };

    it('migrate is idempotent and keeps existing rows', async () => {
      await warehouse.write([{ table: TYPES, rows: [{ id: 'a', required: 'x' }] }]);
      await warehouse.migrate();
      await warehouse.migrate();
      expect((await typesRows()).map((row) => row.id)).toEqual(['a']);
    });

    it('qualify names every managed table so that it can be queried', async () => {
      for (const table of Object.keys(CONTEXT.tables)) {
        const rows = await warehouse.query<{ n: unknown }>(
          `select count(*) as n from ${warehouse.qualify(table)}`,
        );
        expect(Number(rows[0]?.n)).toBe(0);
      }
    });

    it('round-trips every column type exactly', async () => {
      const wallClock = new Date(Date.UTC(2017, 9, 2, 10, 56, 33));
      const instant = new Date('2026-11-25T21:07:42.123Z');
      const json = {
        order_id: 'e481f51cbdc54678b7cc49136f2d6af7',
        items: [1, 2.5, 'três'],
        nested: { ok: true },
      };
      const text = `it's "quoted", back\\slash, 'single', ção, 日本語, 🦆, tab\tand\nnewline`;
      await warehouse.write([
        {
          table: TYPES,
          rows: [
            {
              id: 'full',
              required: 'r',
              text_value: text,
              integer_value: -2_147_483_648,
              bigint_value: Number.MAX_SAFE_INTEGER,
              double_value: -23.545621281269,
              money_value: 12_990,
              timestamp_value: wallClock,
              timestamptz_value: instant,
              json_value: JSON.stringify(json),
              boolean_value: true,
            },
            { id: 'large', required: 'r', money_value: Number.MAX_SAFE_INTEGER, boolean_value: false },
            { id: 'negative', required: 'r', money_value: -5, integer_value: 0, double_value: 0 },
            { id: 'nulls', required: 'r' },
          ],
        },
      ]);
      const rows = await typesRows();
      expect(rows.map((row) => row.id)).toEqual(['full', 'large', 'negative', 'nulls']);
      const [full, large, negative, nulls] = rows as [
        Record<string, unknown>,
        Record<string, unknown>,
        Record<string, unknown>,
        Record<string, unknown>,
      ];
      expect(full.text_value).toBe(text);
      expect(full.integer_value).toBe(-2_147_483_648);
      expect(full.bigint_value).toBe(Number.MAX_SAFE_INTEGER);
      expect(full.double_value).toBe(-23.545621281269);
      expect(full.money_value).toBe('129.90');
      expect(full.timestamp_value).toBeInstanceOf(Date);
      expect((full.timestamp_value as Date).getTime()).toBe(wallClock.getTime());
      expect(full.timestamptz_value).toBeInstanceOf(Date);
      expect((full.timestamptz_value as Date).getTime()).toBe(instant.getTime());
      expect(typeof full.json_value).toBe('string');
      expect(JSON.parse(full.json_value as string)).toEqual(json);
      expect(full.boolean_value).toBe(true);
      expect(large.money_value).toBe('90071992547409.91');
      expect(large.boolean_value).toBe(false);
      expect(negative.money_value).toBe('-0.05');
      expect(negative.integer_value).toBe(0);
      for (const column of CONTRACT_TYPES_TABLE.columns) {
        if (column.name !== 'id' && column.name !== 'required') expect(nulls[column.name]).toBeNull();
      }
    });

    it('sums money exactly to the cent over 100k rows', async () => {
      const next = lcg(42);
      let expected = 0n;
      const rows = eventRows('sum', 100_000, () => {
        const cents = next() % 100_000_000; // up to 999,999.99 each
        expected += BigInt(cents);
        return cents;
      });
      await warehouse.write([{ table: EVENTS, rows, mode: 'append' }]);
      const [result] = await warehouse.query<{ total: unknown; n: unknown }>(
        `select sum(amount) as total, count(*) as n from ${warehouse.qualify(EVENTS)}`,
      );
      expect(Number(result?.n)).toBe(100_000);
      expect(result?.total).toBe(formatCents(Number(expected)));
      expect(expected > BigInt(2 ** 32)).toBe(true);
    });

    it('write upserts on the natural key: the same rows twice leave one copy, a changed row replaces', async () => {
      const rows = [
        { id: 'a', required: 'first', money_value: 100 },
        { id: 'b', required: 'first', money_value: 200 },
      ];
      await warehouse.write([{ table: TYPES, rows }]);
      await warehouse.write([{ table: TYPES, rows }]);
      expect((await typesRows()).map((row) => [row.id, row.required])).toEqual([
        ['a', 'first'],
        ['b', 'first'],
      ]);
      await warehouse.write([{ table: TYPES, rows: [{ id: 'b', required: 'second', money_value: 250 }] }]);
      expect((await typesRows()).map((row) => [row.id, row.required, row.money_value])).toEqual([
        ['a', 'first', '1.00'],
        ['b', 'second', '2.50'],
      ]);
    });

    it('write keeps the last of rows whose key repeats within one call', async () => {
      await warehouse.write([
        {
          table: TYPES,
          rows: [
            { id: 'a', required: 'one' },
            { id: 'a', required: 'two' },
            { id: 'a', required: 'three' },
          ],
        },
      ]);
      expect((await typesRows()).map((row) => row.required)).toEqual(['three']);
    });

    it('write in append mode inserts every row', async () => {
      const rows = eventRows('g', 3, (seq) => seq);
      await warehouse.write([{ table: EVENTS, rows, mode: 'append' }]);
      await warehouse.write([{ table: EVENTS, rows, mode: 'append' }]);
      expect(await countEvents()).toEqual({ g: 6 });
    });

    it('write to several tables is atomic: a NOT NULL violation in one leaves all untouched', async () => {
      await warehouse.write([{ table: TYPES, rows: [{ id: 'keep', required: 'x' }] }]);
      const failing = warehouse.write([
        { table: EVENTS, rows: eventRows('g', 5, () => 1), mode: 'append' },
        {
          table: TYPES,
          rows: [
            { id: 'new', required: 'x' },
            { id: 'bad', required: null },
          ],
        },
      ]);
      await expect(failing).rejects.toSatisfy(isOrderstreamError);
      expect((await typesRows()).map((row) => row.id)).toEqual(['keep']);
      expect(await countEvents()).toEqual({});
    });

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
        await warehouse.writeWithOffsets([{ table: TYPES, rows: [{ id: 'a', required: 'x' }] }], offsets);
        expect((await typesRows()).map((row) => row.id)).toEqual(['a']);
        const read = await warehouse.readOffsets('sink', 'orders');
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
        expect(await warehouse.readOffsets('sink', 'other-topic')).toEqual([]);
        expect(await warehouse.readOffsets('other-group', 'orders')).toEqual([]);
      });

      it('moves offsets forward by replacing them', async () => {
        await warehouse.writeWithOffsets([], offsets);
        await warehouse.writeWithOffsets([], [{ ...offsets[0], nextOffset: '43' } as PartitionOffset]);
        const read = await warehouse.readOffsets('sink', 'orders');
        expect(read.find((offset) => offset.partition === 0)?.nextOffset).toBe('43');
        expect(read).toHaveLength(2);
      });

      it('writes neither rows nor offsets when a row violates NOT NULL', async () => {
        await warehouse.writeWithOffsets([], offsets);
        const failing = warehouse.writeWithOffsets(
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
        expect(await typesRows()).toEqual([]);
        const read = await warehouse.readOffsets('sink', 'orders');
        expect(read.map((offset) => offset.nextOffset).sort()).toEqual(['42', '9007199254740993']);
      });

      it('writes neither rows nor offsets when the transaction fails before commit', async (context) => {
        if (!subject.injectFailure) context.skip();
        subject.injectFailure?.();
        const failing = warehouse.writeWithOffsets(
          [{ table: TYPES, rows: [{ id: 'a', required: 'x' }] }],
          offsets,
        );
        await expect(failing).rejects.toThrow();
        expect(await typesRows()).toEqual([]);
        expect(await warehouse.readOffsets('sink', 'orders')).toEqual([]);
        // The failure was one-shot: the same write now succeeds.
        await warehouse.writeWithOffsets([{ table: TYPES, rows: [{ id: 'a', required: 'x' }] }], offsets);
        expect(await warehouse.readOffsets('sink', 'orders')).toHaveLength(2);
      });

      it('fences on expectedNextOffset: a writer behind the stored offset writes nothing', async () => {
        const p0 = offsets[0] as PartitionOffset;
        // Nothing stored yet: null is the expected value.
        await warehouse.writeWithOffsets(
          [{ table: TYPES, rows: [{ id: 'a', required: 'x' }] }],
          [{ ...p0, nextOffset: '10', expectedNextOffset: null }],
        );
        // Another member moved the partition on to 20 meanwhile...
        await warehouse.writeWithOffsets([], [{ ...p0, nextOffset: '20', expectedNextOffset: '10' }]);
        // ...so a write still expecting 10 is refused whole, rows included.
        const stale = warehouse.writeWithOffsets(
          [{ table: TYPES, rows: [{ id: 'b', required: 'x' }] }],
          [{ ...p0, nextOffset: '15', expectedNextOffset: '10' }],
        );
        await expect(stale).rejects.toSatisfy(
          (error: unknown) => isOrderstreamError(error) && error.code === 'CORE_OFFSET_CONFLICT',
        );
        expect((await typesRows()).map((row) => row.id)).toEqual(['a']);
        expect((await warehouse.readOffsets('sink', 'orders'))[0]?.nextOffset).toBe('20');
        // A writer that expects nothing stored is refused once something is.
        const fresh = warehouse.writeWithOffsets([], [{ ...p0, nextOffset: '5', expectedNextOffset: null }]);
        await expect(fresh).rejects.toSatisfy(
          (error: unknown) => isOrderstreamError(error) && error.code === 'CORE_OFFSET_CONFLICT',
        );
        // Without a fence the write goes through as before.
        await warehouse.writeWithOffsets([], [{ ...p0, nextOffset: '21' }]);
        expect((await warehouse.readOffsets('sink', 'orders'))[0]?.nextOffset).toBe('21');
      });

      it('keeps offsets in the offsets table', async () => {
        await warehouse.writeWithOffsets([], offsets);
        const rows = await warehouse.query<{ n: unknown }>(
          `select count(*) as n from ${warehouse.qualify(OFFSETS)} where consumer_group = ?`,
          ['sink'],
        );
        expect(Number(rows[0]?.n)).toBe(2);
      });
    });

    describe('replaceTable', () => {
      const oldRows = eventRows('old', 3_000, (seq) => seq);
      const newRows = eventRows('new', 5_000, (seq) => seq * 2);

      beforeEach(async () => {
        await warehouse.write([{ table: EVENTS, rows: oldRows, mode: 'append' }]);
      });

      it('replaces every row and reports the count and progress', async () => {
        const progress: number[] = [];
        const result = await warehouse.replaceTable(EVENTS, batchesOf(newRows, 1_000), {
          onProgress: (rows) => progress.push(rows),
        });
        expect(result).toEqual({ rows: 5_000 });
        expect(await countEvents()).toEqual({ new: 5_000 });
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
            observations.push(await countEvents());
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        })();
        const replacement = warehouse.replaceTable(EVENTS, slowBatches());
        await reachedHalfway;
        // Half the new rows are written but not committed: a reader sees only the old ones.
        expect(await countEvents()).toEqual({ old: 3_000 });
        release();
        await replacement;
        replacing = false;
        await reader;
        expect(await countEvents()).toEqual({ new: 5_000 });
        expect(observations.length).toBeGreaterThan(0);
        for (const observed of observations)
          expect([{ old: 3_000 }, { new: 5_000 }]).toContainEqual(observed);
      });

      it('rolls back and rethrows when the batch iterator fails', async () => {
        const boom = new Error('source failed half way');
        async function* failing(): AsyncGenerator<readonly WarehouseRow[]> {
          yield newRows.slice(0, 1_000);
          throw boom;
        }
        await expect(
          warehouse.replaceTable(EVENTS, failing(), {
            alsoWrite: [{ table: TYPES, rows: [{ id: 'manifest', required: 'x' }] }],
            alsoDelete: [{ table: TYPES, where: { id: 'keep' } }],
          }),
        ).rejects.toBe(boom);
        expect(await countEvents()).toEqual({ old: 3_000 });
        expect(await typesRows()).toEqual([]);
      });

      it('rolls back when a replacement row violates NOT NULL', async () => {
        const bad = [
          ...newRows.slice(0, 10),
          { generation: 'new', seq: null, amount: 1 },
          ...newRows.slice(10),
        ];
        await expect(warehouse.replaceTable(EVENTS, batchesOf(bad, 4))).rejects.toSatisfy(isOrderstreamError);
        expect(await countEvents()).toEqual({ old: 3_000 });
      });

      it('commits alsoDelete and alsoWrite with the replacement', async () => {
        await warehouse.write([
          {
            table: TYPES,
            rows: [
              { id: 'stale', required: 'file-a' },
              { id: 'other', required: 'file-b' },
            ],
          },
        ]);
        await warehouse.replaceTable(EVENTS, batchesOf(newRows, 2_048), {
          alsoDelete: [{ table: TYPES, where: { required: 'file-a' } }],
          alsoWrite: [{ table: TYPES, rows: [{ id: 'fresh', required: 'file-a' }] }],
        });
        expect((await typesRows()).map((row) => row.id)).toEqual(['fresh', 'other']);
        expect(await countEvents()).toEqual({ new: 5_000 });
      });

      it('calls an alsoWrite function after the last batch with the rows written', async () => {
        const seen: number[] = [];
        await warehouse.replaceTable(EVENTS, batchesOf(newRows, 1_000), {
          alsoWrite: ({ rows }) => {
            seen.push(rows);
            return [{ table: TYPES, rows: [{ id: 'manifest', required: String(rows) }] }];
          },
        });
        expect(seen).toEqual([5_000]);
        expect((await typesRows()).map((row) => [row.id, row.required])).toEqual([['manifest', '5000']]);
      });

      it('changes nothing when the transaction fails before commit', async (context) => {
        if (!subject.injectFailure) context.skip();
        subject.injectFailure?.();
        await expect(
          warehouse.replaceTable(EVENTS, batchesOf(newRows, 1_000), {
            alsoWrite: [{ table: TYPES, rows: [{ id: 'manifest', required: 'x' }] }],
          }),
        ).rejects.toThrow();
        expect(await countEvents()).toEqual({ old: 3_000 });
        expect(await typesRows()).toEqual([]);
      });

      it('replaces with an empty table', async () => {
        expect(await warehouse.replaceTable(EVENTS, batchesOf([], 10))).toEqual({ rows: 0 });
        expect(await countEvents()).toEqual({});
      });

      it('takes column batches and stores exactly what the same rows store', async () => {
        const rows = typesRowsForBatches(5_000);
        await warehouse.replaceTable(TYPES, batchesOf(rows, 1_500));
        const fromRows = await typesRows();
        const result = await warehouse.replaceTable(TYPES, columnBatchesOf(rows, 1_500));
        expect(result).toEqual({ rows: 5_000 });
        const fromColumns = await typesRows();
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
        await expect(warehouse.replaceTable(EVENTS, misfit())).rejects.toSatisfy(
          (error) => isOrderstreamError(error) && error.code === 'CORE_INVALID_BATCH',
        );
        expect(await countEvents()).toEqual({ old: 3_000 });
      });
    });

    describe('query', () => {
      beforeEach(async () => {
        await warehouse.write([
          {
            table: TYPES,
            rows: [
              {
                id: 'a',
                required: 'x',
                integer_value: 1,
                timestamptz_value: new Date('2026-01-01T00:00:00Z'),
                boolean_value: true,
              },
              {
                id: 'b',
                required: "y'; drop table x; --",
                integer_value: 2,
                timestamptz_value: new Date('2026-06-01T00:00:00Z'),
                boolean_value: false,
              },
            ],
          },
        ]);
      });

      it('binds ? parameters of every kind', async () => {
        const q = `select id from ${warehouse.qualify(TYPES)} where required = ? and integer_value >= ? and timestamptz_value > ? and boolean_value = ? order by id`;
        expect(
          await warehouse.query(q, ["y'; drop table x; --", 2, new Date('2026-03-01T00:00:00Z'), false]),
        ).toEqual([{ id: 'b' }]);
        expect(await warehouse.query(q, ['x', 1, new Date('2025-12-31T23:59:59.999Z'), true])).toEqual([
          { id: 'a' },
        ]);
        const nulls = await warehouse.query(
          `select count(*) as n from ${warehouse.qualify(TYPES)} where text_value is not distinct from ?`,
          [null],
        );
        expect(Number(nulls[0]?.n)).toBe(2);
      });

      it('returns lower-case keys', async () => {
        const rows = await warehouse.query(
          `select id as ROW_ID from ${warehouse.qualify(TYPES)} order by id`,
        );
        expect(rows).toEqual([{ row_id: 'a' }, { row_id: 'b' }]);
      });

      it('rejects invalid SQL with an orderstream error that names the SQL, not the parameters', async () => {
        const secret = 'parameter-value-that-must-not-leak';
        const failing = warehouse.query(
          `select no_such_column from ${warehouse.qualify(TYPES)} where id = ?`,
          [secret],
        );
        await expect(failing).rejects.toSatisfy(isOrderstreamError);
        const error = await failing.catch((caught: unknown) => caught);
        expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(
          secret,
        );
      });
    });

    it('close is idempotent and later calls reject', async () => {
      await warehouse.close();
      await warehouse.close();
      await expect(warehouse.query('select 1 as one')).rejects.toSatisfy(isOrderstreamError);
    });
  });
}
