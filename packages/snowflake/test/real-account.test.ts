import { formatCents } from '@orderstream/core';
import type { SnowflakeWarehouse } from '@orderstream/snowflake';
import { createSnowflakeWarehouse, snowflakeConnectionFromEnv } from '@orderstream/snowflake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, onEmulator, uniqueSchema } from './support/snowflake-kit.js';

/**
 * Runs only when `SNOWFLAKE_ACCOUNT` (and the other `SNOWFLAKE_*` variables) name a real account:
 * what the emulator cannot prove — real stage binding thresholds, real PUT/COPY, real
 * transactions and MERGE — checked on the service itself, with the adapter's default batching.
 */
describe.skipIf(onEmulator)('SnowflakeWarehouse on a real Snowflake account', () => {
  const schema = uniqueSchema('ORDERSTREAM_IT');
  let warehouse: SnowflakeWarehouse;

  beforeAll(async () => {
    warehouse = await createSnowflakeWarehouse({ connection: snowflakeConnectionFromEnv(), schema });
    await warehouse.migrate();
  });
  afterAll(async () => {
    await warehouse?.close();
    await dropSchema(schema);
  });

  it('writes with offsets, upserts, bulk-replaces through PUT + COPY and sums money exactly', async () => {
    const rows = Array.from({ length: 20_000 }, (_, seq) => ({
      alert_id: `a-${seq}`,
      rule: 'r',
      series: 's',
      severity: 'info',
      state: 'firing',
      started_at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq % 60)),
      explanation: 'x',
      details: JSON.stringify({ seq }),
    }));
    await warehouse.writeWithOffsets(
      [{ table: 'alerts', rows }],
      [{ consumerGroup: 'g', topic: 't', partition: 0, nextOffset: '9007199254740993' }],
    );
    await warehouse.write([{ table: 'alerts', rows: rows.slice(0, 100) }]);
    const [alerts] = await warehouse.query<{ n: number }>(
      `select count(*) as n from ${warehouse.qualify('alerts')}`,
    );
    expect(alerts?.n).toBe(20_000);
    expect((await warehouse.readOffsets('g', 't'))[0]?.nextOffset).toBe('9007199254740993');

    const cents = Array.from({ length: 5_000 }, (_, i) => (i * 7_919) % 10_000_000);
    async function* batches() {
      for (let start = 0; start < cents.length; start += 1_000) {
        yield cents.slice(start, start + 1_000).map((price, i) => ({
          order_id: `o-${start + i}`,
          order_item_id: 1,
          product_id: 'p',
          seller_id: 's',
          shipping_limit_date: new Date(Date.UTC(2017, 9, 2, 10, 56, 33)),
          price,
          freight_value: 1,
        }));
      }
    }
    expect(await warehouse.replaceTable('olist_order_items', batches())).toEqual({ rows: 5_000 });
    const [items] = await warehouse.query<{ total: string }>(
      `select sum(price) as total from ${warehouse.qualify('olist_order_items')}`,
    );
    expect(items?.total).toBe(formatCents(cents.reduce((sum, c) => sum + c, 0)));
  });
});
