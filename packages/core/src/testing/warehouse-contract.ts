import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOrderstreamError } from '../errors/orderstream-error.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { CONTEXT, EVENTS, TYPES } from './contract-fixtures.js';
import { describeOffsetsContract } from './contract-offsets.js';
import { describeQueryContract } from './contract-query.js';
import { describeReplaceTableContract } from './contract-replace-table.js';
import type {
  ContractHarness,
  WarehouseContractFactory,
  WarehouseContractSubject,
} from './contract-types.js';
import { describeWriteContract } from './contract-writes.js';

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

    const h: ContractHarness = {
      get warehouse() {
        return warehouse;
      },
      get subject() {
        return subject;
      },
      typesRows,
      countEvents,
    };
    describeWriteContract(h);
    describeOffsetsContract(h);
    describeReplaceTableContract(h);
    describeQueryContract(h);

    it('close is idempotent and later calls reject', async () => {
      await warehouse.close();
      await warehouse.close();
      await expect(warehouse.query('select 1 as one')).rejects.toSatisfy(isOrderstreamError);
    });
  });
}
