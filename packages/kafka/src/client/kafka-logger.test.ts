import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { describeKafkaJsEntry, kafkaJsLogCreator } from './kafka-logger.js';

describe('kafkajs log entries through a KafkaLogger', () => {
  it('turns a failed request into a readable sentence with the details as fields', () => {
    const line = describeKafkaJsEntry({
      namespace: 'Connection',
      level: logLevel.ERROR,
      log: {
        timestamp: '2026-01-01T00:00:00.000Z',
        logger: 'kafkajs',
        message: 'Response Metadata(key: 3, version: 6)',
        broker: '127.0.0.1:9092',
        clientId: 'orderstream',
        error: 'Not authorized to access topics: [Topic authorization failed]',
        correlationId: 3,
        size: 100,
      } as never,
    });
    expect(line).toEqual({
      level: 'error',
      message:
        'Kafka broker connection (broker 127.0.0.1:9092): Metadata request failed: Not authorized to access topics: [Topic authorization failed]',
      fields: {
        source: 'kafkajs',
        component: 'Connection',
        broker: '127.0.0.1:9092',
        clientId: 'orderstream',
        error: 'Not authorized to access topics: [Topic authorization failed]',
      },
    });
  });

  it('sends "coordinator is loading" (a fresh broker) to debug, never to warn or error', () => {
    const lines: string[] = [];
    const log = kafkaJsLogCreator({
      warn: (m) => lines.push(`warn ${m}`),
      error: (m) => lines.push(`error ${m}`),
    })(logLevel.WARN);
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: '',
        logger: 'kafkajs',
        message: 'Response GroupCoordinator(key: 10, version: 2)',
        error: "The coordinator is loading and hence can't process requests",
      },
    });
    log({
      namespace: 'Consumer',
      level: logLevel.WARN,
      label: 'WARN',
      log: { timestamp: '', logger: 'kafkajs', message: 'Restarting the consumer in 1000ms' },
    });
    expect(lines).toEqual(['warn Kafka consumer: Restarting the consumer in 1000ms']);
  });

  it('writes a repeated message (a client retrying an unreachable broker) once per 30 s, then with the count', () => {
    let clock = 0;
    const lines: string[] = [];
    const log = kafkaJsLogCreator(
      { warn: (m) => lines.push(m), error: (m) => lines.push(m) },
      () => clock,
    )(logLevel.WARN);
    const refused = {
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: '',
        logger: 'kafkajs',
        message: 'Connection error: connect ECONNREFUSED 127.0.0.1:1',
        broker: '127.0.0.1:1',
      },
    };
    for (let i = 0; i < 5; i++) {
      log(refused);
      clock += 1_000;
    }
    clock += 30_000;
    log(refused);
    expect(lines).toEqual([
      'Kafka broker connection (broker 127.0.0.1:1): Connection error: connect ECONNREFUSED 127.0.0.1:1',
      'Kafka broker connection (broker 127.0.0.1:1): Connection error: connect ECONNREFUSED 127.0.0.1:1 (repeated 4 times in 30 s)',
    ]);
  });

  it('passes routine chatter to debug only when the client was asked for debug output', () => {
    const entry = {
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: '',
        logger: 'kafkajs',
        message: 'Response GroupCoordinator(key: 10, version: 2)',
        error: "The coordinator is loading and hence can't process requests",
      },
    };
    const lines: string[] = [];
    const logger = {
      warn: (m: string) => lines.push(`warn ${m}`),
      error: (m: string) => lines.push(`error ${m}`),
      debug: (m: string) => lines.push(`debug ${m}`),
    };
    kafkaJsLogCreator(logger)(logLevel.WARN)(entry);
    expect(lines).toEqual([]);
    kafkaJsLogCreator(logger)(logLevel.DEBUG)(entry);
    expect(lines).toEqual([
      "debug Kafka broker connection: GroupCoordinator request failed: The coordinator is loading and hence can't process requests",
    ]);
  });
});
