import { createOrderEventStream } from '@orderstream/core';
import { createOrderProducer, createOrderSink } from '@orderstream/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { brokers, freshTopics, tempWarehouse, uniqueName, waitFor } from './support/kit.js';

const N = 2_000;

describe('the warehouse, not the group, decides where the sink starts', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('re-reads the topic into a new warehouse although the group has committed the end (regression: it waited forever)', async () => {
    const { topic, dlq } = await freshTopics(2);
    const producer = createOrderProducer({ brokers: brokers(), topic });
    await producer.sendStream(createOrderEventStream({ seed: 61, limit: N }));
    await producer.disconnect();
    const groupId = uniqueName('it-new-warehouse');

    for (const round of [1, 2]) {
      const { warehouse, dispose } = await tempWarehouse();
      cleanups.push(dispose);
      const sink = createOrderSink({ brokers: brokers(), topic, deadLetterTopic: dlq, groupId, warehouse });
      let rows = 0;
      sink.on('flush', (f) => {
        rows += f.rows;
      });
      await sink.start();
      await waitFor(() => rows >= N, 120_000, `round ${round}: ${N} rows`);
      await sink.stop();
      const [count] = await warehouse.query<{ n: number }>(
        `SELECT count(*)::BIGINT AS n FROM ${warehouse.qualify('raw_order_events')}`,
      );
      expect(Number(count?.n)).toBe(N);
    }
  });
});
