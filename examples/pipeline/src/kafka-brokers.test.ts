import { describe, expect, it, vi } from 'vitest';
import { kafkaBrokers, onShutdownSignal, positiveInt, REPEATED_SIGNAL_MS } from './kafka-brokers.js';

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

describe('onShutdownSignal', () => {
  it('takes the SIGINT that npm run forwards right after the terminal one as the same Ctrl-C', () => {
    let clock = 1_000;
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stops: string[] = [];
    const forced: string[] = [];
    const remove = onShutdownSignal((s) => stops.push(s), {
      now: () => clock,
      onForce: (s) => forced.push(s),
    });
    try {
      process.emit('SIGINT', 'SIGINT');
      clock += 5;
      process.emit('SIGINT', 'SIGINT');
      expect(stops).toEqual(['SIGINT']);
      expect(exit).not.toHaveBeenCalled();

      clock += REPEATED_SIGNAL_MS;
      process.emit('SIGINT', 'SIGINT');
      expect(forced).toEqual(['SIGINT']);
      expect(exit).toHaveBeenCalledWith(130);
    } finally {
      remove();
      exit.mockRestore();
    }
  });

  it('quits on the first signal when the program is already stopping on its own', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stops: string[] = [];
    const remove = onShutdownSignal((s) => stops.push(s), { isStopping: () => true });
    try {
      process.emit('SIGTERM', 'SIGTERM');
      expect(stops).toEqual([]);
      expect(exit).toHaveBeenCalledWith(130);
    } finally {
      remove();
      exit.mockRestore();
    }
  });
});
