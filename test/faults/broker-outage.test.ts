import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '@orderstream/duckdb';
import { createKafkaJsClientFactory, createOrderProducer } from '@orderstream/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonChild } from './support/child.js';
import { spawnSinkProcess, stopChild, waitFor } from './support/child.js';
import { createTopics, runSeed, uniqueName } from './support/kafka.js';
import { offsetMismatches, warehouseTotals } from './support/reconcile.js';
import { FaultReport } from './support/report.js';
import type { OwnService } from './support/services.js';
import { startOwnKafka } from './support/services.js';
import { faultScale } from './support/size.js';
import { countedEvents, SourceTotals } from './support/source.js';

const scale = faultScale();

describe(`fault: the broker stopped mid-stream (${scale.size})`, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it(`producer and sink recover by themselves after ${scale.brokerDownMs / 1000} s without a broker: no loss, no duplicate`, async () => {
    const report = new FaultReport(
      `broker down ${scale.brokerDownMs / 1000} s, ${scale.brokerOrders} orders`,
    );
    try {
      const kafka: OwnService = await startOwnKafka();
      cleanups.push(() => kafka.dispose());
      const brokers = [kafka.address];
      const { topic, dlq } = await createTopics(brokers, 3);
      const dir = await mkdtemp(join(tmpdir(), 'orderstream-faults-broker-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const path = join(dir, 'warehouse.duckdb');
      const group = uniqueName('faults-broker');

      const sink: JsonChild = spawnSinkProcess(
        {
          topic,
          deadLetterTopic: dlq,
          groupId: group,
          warehouse: { kind: 'duckdb', path },
          sink: { flushMaxRecords: 1000, flushIntervalMs: 200 },
        },
        { KAFKA_BROKERS: brokers.join(',') },
      );
      cleanups.push(async () => void sink.child.kill('SIGKILL'));

      // Paced so that about a third of the stream is sent before the outage and the rest after.
      const rate = Math.ceil(scale.brokerOrders / (scale.size === 'full' ? 60 : 25));
      const source = new SourceTotals();
      const producer = createOrderProducer({
        clientFactory: createKafkaJsClientFactory({ brokers, logLevel: 'nothing' }),
        topic,
        ratePerSecond: rate,
      });
      const producerRetries: string[] = [];
      producer.on('retry', (error) => producerRetries.push(error.code));
      cleanups.push(() => producer.disconnect());
      const producing = producer.sendStream(countedEvents(runSeed(), scale.brokerOrders, source));
      producing.catch(() => undefined);

      await waitFor(
        () => sink.rows() >= scale.brokerOrders / 4,
        120_000,
        'a quarter of the stream in the warehouse',
      );
      const before = { sent: producer.stats.sent, rows: sink.rows() };
      const stoppedAt = Date.now();
      await kafka.stop();
      report.injected(
        `broker stopped (SIGTERM) after ${before.sent} events sent and ${before.rows} rows committed`,
      );
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, scale.brokerDownMs - (Date.now() - stoppedAt))),
      );
      const down = { sent: producer.stats.sent, rows: sink.rows() };
      await kafka.start();
      report.injected(
        `broker restarted after ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s (sent meanwhile: ${down.sent - before.sent}, committed meanwhile: ${down.rows - before.rows})`,
      );

      const { sent } = await producing;
      report.found(
        `producer finished by itself: ${sent} events sent, ${producerRetries.length} sends retried`,
      );
      await waitFor(
        () => sink.rows() >= scale.brokerOrders || sink.child.exitCode !== null,
        180_000,
        'the sink to catch up',
      );
      const sinkErrors = sink.events.filter((e) => e.type === 'error');
      report.found(
        `sink caught up without restart: ${sink.rows()} rows; ${sinkErrors.length} non-fatal errors reported` +
          (sinkErrors.length > 0
            ? ` (${[...new Set(sinkErrors.map((e) => String(e.code)))].join(', ')})`
            : ''),
      );
      expect(sink.child.exitCode, sink.stderr()).toBeNull();
      expect(sinkErrors.filter((e) => e.fatal === true)).toEqual([]);
      expect(await stopChild(sink), sink.stderr()).toBe(0);

      const warehouse = new DuckDbWarehouse({ path });
      cleanups.push(() => warehouse.close());
      const totals = await warehouseTotals(warehouse, topic);
      report.reconcile('source vs warehouse raw_order_events', source.summary(), totals);
      expect(await offsetMismatches(warehouse, group, topic)).toEqual([]);
      expect(sent).toBe(scale.brokerOrders);
      expect(totals).toMatchObject(source.summary());
      expect(totals.distinctRecords).toBe(scale.brokerOrders);
    } finally {
      report.print();
    }
  });
});
