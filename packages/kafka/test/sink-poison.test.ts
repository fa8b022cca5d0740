import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { createOrderEventStream, serializeOrderEvent } from '@orderstream/core';
import { createOrderProducer, createOrderSink, DEAD_LETTER_HEADERS } from '@orderstream/kafka';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  brokers,
  defined,
  freshTopics,
  header,
  readTopic,
  tempWarehouse,
  uniqueName,
  waitFor,
} from './support/kit.js';

const exec = promisify(execFile);
const VALID = 3_000;

describe('OrderSink with poison messages', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('dead-letters every poison message with its reason headers, keeps going, and writes every valid row', async () => {
    const { topic, dlq } = await freshTopics(3);
    const { warehouse, dispose } = await tempWarehouse();
    cleanups.push(dispose);
    const groupId = uniqueName('it-poison');
    const sink = createOrderSink({
      brokers: brokers(),
      topic,
      deadLetterTopic: dlq,
      groupId,
      warehouse,
      flushMaxRecords: 700,
    });
    let rows = 0;
    let deadLettered = 0;
    const fatal: unknown[] = [];
    sink.on('flush', (f) => {
      rows += f.rows;
    });
    sink.on('dead-letter', () => {
      deadLettered++;
    });
    sink.on('error', (e, ctx) => {
      if (ctx.fatal) fatal.push(e);
    });
    await sink.start();

    const valid = [...createOrderEventStream({ seed: 21, limit: VALID })];
    const good = serializeOrderEvent(defined(valid[0]));
    const wrongTypes = {
      ...good,
      order: { ...good.order, items: [{ ...(good.order.items as object[])[0], price: 'abc' }] },
    };
    const { order: _missing, ...missingOrder } = good;
    const poison: Array<{ key: string; value: string | Buffer | null; expected: string }> = [
      { key: 'bad-json', value: '{"event_id": "x", ', expected: 'KAFKA_MESSAGE_UNPARSEABLE' },
      { key: 'wrong-types', value: JSON.stringify(wrongTypes), expected: 'KAFKA_MESSAGE_INVALID' },
      { key: 'missing-fields', value: JSON.stringify(missingOrder), expected: 'KAFKA_MESSAGE_INVALID' },
      {
        key: 'two-megabytes',
        value: randomBytes(1024 * 1024).toString('hex'),
        expected: 'KAFKA_MESSAGE_OVERSIZE',
      },
      { key: 'tombstone', value: null, expected: 'KAFKA_MESSAGE_TOMBSTONE' },
      { key: 'not-an-object', value: '42', expected: 'KAFKA_MESSAGE_INVALID' },
    ];

    // Interleave: valid events through the order producer, poison through a plain kafkajs producer.
    const producer = createOrderProducer({ brokers: brokers(), topic, batchSize: 200 });
    const raw = new Kafka({
      brokers: brokers(),
      clientId: 'it-poison',
      logLevel: logLevel.NOTHING,
    }).producer();
    await raw.connect();
    const chunk = Math.ceil(VALID / poison.length);
    for (const [i, p] of poison.entries()) {
      await producer.send(valid.slice(i * chunk, (i + 1) * chunk));
      await raw.send({
        topic,
        compression: CompressionTypes.GZIP,
        messages: [{ key: p.key, value: p.value, headers: { 'x-test-case': p.key } }],
      });
    }
    await raw.disconnect();
    await producer.disconnect();

    // And an outside producer: kcat, one message per line, key before the first ':'.
    await exec('bash', [
      '-c',
      `printf '%s\\n' 'kcat-1:not json at all' 'kcat-2:{"event_id":"123"}' | kcat -P -b ${brokers()[0]} -t ${topic} -K: -H origin=kcat`,
    ]);
    const expectedDead = poison.length + 2;

    await waitFor(
      () => rows >= VALID && deadLettered >= expectedDead,
      120_000,
      'valid rows and dead letters',
    );
    // Something after the poison still flows: the sink did not stop.
    const late = createOrderProducer({ brokers: brokers(), topic });
    const after = [...createOrderEventStream({ seed: 22, limit: 50 })];
    await late.send(after);
    await late.disconnect();
    await waitFor(() => rows >= VALID + after.length, 120_000, 'rows sent after the poison').catch((e) => {
      console.log(JSON.stringify(sink.metrics()), rows, fatal);
      throw e;
    });
    await sink.stop();
    expect(fatal).toEqual([]);

    const dead = await readTopic(dlq, expectedDead);
    expect(dead).toHaveLength(expectedDead);
    for (const p of poison) {
      const record = defined(
        dead.find((r) => r.key?.toString() === p.key),
        p.key,
      );
      expect(header(record, DEAD_LETTER_HEADERS.errorCode), p.key).toBe(p.expected);
      expect(header(record, DEAD_LETTER_HEADERS.errorReason)?.length).toBeGreaterThan(0);
      expect(header(record, DEAD_LETTER_HEADERS.originalTopic)).toBe(topic);
      expect(Number(header(record, DEAD_LETTER_HEADERS.originalPartition))).toBeGreaterThanOrEqual(0);
      expect(Number(header(record, DEAD_LETTER_HEADERS.originalOffset))).toBeGreaterThanOrEqual(0);
      expect(Number.isNaN(Date.parse(header(record, DEAD_LETTER_HEADERS.failedAt) ?? ''))).toBe(false);
      expect(header(record, 'x-test-case')).toBe(p.key);
      if (p.value === null) expect(record.value).toBeNull();
      else expect(record.value?.equals(Buffer.from(p.value))).toBe(true);
    }
    const wrong = defined(dead.find((r) => r.key?.toString() === 'wrong-types'));
    expect(header(wrong, DEAD_LETTER_HEADERS.errorReason)).toContain('order.items.0.price');
    for (const key of ['kcat-1', 'kcat-2']) {
      const record = defined(
        dead.find((r) => r.key?.toString() === key),
        key,
      );
      expect(header(record, 'origin')).toBe('kcat');
      expect(header(record, DEAD_LETTER_HEADERS.errorCode)).toBe(
        key === 'kcat-1' ? 'KAFKA_MESSAGE_UNPARSEABLE' : 'KAFKA_MESSAGE_INVALID',
      );
    }

    const [events] = await warehouse.query<{ n: number }>(
      `SELECT count(*)::BIGINT AS n FROM ${warehouse.qualify('raw_order_events')}`,
    );
    expect(Number(events?.n)).toBe(VALID + after.length);
    const rejects = await warehouse.query<{ code: string; source: string; source_name: string }>(
      `SELECT code, source, source_name FROM ${warehouse.qualify('raw_rejects')} ORDER BY position`,
    );
    expect(rejects).toHaveLength(expectedDead);
    expect(new Set(rejects.map((r) => `${r.source}:${r.source_name}`))).toEqual(new Set([`kafka:${topic}`]));
    expect(rejects.map((r) => r.code).sort()).toEqual(
      [...poison.map((p) => p.expected), 'KAFKA_MESSAGE_UNPARSEABLE', 'KAFKA_MESSAGE_INVALID'].sort(),
    );
    expect(sink.metrics().deadLettered).toBe(expectedDead);
  });
});
