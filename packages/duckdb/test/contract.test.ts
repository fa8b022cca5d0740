import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WarehouseContractContext, WarehouseContractSubject } from '@orderstream/core/testing';
import { describeWarehouseContract } from '@orderstream/core/testing';
import { createDuckDbWarehouse } from '@orderstream/duckdb';

/** A DuckDB warehouse whose next commit can be made to fail, through its `onBeforeCommit` hook. */
async function subject(
  path: string,
  { tables }: WarehouseContractContext,
): Promise<WarehouseContractSubject> {
  let failNext = false;
  const warehouse = await createDuckDbWarehouse({
    path,
    tables,
    onBeforeCommit: () => {
      if (failNext) {
        failNext = false;
        throw new Error('injected failure before commit');
      }
    },
  });
  return {
    warehouse,
    injectFailure: () => {
      failNext = true;
    },
  };
}

describeWarehouseContract('duckdb (in memory)', (context) => subject(':memory:', context));

describeWarehouseContract('duckdb (file)', async (context) => {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-duckdb-contract-'));
  const created = await subject(join(dir, 'nested', 'warehouse.duckdb'), context);
  return { ...created, cleanup: () => rm(dir, { recursive: true, force: true }) };
});
