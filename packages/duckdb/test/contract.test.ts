import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWarehouseContract } from '@orderstream/core/testing';
import { createDuckDbWarehouse } from '@orderstream/duckdb';

describeWarehouseContract('duckdb (in memory)', async ({ tables }) => {
  let failNext = false;
  const warehouse = await createDuckDbWarehouse({
    path: ':memory:',
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
});

describeWarehouseContract('duckdb (file)', async ({ tables }) => {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-duckdb-contract-'));
  const warehouse = await createDuckDbWarehouse({ path: join(dir, 'nested', 'warehouse.duckdb'), tables });
  return { warehouse, cleanup: () => rm(dir, { recursive: true, force: true }) };
});
