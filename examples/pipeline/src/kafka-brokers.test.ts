import { describe, expect, it } from 'vitest';
import { kafkaBrokers, positiveInt } from './kafka-brokers.js';

describe('kafkaBrokers', () => {
  it('defaults to the local broker', () => {
    expect(kafkaBrokers({})).toEqual(['127.0.0.1:9092']);
    expect(kafkaBrokers({ KAFKA_BROKERS: '  ' })).toEqual(['127.0.0.1:9092']);
  });

  it('reads a comma-separated KAFKA_BROKERS', () => {
    expect(kafkaBrokers({ KAFKA_BROKERS: 'a:9092, b:9093,' })).toEqual(['a:9092', 'b:9093']);
  });
});

describe('positiveInt', () => {
  it('accepts positive integers and refuses the rest', () => {
    expect(positiveInt('--count')('12')).toBe(12);
    expect(() => positiveInt('--count')('0')).toThrow('--count must be a positive integer');
    expect(() => positiveInt('--count')('1.5')).toThrow();
  });
});
