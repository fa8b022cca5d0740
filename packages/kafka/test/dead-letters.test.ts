import { randomBytes } from 'node:crypto';
import { createOrderEventStream, serializeOrderEvent } from '@orderstream/core';
import type { ReadDeadLettersOptions } from '@orderstream/kafka';
import {
  DEAD_LETTER_HEADERS,
  ensureTopics,
  REPLAYED_FROM_HEADER,
  readDeadLetters,
  replayDeadLetters,
  summarizeDeadLetters,
} from '@orderstream/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';

const brokers = () => inject('kafkaBrokers').split(',');
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/** `dlq inspect`: the dead letters read to the end, counted per code. */
async function inspectDeadLetters(options: ReadDeadLettersOptions & { samples: number }) {
  const { samples, ...read } = options;
  return summarizeDeadLetters(read.deadLetterTopic ?? 'orders.dlq', await readDeadLetters(read), samples);
}

/** A whole topic read to its current end, as the dead-letter reader reads (any topic will do). */
async function readToEnd(_kafka: Kafka, [topic]: string[], timeoutMs: number) {
  return readDeadLetters({ brokers: brokers(), deadLetterTopic: topic ?? '', timeoutMs });
}

function headerText(headers: Record<string, unknown>, name: string): string | undefined {
  const value = headers[name];
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined ? undefined : String(one);
}

describe('readDeadLetters / replayDeadLetters', () => {
  it('inspect counts dead letters per code; replay re-publishes the now-valid one exactly once', async () => {
    const topic = unique('it-dlq-orders');
    const dlq = `${topic}.dlq`;
    await ensureTopics({ brokers: brokers(), ordersTopic: topic, deadLetterTopic: dlq, partitions: 2 });

    const [event] = [...createOrderEventStream({ seed: 7, limit: 1 })];
    if (!event) throw new Error('generator produced no event');
    const deadHeaders = (code: string, offset: string) => ({
      [DEAD_LETTER_HEADERS.errorCode]: code,
      [DEAD_LETTER_HEADERS.errorReason]: 'test reason',
      [DEAD_LETTER_HEADERS.originalTopic]: topic,
      [DEAD_LETTER_HEADERS.originalPartition]: '1',
      [DEAD_LETTER_HEADERS.originalOffset]: offset,
      [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
    });
    const kafka = new Kafka({ brokers: brokers(), clientId: 'it-dlq', logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({
      topic: dlq,
      acks: -1,
      messages: [
        {
          // Dead-lettered under an older schema; valid now.
          key: event.order.order_id,
          value: JSON.stringify(serializeOrderEvent(event)),
          headers: { 'event-type': event.event_type, ...deadHeaders('KAFKA_MESSAGE_INVALID', '10') },
        },
        { key: 'bad-json', value: '{"event_id": ', headers: deadHeaders('KAFKA_MESSAGE_UNPARSEABLE', '11') },
        { key: 'bad-json-2', value: 'not json', headers: deadHeaders('KAFKA_MESSAGE_UNPARSEABLE', '12') },
      ],
    });
    await producer.disconnect();

    const report = await inspectDeadLetters({ brokers: brokers(), deadLetterTopic: dlq, samples: 1 });
    expect(report.total).toBe(3);
    expect(report.codes.map((c) => [c.code, c.count, c.samples.length])).toEqual([
      ['KAFKA_MESSAGE_UNPARSEABLE', 2, 1],
      ['KAFKA_MESSAGE_INVALID', 1, 1],
    ]);
    expect(report.codes[0]?.samples[0]).toEqual({
      position: '0/1',
      originalTopic: topic,
      originalPartition: 1,
      originalOffset: '11',
      reason: 'test reason',
      value: '{"event_id": ',
    });

    const dry = await replayDeadLetters({ brokers: brokers(), deadLetterTopic: dlq, topic, dryRun: true });
    expect(dry).toMatchObject({ scanned: 3, replayed: ['0/0'], stillInvalid: 2, dryRun: true });
    expect(await readToEnd(kafka, [topic], 30_000)).toEqual([]);

    const first = await replayDeadLetters({ brokers: brokers(), deadLetterTopic: dlq, topic });
    expect(first).toMatchObject({ scanned: 3, replayed: ['0/0'], alreadyReplayed: 0, stillInvalid: 2 });
    const second = await replayDeadLetters({ brokers: brokers(), deadLetterTopic: dlq, topic, all: true });
    expect(second).toMatchObject({ scanned: 3, replayed: ['0/1', '0/2'], alreadyReplayed: 1 });
    const third = await replayDeadLetters({ brokers: brokers(), deadLetterTopic: dlq, topic, all: true });
    expect(third).toMatchObject({ replayed: [], alreadyReplayed: 3 });

    const orders = await readToEnd(kafka, [topic], 30_000);
    expect(orders).toHaveLength(3);
    const valid = orders.find((r) => r.key?.toString() === event.order.order_id);
    expect(valid?.value?.toString()).toBe(JSON.stringify(serializeOrderEvent(event)));
    expect(valid && headerText(valid.headers, REPLAYED_FROM_HEADER)).toBe('0/0');
    expect(valid && headerText(valid.headers, 'event-type')).toBe(event.event_type);
    expect(Object.keys(valid?.headers ?? {}).filter((h) => h.startsWith('x-'))).toEqual([
      REPLAYED_FROM_HEADER,
    ]);
  });
});
