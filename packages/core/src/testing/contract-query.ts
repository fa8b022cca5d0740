import { beforeEach, describe, expect, it } from 'vitest';
import { isOrderstreamError } from '../errors/orderstream-error.js';
import { TYPES } from './contract-fixtures.js';
import type { ContractHarness } from './contract-types.js';

/** The contract of `query`. */
export function describeQueryContract(h: ContractHarness): void {
  describe('query', () => {
    beforeEach(async () => {
      await h.warehouse.write([
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
      const q = `select id from ${h.warehouse.qualify(TYPES)} where required = ? and integer_value >= ? and timestamptz_value > ? and boolean_value = ? order by id`;
      expect(
        await h.warehouse.query(q, ["y'; drop table x; --", 2, new Date('2026-03-01T00:00:00Z'), false]),
      ).toEqual([{ id: 'b' }]);
      expect(await h.warehouse.query(q, ['x', 1, new Date('2025-12-31T23:59:59.999Z'), true])).toEqual([
        { id: 'a' },
      ]);
      const nulls = await h.warehouse.query(
        `select count(*) as n from ${h.warehouse.qualify(TYPES)} where text_value is not distinct from ?`,
        [null],
      );
      expect(Number(nulls[0]?.n)).toBe(2);
    });

    it('returns lower-case keys', async () => {
      const rows = await h.warehouse.query(
        `select id as ROW_ID from ${h.warehouse.qualify(TYPES)} order by id`,
      );
      expect(rows).toEqual([{ row_id: 'a' }, { row_id: 'b' }]);
    });

    it('rejects invalid SQL with an orderstream error that names the SQL, not the parameters', async () => {
      const secret = 'parameter-value-that-must-not-leak';
      const failing = h.warehouse.query(
        `select no_such_column from ${h.warehouse.qualify(TYPES)} where id = ?`,
        [secret],
      );
      await expect(failing).rejects.toSatisfy(isOrderstreamError);
      const error = await failing.catch((caught: unknown) => caught);
      expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(
        secret,
      );
    });
  });
}
