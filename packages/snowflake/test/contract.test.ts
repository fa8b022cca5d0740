import { describeWarehouseContract } from '@orderstream/core/testing';
import { createSnowflakeWarehouse } from '@orderstream/snowflake';
import { dropSchema, testBatching, testConnection, uniqueSchema } from './support/snowflake-kit.js';

describeWarehouseContract('snowflake (snowflake-sdk)', async ({ tables }) => {
  let failNext = false;
  const schema = uniqueSchema('CONTRACT');
  const warehouse = await createSnowflakeWarehouse({
    connection: testConnection(),
    schema,
    tables,
    ...testBatching,
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
    cleanup: () => dropSchema(schema),
  };
});
