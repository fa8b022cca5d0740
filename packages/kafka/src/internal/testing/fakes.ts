import type { PartitionOffset, TableWrite, Warehouse, WarehouseRow } from '@orderstream/core';
import { OrderstreamError } from '@orderstream/core';
import { assertExpectedOffsets } from '@orderstream/core/adapter';
import type {
  AdminClient,
  ConsumedRecord,
  ConsumerClient,
  ConsumerHandlers,
  KafkaClientFactory,
  OffsetCommit,
  OutgoingRecord,
  PartitionWatermarks,
  ProducerClient,
  TopicSpec,
} from '../../client/kafka-client.js';
import type { Clock } from '../../clock/clock.js';

// Test doubles for the unit tests. Not exported from the package.

/** A clock that moves only when told to. */
export class FakeClock implements Clock {
  #now: number;
  #sleepers: Array<{ at: number; resolve: () => void }> = [];
  readonly #wakeEarlyMs: number;
  /**
   * @param start - the initial time
   * @param wakeEarlyMs - sleepers wake this much before their time, as real timers sometimes do
   */
  constructor(start = Date.UTC(2026, 0, 1), wakeEarlyMs = 0) {
    this.#now = start;
    this.#wakeEarlyMs = wakeEarlyMs;
  }
  now(): number {
    return this.#now;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const sleeper = { at: this.#now + ms, resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal.reason);
      });
    });
  }
  /** Moves time forward and wakes the sleepers that are due. */
  async advance(ms: number): Promise<void> {
    this.#now += ms;
    const due = this.#sleepers.filter((s) => s.at - this.#wakeEarlyMs <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.at - this.#wakeEarlyMs > this.#now);
    for (const s of due) s.resolve();
    await settle();
  }
  get pendingSleeps(): number {
    return this.#sleepers.length;
  }
}

/** Lets queued promise callbacks and immediates run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** An in-memory warehouse keeping what it was asked to write, with injectable failures. */
export class MemoryWarehouse implements Warehouse {
  readonly dialect = 'memory';
  readonly tables = new Map<string, WarehouseRow[]>();
  readonly offsets = new Map<string, PartitionOffset>();
  transactions = 0;
  /** Errors thrown by the next transactions, in order. */
  failures: unknown[] = [];
  /** When set, transactions wait for it. */
  gate: Promise<void> | null = null;

  async migrate(): Promise<void> {}
  qualify(table: string): string {
    return table;
  }
  async write(writes: readonly TableWrite[]): Promise<void> {
    await this.writeWithOffsets(writes, []);
  }
  async writeWithOffsets(writes: readonly TableWrite[], offsets: readonly PartitionOffset[]): Promise<void> {
    if (this.gate) await this.gate;
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    const stored = new Map<number, string>();
    for (const o of offsets) {
      const current = this.offsets.get(`${o.consumerGroup}|${o.topic}|${o.partition}`);
      if (current !== undefined) stored.set(o.partition, current.nextOffset);
    }
    assertExpectedOffsets(offsets, stored);
    for (const w of writes) this.tables.set(w.table, [...(this.tables.get(w.table) ?? []), ...w.rows]);
    for (const o of offsets) this.offsets.set(`${o.consumerGroup}|${o.topic}|${o.partition}`, o);
    this.transactions++;
  }
  async readOffsets(consumerGroup: string, topic: string): Promise<PartitionOffset[]> {
    return [...this.offsets.values()].filter((o) => o.consumerGroup === consumerGroup && o.topic === topic);
  }
  async replaceTable(): Promise<{ rows: number }> {
    throw new OrderstreamError('MEMORY_WAREHOUSE_UNSUPPORTED', 'not supported by the memory warehouse');
  }
  async query<R extends Record<string, unknown>>(): Promise<R[]> {
    return [];
  }
  async close(): Promise<void> {}
  rows(table: string): WarehouseRow[] {
    return this.tables.get(table) ?? [];
  }
}

