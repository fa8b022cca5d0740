import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { OrderEvent } from '@orderstream/core';
import { createOrderEventStream, formatCents } from '@orderstream/core';
import { createOrderProducer, createOrderSink, ensureTopics } from '@orderstream/kafka';
import type { SnowflakeWarehouse } from '@orderstream/snowflake';
import { createSnowflakeWarehouse } from '@orderstream/snowflake';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  dropSchema,
  onEmulator,
  testBatching,
  testConnection,
  uniqueSchema,
} from './support/snowflake-kit.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const brokers = () => inject('kafkaBrokers').split(',');
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Kafka → OrderSink → Snowflake (real broker, emulated Snowflake)', () => {
  const schema = uniqueSchema('SINK');
  let warehouse: SnowflakeWarehouse;

  beforeAll(async () => {
    warehouse = await createSnowflakeWarehouse({ connection: testConnection(), schema, ...testBatching });
    await warehouse.migrate();
  });
  afterAll(async () => {
    await warehouse.close();
    await dropSchema(schema);
  });

  it('lands every event exactly once across a sink restart, with exact revenue and stored offsets', async () => {
    const topic = unique('sf-orders');
    const dlq = `${topic}.dlq`;
    await ensureTopics({ brokers: brokers(), ordersTopic: topic, deadLetterTopic: dlq, partitions: 2 });
    const events = [...createOrderEventStream({ seed: 23, limit: 600 })] as OrderEvent[];
    let itemsCents = 0;
    let paymentCents = 0;
    for (const event of events) {
      for (const item of event.order.items) itemsCents += item.price;
      for (const payment of event.order.payments) paymentCents += payment.payment_value;
    }
    const groupId = unique('sf-sink');
    const producer = createOrderProducer({ brokers: brokers(), topic });

    const sinkRun = async (count: number, writeMode: 'append' | 'upsert') => {
      let flushed = 0;
      const sink = createOrderSink({
        brokers: brokers(),
        topic,
        deadLetterTopic: dlq,
        groupId,
        warehouse,
        writeMode,
      });
      sink.on('flush', (info) => {
        flushed += info.rows;
      });
      await sink.start();
      return async () => {
        await waitFor(() => flushed >= count, 90_000, `${count} rows flushed`);
        await sink.stop();
        expect(flushed).toBe(count);
      };
    };
    const totals = () =>
      warehouse.query<{ n: number; events: number; items: string; payments: string }>(
        `select count(*) as n, count(distinct event_id) as events, sum(items_value) as items,
                sum(payment_value) as payments from ${warehouse.qualify('raw_order_events')}`,
      );
    const expected = {
      n: 600,
      events: 600,
      items: formatCents(itemsCents),
      payments: formatCents(paymentCents),
    };
    const partitions = () =>
      warehouse.query<{ p: number; n: number; lo: number; hi: number }>(
        `select kafka_partition as p, count(*) as n, min(kafka_offset) as lo, max(kafka_offset) as hi
           from ${warehouse.qualify('raw_order_events')} group by 1 order by 1`,
      );

    // A first sink takes 400 events and stops; a second resumes from the offsets stored in
    // Snowflake and takes the 200 produced meanwhile: each record lands once.
    const first = await sinkRun(400, 'append');
    await producer.sendStream(events.slice(0, 400));
    await first();
    await producer.sendStream(events.slice(400));
    const second = await sinkRun(200, 'append');
    await second();
    expect(await totals()).toEqual([expected]);
    const stored = async () =>
      (await warehouse.readOffsets(groupId, topic)).map((offset) => [offset.partition, offset.nextOffset]);
    const afterAppend = await partitions();
    expect(afterAppend.every((row) => row.lo === 0 && row.hi === row.n - 1)).toBe(true);
    expect(await stored()).toEqual(afterAppend.map((row) => [row.p, String(row.n)]));

    // A producer that sends every event again: the upserting sink MERGEs on event_id.
    await producer.sendStream(events);
    await producer.disconnect();
    const third = await sinkRun(600, 'upsert');
    await third();
    expect(await totals()).toEqual([expected]);
    expect(await stored()).toEqual((await partitions()).map((row) => [row.p, String(row.hi + 1)]));

    if (onEmulator) {
      // An independent reader (the Python connector) sees the same exact revenue.
      const { stdout } = await run(
        `${repoRoot}.venv/bin/python`,
        [
          `${repoRoot}scripts/fakesnow_query.py`,
          '--database',
          testConnection().database,
          '--schema',
          schema,
          'SELECT COUNT(*) AS N, SUM(PAYMENT_VALUE) AS PAYMENTS FROM RAW_ORDER_EVENTS',
        ],
        { env: { ...process.env, FAKESNOW_PORT: new URL(testConnection().accessUrl ?? '').port } },
      );
      expect(JSON.parse(stdout)).toEqual([{ N: 600, PAYMENTS: formatCents(paymentCents) }]);
    }
  });
});
