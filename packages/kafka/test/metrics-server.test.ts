import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrderEventStream } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import {
  createKafkaJsClientFactory,
  createOrderProducer,
  createOrderSink,
  ensureTopics,
} from '@orderstream/kafka';
import { startMetricsServer } from '@orderstream/kafka/metrics';
import { describe, expect, inject, it } from 'vitest';

const brokers = () => inject('kafkaBrokers').split(',');
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The value of one sample line (`name{labels} value`) of a Prometheus exposition. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('startMetricsServer', () => {
  it('serves counters over HTTP that match what was produced and dead-lettered', async () => {
    const topic = unique('it-metrics');
    const dlq = `${topic}.dlq`;
    await ensureTopics({ brokers: brokers(), ordersTopic: topic, deadLetterTopic: dlq, partitions: 2 });
    const dir = await mkdtemp(join(tmpdir(), 'orderstream-metrics-it-'));
    const warehouse = await createDuckDbWarehouse({ path: join(dir, 'w.duckdb'), config: { threads: '2' } });
    try {
      await warehouse.migrate();
      const sink = createOrderSink({
        brokers: brokers(),
        topic,
        deadLetterTopic: dlq,
        groupId: unique('it-metrics'),
        warehouse,
        flushIntervalMs: 200,
      });
      const server = await startMetricsServer({ sink, port: 0 });
      try {
        expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
        await sink.start();
        const events = [...createOrderEventStream({ seed: 11, limit: 7 })];
        const producer = createOrderProducer({ brokers: brokers(), topic });
        await producer.send(events);
        await producer.disconnect();
        const raw = createKafkaJsClientFactory({
          brokers: brokers(),
          clientId: 'it-metrics',
          logLevel: 'nothing',
        }).producer({ idempotent: true });
        await raw.connect();
        await raw.send({ topic, records: [{ key: 'poison', value: 'not json' }], compression: 'none' });
        await raw.disconnect();
        await waitFor(
          () => sink.metrics().records >= events.length && sink.metrics().deadLettered >= 1,
          120_000,
          'rows and a dead letter',
        );

        const response = await fetch(server.url);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toContain('text/plain');
        const text = await response.text();
        expect(sample(text, 'orderstream_sink_records_total')).toBe(events.length);
        expect(sample(text, 'orderstream_sink_rejects_total')).toBe(1);
        expect(sample(text, 'orderstream_sink_dead_letters_total{code="KAFKA_MESSAGE_UNPARSEABLE"}')).toBe(1);
        expect(sample(text, 'orderstream_sink_flush_rows_sum')).toBe(events.length);
        expect(sample(text, 'orderstream_sink_flush_rows_count')).toBe(sink.metrics().batches);
        expect(sample(text, 'orderstream_sink_flush_duration_seconds_count')).toBe(sink.metrics().batches);
        expect(sample(text, 'orderstream_sink_retries_total')).toBe(0);
        expect(sample(text, 'orderstream_sink_end_to_end_latency_seconds{quantile="0.99"}')).toBeGreaterThan(
          0,
        );
        const lags = text.split('\n').filter((l) => l.startsWith('orderstream_sink_partition_lag{'));
        expect(lags.length).toBeGreaterThan(0);
        for (const l of lags) expect(Number(l.split(' ')[1])).toBe(0);

        expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
      } finally {
        await server.close();
        await sink.stop();
      }
      await expect(fetch(server.url)).rejects.toThrow();
    } finally {
      await warehouse.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
