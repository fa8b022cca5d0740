import { EventEmitter } from 'node:events';
import { type Kafka, KafkaJSGroupCoordinatorNotFound, KafkaJSNonRetriableError } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsumerHandlers } from './kafka-client.js';
import { kafkaJsConsumer } from './kafkajs-client-factory.js';

/**
 * A stand-in for a kafkajs consumer: records connect/run calls and lets the test emit its
 * instrumentation events, the way kafkajs does after a crash (it has disconnected by then).
 */
class StubConsumer {
  readonly events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' } as const;
  readonly emitter = new EventEmitter();
  connects = 0;
  runs = 0;
  failNextConnect = false;
  on(name: string, listener: (event: { payload: unknown }) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
  async connect(): Promise<void> {
    this.connects += 1;
    if (this.failNextConnect) {
      this.failNextConnect = false;
      throw noCoordinator();
    }
  }
  async run(): Promise<void> {
    this.runs += 1;
  }
  async stop(): Promise<void> {}
  async disconnect(): Promise<void> {}
  crash(error: Error, restart: boolean): void {
    this.emitter.emit(this.events.CRASH, { payload: { error, restart } });
  }
  join(): void {
    this.emitter.emit(this.events.GROUP_JOIN, { payload: { memberAssignment: { orders: [0] } } });
  }
}

/** What kafkajs throws when no broker names a group coordinator (its typings omit the message). */
const noCoordinator = (): Error =>
  new (KafkaJSGroupCoordinatorNotFound as unknown as new (message: string) => Error)(
    'Failed to find group coordinator',
  );

const RESTARTS = { attempts: 3, firstDelayMs: 100, maxDelayMs: 250 };

describe('kafkajs consumer seam: crashes', () => {
  let stub: StubConsumer;
  let crashes: Array<{ name: string; restarting: boolean }>;
  let handlers: ConsumerHandlers;

  beforeEach(() => {
    vi.useFakeTimers();
    stub = new StubConsumer();
    crashes = [];
    handlers = {
      eachBatch: async () => undefined,
      onAssignment: () => undefined,
      onCrash: (error, restarting) => crashes.push({ name: (error as Error).name, restarting }),
    };
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const start = async () => {
    const kafka = { consumer: () => stub } as unknown as Pick<Kafka, 'consumer'>;
    const client = kafkaJsConsumer(kafka, {} as never, RESTARTS);
    await client.run(handlers, { partitionsConsumedConcurrently: 1 });
    return client;
  };

  it('restarts the consumer with backoff when kafkajs gives up for want of a group coordinator', async () => {
    await start();
    expect(stub.runs).toBe(1);
    stub.crash(noCoordinator(), false);
    expect(crashes).toEqual([{ name: 'KafkaJSGroupCoordinatorNotFound', restarting: true }]);
    await vi.advanceTimersByTimeAsync(99);
    expect(stub.runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect([stub.connects, stub.runs]).toEqual([1, 2]);
    // Joined again: the next crash starts the backoff afresh.
    stub.join();
    stub.crash(noCoordinator(), false);
    await vi.advanceTimersByTimeAsync(100);
    expect(stub.runs).toBe(3);
  });

  it('reports the crash as final once the restarts are used up', async () => {
    await start();
    for (let attempt = 0; attempt < RESTARTS.attempts; attempt++) {
      stub.crash(noCoordinator(), false);
      await vi.advanceTimersByTimeAsync(RESTARTS.maxDelayMs);
    }
    expect(stub.runs).toBe(1 + RESTARTS.attempts);
    stub.crash(noCoordinator(), false);
    expect(crashes.map((crash) => crash.restarting)).toEqual([true, true, true, false]);
    await vi.advanceTimersByTimeAsync(RESTARTS.maxDelayMs * 4);
    expect(stub.runs).toBe(1 + RESTARTS.attempts);
  });

  it('counts a restart that fails to connect like a crash', async () => {
    await start();
    stub.failNextConnect = true;
    stub.crash(noCoordinator(), false);
    await vi.advanceTimersByTimeAsync(100);
    expect(stub.runs).toBe(1);
    expect(crashes.map((crash) => crash.restarting)).toEqual([true, true]);
    await vi.advanceTimersByTimeAsync(200);
    expect(stub.runs).toBe(2);
  });

  it('passes every other crash on as kafkajs reports it', async () => {
    await start();
    stub.crash(new KafkaJSNonRetriableError('bad'), false);
    stub.crash(Object.assign(new Error('retrying'), { name: 'KafkaJSConnectionError' }), true);
    expect(crashes).toEqual([
      { name: 'KafkaJSNonRetriableError', restarting: false },
      { name: 'KafkaJSConnectionError', restarting: true },
    ]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(stub.runs).toBe(1);
  });

  it('does not restart once stopped', async () => {
    const client = await start();
    stub.crash(noCoordinator(), false);
    await client.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stub.runs).toBe(1);
  });
});