/** A consumer the test drives by hand: assignments and batches are delivered by the test. */
export class FakeConsumer implements ConsumerClient {
  handlers: ConsumerHandlers | null = null;
  readonly seeks: Array<{ partition: number; offset: string }> = [];
  readonly commits: OffsetCommit[][] = [];
  readonly paused = new Set<number>();
  readonly pauseCalls: number[][] = [];
  stopped = false;
  /** Awaited after each delivered batch, e.g. the sink's background flushes. */
  afterBatch: (() => Promise<void>) | null = null;
  constructor(readonly topic: string) {}
  async connect(): Promise<void> {}
  async subscribe(): Promise<void> {}
  async run(handlers: ConsumerHandlers): Promise<void> {
    this.handlers = handlers;
  }
  assign(partitions: number[]): void {
    this.handlers?.onAssignment([{ topic: this.topic, partitions }]);
  }
  async deliver(
    partition: number,
    records: ConsumedRecord[],
    highWatermark?: string,
    release?: () => void,
  ): Promise<void> {
    const last = records.at(-1);
    await (this.handlers?.eachBatch(
      {
        topic: this.topic,
        partition,
        highWatermark: highWatermark ?? String(Number(last?.offset ?? -1) + 1),
        records,
        ...(release === undefined ? {} : { release }),
      },
      { heartbeat: async () => {} },
    ) ?? Promise.resolve());
    await this.afterBatch?.();
  }
  seek(_topic: string, partition: number, offset: string): void {
    this.seeks.push({ partition, offset });
  }
  pause(_topic: string, partitions: readonly number[]): void {
    this.pauseCalls.push([...partitions]);
    for (const p of partitions) this.paused.add(p);
  }
  resume(_topic: string, partitions: readonly number[]): void {
    for (const p of partitions) this.paused.delete(p);
  }
  async commitOffsets(offsets: readonly OffsetCommit[]): Promise<boolean> {
    this.commits.push([...offsets]);
    return true;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  async disconnect(): Promise<void> {}
}

/** A producer keeping what it sent, with injectable failures. */
export class FakeProducer implements ProducerClient {
  readonly sent: Array<{ topic: string; records: readonly OutgoingRecord[] }> = [];
  failures: unknown[] = [];
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async send(request: { topic: string; records: readonly OutgoingRecord[] }) {
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    this.sent.push({ topic: request.topic, records: request.records });
    return [{ topic: request.topic, partition: 0, baseOffset: '0' }];
  }
}

/** An admin client over an in-memory topic list. */
export class FakeAdmin implements AdminClient {
  readonly topics = new Map<string, TopicSpec>();
  /** @param existing - names of topics that exist from the start (one partition each) */
  constructor(existing: readonly string[] = []) {
    for (const name of existing)
      this.topics.set(name, { name, partitions: 1, replicationFactor: 1, config: {} });
  }
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async listTopics(): Promise<string[]> {
    return [...this.topics.keys()];
  }
  async createTopics(topics: readonly TopicSpec[]): Promise<void> {
    for (const t of topics) this.topics.set(t.name, t);
  }
  async describeTopics(names: readonly string[]) {
    return names
      .filter((n) => this.topics.has(n))
      .map((n) => ({ name: n, partitions: this.topics.get(n)?.partitions ?? 0 }));
  }
  async fetchWatermarks(_topic: string): Promise<PartitionWatermarks[]> {
    return [];
  }
  async fetchCommittedOffsets() {
    return [];
  }
  async fetchOffsetsByTimestamp() {
    return [];
  }
  async describeGroup() {
    return { state: 'Empty', members: [] };
  }
  async deleteGroups(_groupIds: readonly string[]): Promise<void> {}
}

/** A factory handing out the given fakes. */
export function fakeFactory(parts: {
  consumer?: FakeConsumer;
  producer?: FakeProducer;
  admin?: FakeAdmin;
}): KafkaClientFactory {
  return {
    consumer: () => parts.consumer ?? new FakeConsumer('orders'),
    producer: () => parts.producer ?? new FakeProducer(),
    admin: () => parts.admin ?? new FakeAdmin(),
  };
}

/** The order id in a JSON event value, as the order producer keys it; `'k'` for anything else. */
function producerKey(value: string | Buffer | null): string {
  try {
    const id = JSON.parse(String(value))?.order?.order_id;
    return typeof id === 'string' ? id : 'k';
  } catch {
    return 'k';
  }
}

/** A consumed record with a JSON or raw value, keyed as the order producer would key it by default. */
export function record(
  offset: number,
  value: string | Buffer | null,
  key = producerKey(value),
): ConsumedRecord {
  return {
    offset: String(offset),
    key: Buffer.from(key),
    value: value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value),
    headers: { 'x-origin': Buffer.from('test') },
    timestamp: '0',
  };
}

/** The value, or a test failure naming what was missing. */
export function defined<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what} to be defined`);
  return value;
}
