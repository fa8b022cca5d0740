import { EventEmitter } from 'node:events';
import { gzipSync } from 'node:zlib';
import { type Kafka, KafkaJSGroupCoordinatorNotFound, KafkaJSNonRetriableError } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsumerHandlers } from './kafka-client.js';
import { type KafkaLogger, stderrKafkaLogger } from './kafka-logger.js';
import { connectWithRetry, createKafkaJsClientFactory, kafkaJsConsumer } from './kafkajs-client-factory.js';
import { gzipCodec } from './kafkajs-gzip-codec.js';

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
  config: { eachBatch?: (payload: unknown) => Promise<void> } | undefined;
  async run(config?: { eachBatch?: (payload: unknown) => Promise<void> }): Promise<void> {
    this.runs += 1;
    this.config = config;
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

describe('connectWithRetry', () => {
  const refused = () =>
    Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:1'), {
      name: 'KafkaJSConnectionError',
    });

  it('logs each failed connection attempt with its backoff and connects once the brokers answer', async () => {
    const lines: string[] = [];
    let attempts = 0;
    await connectWithRetry(
      async () => {
        attempts += 1;
        if (attempts < 3) throw refused();
      },
      'admin',
      { brokers: ['127.0.0.1:1'], deadlineMs: 60_000, log: (line) => lines.push(line) },
    );
    expect(attempts).toBe(3);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(
        /^waiting for the Kafka brokers 127\.0\.0\.1:1 \(admin\): attempt \d failed after \d+\.\d s \(KafkaJSConnectionError: Connection error: connect ECONNREFUSED 127\.0\.0\.1:1\); retrying in \d+\.\d s \(gives up after 60\.0 s\)$/,
      );
    }
  });

  it('gives up at the deadline with CORE_RETRY_DEADLINE_EXCEEDED', async () => {
    const lines: string[] = [];
    const error = await connectWithRetry(
      async () => {
        throw refused();
      },
      'producer',
      { brokers: ['127.0.0.1:1'], deadlineMs: 50, log: (line) => lines.push(line) },
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CORE_RETRY_DEADLINE_EXCEEDED' });
    expect((error as Error).message).toMatch(
      /^Gave up waiting for the Kafka brokers 127\.0\.0\.1:1 \(producer\) after \d+ attempts? in/,
    );
    expect(lines.at(-1)).toMatch(/^gave up waiting for the Kafka brokers/);
  });

  it('does not retry a failure that is not transient', async () => {
    let attempts = 0;
    await expect(
      connectWithRetry(
        async () => {
          attempts += 1;
          throw Object.assign(new Error('SASL authentication failed'), {
            name: 'KafkaJSSASLAuthenticationError',
          });
        },
        'admin',
        { brokers: ['b:9092'], deadlineMs: 60_000, log: undefined },
      ),
    ).rejects.toThrow('SASL authentication failed');
    expect(attempts).toBe(1);
  });
});

describe('kafkajs consumer seam: batches', () => {
  it('hands a batch over with release(), which frees the decompressed records it was decoded from', async () => {
    const stub = new StubConsumer();
    const kafka = { consumer: () => stub } as unknown as Pick<Kafka, 'consumer'>;
    const client = kafkaJsConsumer(kafka, {} as never, RESTARTS);
    const decompressed = await gzipCodec.decompress(gzipSync(Buffer.alloc(200_000, 'v')));
    const messages = [0, 1].map((i) => ({
      offset: String(i),
      key: decompressed.subarray(i * 100, i * 100 + 10),
      value: decompressed.subarray(i * 100 + 10, i * 100 + 100),
      headers: {},
      timestamp: '0',
    }));
    const seen: number[] = [];
    await client.run(
      {
        eachBatch: async (batch) => {
          seen.push(batch.records[0]?.value?.length ?? -1);
          batch.release?.();
          seen.push(batch.records[0]?.value?.length ?? -1);
        },
        onAssignment: () => undefined,
        onCrash: () => undefined,
      },
      { partitionsConsumedConcurrently: 1 },
    );
    const batch = { topic: 'orders', partition: 0, highWatermark: '2', messages, lastOffset: () => '1' };
    await stub.config?.eachBatch?.({ batch, heartbeat: async () => undefined });
    expect(seen).toEqual([90, 0]);
    expect(decompressed.length).toBe(0);
  });
});

describe('createKafkaJsClientFactory', () => {
  it("exposes the logger it was given (stderr's by default) for the package's own warnings", () => {
    const logger: KafkaLogger = { warn: () => undefined, error: () => undefined };
    expect(createKafkaJsClientFactory({ brokers: ['127.0.0.1:1'], logger }).logger).toBe(logger);
    expect(createKafkaJsClientFactory({ brokers: ['127.0.0.1:1'] }).logger).toBe(stderrKafkaLogger);
  });
});
