// Sink benchmark: Kafka → DuckDB throughput of the exactly-once sink side by side with raw
// consumption of the same topic by kcat, end-to-end latency (p50/p99/p99.9) at several steady
// rates, the sink's peak memory, and throughput with 1, 2, 4 partitions and 1, 2, 4 sink instances.
//
//   npm run build && node --import tsx bench/sink.ts [--quick] [--repeats 3] \
//     [--events 100000] [--rates 500,2000,5000] [--latency-seconds 15] \
//     [--partitions 1,2,4] [--instances 1,2,4] [--scaling-events 50000]
//
// Runs on the built packages, as npm users get them (`npm run bench` builds them first); every
// sink runs in a child process of plain `node` (this script bundled, no tsx), and the bench stops
// when a package's build is older than its sources. With `--conditions=@orderstream/source` it
// measures the sources through tsx instead (as runs before 2026-12-07 did) and says so.
//
// Needs a broker in KAFKA_BROKERS (default: the port of scripts/kafka.sh, KAFKA_PORT or 9092) and
// kcat on PATH. Writes bench/results/sink.{md,json}.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance as nodePerformance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ColumnBatch, OrderEventRow } from '@orderstream/core';
import {
  columnarTableWrite,
  createOrderEventStream,
  OrderEventScanner,
  parseOrderEvent,
  RAW_ORDER_EVENTS,
  toOrderEventRow,
} from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import {
  createOrderProducer,
  createOrderSink,
  encodeOrderEvent,
  ensureTopics,
  type FlushInfo,
  ORDER_SINK_DEFAULTS,
} from '@orderstream/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { assertBuilt, bundleForNode } from './lib/built-script.js';
import { machineLine } from './lib/machine.js';
import { medianCell, num } from './lib/markdown.js';
import { mib, sampleMemory } from './lib/memory.js';
import { parseBenchOptions, RUNS_ON_BUILD } from './lib/options.js';
import { BenchRecorder } from './lib/result.js';
import { nearestRankQuantile } from './lib/stats.js';

const options = parseBenchOptions('sink.ts', {
  events: { full: 100_000, quick: 3_000, description: 'events on the throughput topic' },
  rates: {
    full: [500, 2000, 5000],
    quick: [200, 500],
    description: 'steady rates for the latency runs, events/s',
  },
  'latency-seconds': { full: 15, quick: 3, description: 'seconds of producing at each rate' },
  partitions: { full: [1, 2, 4], quick: [1, 2], description: 'partition counts for the scaling runs' },
  instances: {
    full: [1, 2, 4],
    quick: [1, 2],
    description: 'sink instances (one consumer group) for the scaling runs',
  },
  'scaling-events': { full: 50_000, quick: 2_000, description: 'events per scaling topic' },
});
const { events: EVENTS, rates: RATES, partitions: PARTITIONS, instances: INSTANCES } = options.sizes;
const LATENCY_SECONDS = options.sizes['latency-seconds'];
const SCALING_EVENTS = options.sizes['scaling-events'];
const THROUGHPUT_PARTITIONS = 3;
/** DuckDB settings of the memory-bounded run (with \`rowGroupSize: 65536\`). */
const MEMORY_BOUNDED = { checkpoint_threshold: '48MiB', memory_limit: '64MB' };
const TUNED = '`rowGroupSize: 65536`, `checkpoint_threshold=48MiB`, `memory_limit=64MB`';
const brokers = (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`).split(',');
const stamp = Date.now().toString(36);
const recorder = new BenchRecorder('sink', 'Kafka → DuckDB sink', options);
const log = (message: string) => console.error(`bench/sink: ${message}`);
let groups = 0;

async function freshTopic(name: string, partitions: number): Promise<string> {
  const topic = `bench-${name}-${stamp}`;
  await ensureTopics({ brokers, ordersTopic: topic, deadLetterTopic: `${topic}.dlq`, partitions });
  return topic;
}

async function fill(topic: string, events: number, seed: number): Promise<{ sent: number; seconds: number }> {
  const producer = createOrderProducer({ brokers, topic, batchSize: 1000 });
  const started = performance.now();
  const { sent } = await producer.sendStream(createOrderEventStream({ seed }), { limit: events });
  await producer.disconnect();
  return { sent, seconds: (performance.now() - started) / 1000 };
}

/** Runs kcat over the whole topic; returns messages counted and seconds. */
function kcat(topic: string, format: string): Promise<{ messages: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      'kcat',
      ['-C', '-b', brokers[0] ?? '', '-t', topic, '-e', '-o', 'beginning', '-q', '-f', format],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let lines = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`kcat exited with ${code}`));
      else resolve({ messages: lines, seconds: (performance.now() - started) / 1000 });
    });
  });
}

interface CpuRun {
  events: number;
  seconds: number;
  /** Process CPU (every thread: the Node thread, zlib's and DuckDB's) per event, µs. */
  cpuMicros: number;
}

const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

/**
 * The Kafka client alone: a plain kafkajs consumer (the library the sink is built on, with the
 * sink's fetch sizes) reads the whole topic and decodes each value to text, nothing else.
 * Returns the texts for the next two stages.
 */
async function kafkajsAlone(topic: string, expected: number): Promise<CpuRun & { texts: string[] }> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING, clientId: 'bench-kafkajs' });
  const consumer = kafka.consumer({
    groupId: `bench-${stamp}-kafkajs-${++groups}`,
    maxBytes: ORDER_SINK_DEFAULTS.fetchMaxBytes,
    maxBytesPerPartition: ORDER_SINK_DEFAULTS.fetchMaxBytesPerPartition,
    maxWaitTimeInMs: ORDER_SINK_DEFAULTS.fetchMaxWaitMs,
  });
  const texts: string[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) texts.push(message.value?.toString('utf8') ?? '');
          if (texts.length >= expected) resolve();
        },
      })
      .catch(reject);
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSince(cpu);
  await consumer.disconnect();
  return { events: texts.length, seconds, cpuMicros: (cpuSeconds * 1e6) / texts.length, texts };
}

/**
 * The sink's decoding alone: `OrderEventScanner` on every value's bytes, the fast path the sink
 * takes for an event it can read without a string (every generated event).
 */
function scanAlone(texts: readonly string[]): CpuRun {
  const values = texts.map((text) => Buffer.from(text));
  const scanner = new OrderEventScanner();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let accepted = 0;
  for (const value of values) if (scanner.scan(value)) accepted++;
  const seconds = (performance.now() - started) / 1000;
  if (accepted !== values.length)
    throw new Error(`the scanner declined ${values.length - accepted} bench events`);
  return { events: accepted, seconds, cpuMicros: (cpuSince(cpu) * 1e6) / accepted };
}

/**
 * The slow path alone, for comparison: `JSON.parse`, core's `parseOrderEvent` and
 * `toOrderEventRow` on every text (what the sink did for every record before the scanner, and
 * still does for a record the scanner declines).
 */
function parseAlone(texts: readonly string[]): CpuRun & { rows: OrderEventRow[] } {
  const rows: OrderEventRow[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  let offset = 0;
  for (const text of texts) {
    const parsed = parseOrderEvent(JSON.parse(text));
    if (!parsed.success) throw new Error(`bench event ${offset} is invalid`);
    rows.push(
      toOrderEventRow(parsed.data, {
        payload: text,
        origin: { topic: 'bench', partition: 0, offset: offset++, key: parsed.data.order.order_id },
        ingestedAt: new Date(),
      }),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  return { events: rows.length, seconds, cpuMicros: (cpuSince(cpu) * 1e6) / rows.length, rows };
}

/** Rows as one `raw_order_events` column batch (text as UTF-8 bytes, numbers as the sink keeps them). */
function toBatch(rows: readonly OrderEventRow[]): ColumnBatch {
  const columns = RAW_ORDER_EVENTS.columns.map((column) => {
    const values = rows.map((row) => row[column.name as keyof OrderEventRow] ?? null);
    const nulls = values.some((v) => v === null)
      ? Uint8Array.from(values, (v) => (v === null ? 1 : 0))
      : null;
    if (column.type === 'text' || column.type === 'json') {
      const parts = values.map((v) => Buffer.from(typeof v === 'string' ? v : ''));
      const offsets = new Int32Array(values.length + 1);
      for (const [i, part] of parts.entries()) offsets[i + 1] = (offsets[i] as number) + part.length;
      return { kind: 'text' as const, bytes: Buffer.concat(parts), offsets, nulls };
    }
    const numbers = Float64Array.from(values, (v) => (v instanceof Date ? v.getTime() : Number(v ?? 0)));
    return { kind: 'number' as const, values: numbers, nulls };
  });
  return { kind: 'columns', rowCount: rows.length, columns };
}

/**
 * The warehouse alone: the rows written into a fresh DuckDB file as the sink writes them (column
 * batches of 10000 rows, one transaction each with the offsets), then the file closed (its last
 * checkpoint included).
 */
async function duckDbAlone(rows: readonly OrderEventRow[]): Promise<CpuRun> {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-bench-duckdb-'));
  const batch = ORDER_SINK_DEFAULTS.flushMaxRecords;
  const batches: ColumnBatch[] = [];
  for (let start = 0; start < rows.length; start += batch)
    batches.push(toBatch(rows.slice(start, start + batch)));
  const cpu = process.cpuUsage();
  const started = performance.now();
  const warehouse = await createDuckDbWarehouse({ path: join(dir, 'alone.duckdb') });
  await warehouse.migrate();
  for (const [index, columns] of batches.entries()) {
    await warehouse.writeWithOffsets(
      [columnarTableWrite(RAW_ORDER_EVENTS, [columns], 'append')],
      [{ consumerGroup: 'bench', topic: 'bench', partition: 0, nextOffset: String((index + 1) * batch) }],
    );
  }
  await warehouse.close();
  const seconds = (performance.now() - started) / 1000;
  const cpuMicros = (cpuSince(cpu) * 1e6) / rows.length;
  await rm(dir, { recursive: true, force: true });
  return { events: rows.length, seconds, cpuMicros };
}

interface SinkRun {
  rows: number;
  seconds: number;
  flushSeconds: number;
  cpuSeconds: number;
  /** Seconds the Node thread was busy (event loop utilization), the rest of the CPU ran on other threads. */
  mainThreadSeconds: number;
  batches: number;
  stored: number;
  peakRss: number;
  peakHeap: number;
}

/**
 * Consumes a filled topic with `instances` sinks in one consumer group, sharing one fresh DuckDB
 * file (its single writer serializes their transactions), until `expected` rows are stored.
 */
async function sinkRun(
  topic: string,
  expected: number,
  {
    instances = 1,
    config = {},
    rowGroupSize,
  }: { instances?: number; config?: Record<string, string>; rowGroupSize?: number } = {},
): Promise<SinkRun> {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-bench-sink-'));
  const warehouse = await createDuckDbWarehouse({
    path: join(dir, 'bench.duckdb'),
    config,
    ...(rowGroupSize === undefined ? {} : { rowGroupSize }),
  });
  await warehouse.migrate();
  const groupId = `bench-${stamp}-${++groups}`;
  const sinks = Array.from({ length: instances }, () =>
    createOrderSink({
      brokers,
      topic,
      deadLetterTopic: `${topic}.dlq`,
      groupId,
      warehouse,
      // A run whose DuckDB config sets memory_limit keeps it: the sink would set its own (64 MiB).
      ...(config.memory_limit === undefined ? {} : { warehouseMemoryBytes: null }),
    }),
  );
  let rows = 0;
  let flushMs = 0;
  let done!: () => void;
  let fail!: (error: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  // Fail loudly instead of hanging when nothing moves for a minute.
  let lastRows = -1;
  const watchdog = setInterval(() => {
    if (rows === lastRows) fail(new Error(`sink stalled at ${rows} of ${expected} rows`));
    lastRows = rows;
  }, 60_000);
  for (const sink of sinks) {
    sink.on('error', (error, context) => {
      if (context.fatal) fail(error);
    });
    sink.on('flush', (f) => {
      rows += f.rows;
      flushMs += f.durationMs;
      if (rows >= expected) done();
    });
  }
  const memory = sampleMemory();
  const cpu = process.cpuUsage();
  const loop = nodePerformance.eventLoopUtilization();
  const started = performance.now();
  await Promise.all(sinks.map((sink) => sink.start()));
  await finished.finally(() => clearInterval(watchdog));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const busy = nodePerformance.eventLoopUtilization(loop);
  const peak = memory.stop();
  const batches = sinks.reduce((sum, sink) => sum + sink.metrics().batches, 0);
  await Promise.all(sinks.map((sink) => sink.stop()));
  const [count] = await warehouse.query<{ n: number }>(
    `SELECT count(*)::BIGINT AS n FROM ${warehouse.qualify('raw_order_events')}`,
  );
  await warehouse.close();
  await rm(dir, { recursive: true, force: true });
  return {
    rows,
    seconds,
    flushSeconds: flushMs / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    mainThreadSeconds: busy.active / 1000,
    batches,
    stored: Number(count?.n),
    peakRss: peak.rss,
    peakHeap: peak.heapUsed,
  };
}

interface LatencyRun {
  total: number;
  rows: number;
  producedPerSecond: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  sinkP99: number | null;
  batches: number;
  peakRss: number;
}

/**
 * Produces at a steady rate while one sink runs. Latency of a row = the time its flush (rows,
 * offsets, group commit) finished − its `event_time` (stamped as it is handed to the producer):
 * the sink's own definition, computed here for every row so that p99.9 is exact.
 */
async function latencyRun(topic: string, rate: number): Promise<LatencyRun> {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-bench-latency-'));
  const warehouse = await createDuckDbWarehouse({ path: join(dir, 'latency.duckdb') });
  await warehouse.migrate();
  const sink = createOrderSink({
    brokers,
    topic,
    deadLetterTopic: `${topic}.dlq`,
    groupId: `bench-lat-${stamp}-${++groups}`,
    warehouse,
  });
  const flushes: { partition: number; from: number; next: number; at: number }[] = [];
  let rows = 0;
  sink.on('flush', (f: FlushInfo) => {
    const at = Date.now();
    rows += f.rows;
    for (const p of f.partitions)
      flushes.push({ partition: p.partition, from: Number(p.fromOffset), next: Number(p.nextOffset), at });
  });
  await sink.start();
  const memory = sampleMemory();
  const total = Math.round(rate * LATENCY_SECONDS);
  // The producer runs in its own process (kcat fed by a child of this script): in this one it
  // shared the event loop with the sink and fell short of the rate (2,055 of 5,000 events/s).
  const { seconds: produceSeconds } = await inChild<{ seconds: number }>({
    kind: 'produce',
    topic,
    rate,
    total,
    seed: 77 + rate,
  });
  const deadline = Date.now() + 30_000;
  while (rows < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const peak = memory.stop();
  const metrics = sink.metrics();
  await sink.stop();
  const stored = await warehouse.query<{ p: number; o: number; t: number }>(
    `SELECT kafka_partition::INTEGER AS p, kafka_offset::DOUBLE AS o, epoch_ms(event_time)::DOUBLE AS t
     FROM ${warehouse.qualify('raw_order_events')}`,
  );
  await warehouse.close();
  await rm(dir, { recursive: true, force: true });
  const latencies: number[] = [];
  for (const row of stored) {
    const flush = flushes.find((f) => f.partition === Number(row.p) && row.o >= f.from && row.o < f.next);
    if (flush !== undefined) latencies.push(flush.at - Number(row.t));
  }
  latencies.sort((a, b) => a - b);
  return {
    total,
    rows,
    producedPerSecond: total / produceSeconds,
    p50: nearestRankQuantile(latencies, 0.5),
    p99: nearestRankQuantile(latencies, 0.99),
    p999: nearestRankQuantile(latencies, 0.999),
    max: latencies.at(-1) ?? Number.NaN,
    sinkP99: metrics.latencyMs.p99,
    batches: metrics.batches,
    peakRss: peak.rss,
  };
}

/**
 * A sink instance in a child process with its own DuckDB file (one file has one writer process):
 * prints one JSON line per flush with the next offset of each flushed partition; stops on SIGTERM.
 */
async function runMember(topic: string, groupId: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-bench-member-'));
  const warehouse = await createDuckDbWarehouse({ path: join(dir, 'member.duckdb') });
  await warehouse.migrate();
  const sink = createOrderSink({ brokers, topic, deadLetterTopic: `${topic}.dlq`, groupId, warehouse });
  sink.on('flush', (f) => {
    const partitions = f.partitions.map((p) => [p.partition, Number(p.nextOffset)]);
    process.stdout.write(`${JSON.stringify({ rows: f.rows, partitions })}\n`);
  });
  sink.on('error', (error, context) => {
    if (context.fatal) {
      console.error(error);
      process.exit(1);
    }
  });
  // Listen before starting: the parent may be done before this member has joined the group.
  const stopped = new Promise((resolve) => process.once('SIGTERM', resolve));
  await sink.start();
  await stopped;
  await sink.stop();
  await warehouse.close();
  await rm(dir, { recursive: true, force: true });
}

const member = process.env.ORDERSTREAM_BENCH_SINK_MEMBER?.split(',');
if (member !== undefined) {
  await runMember(member[0] as string, member[1] as string);
  process.exit(0);
}

/** What a child process is asked to run: a throughput run of one sink, or a steady producer. */
type ChildTask =
  | {
      readonly kind: 'sink';
      readonly topic: string;
      readonly expected: number;
      readonly config?: Record<string, string>;
      readonly rowGroupSize?: number;
    }
  | {
      readonly kind: 'produce';
      readonly topic: string;
      readonly rate: number;
      readonly total: number;
      readonly seed: number;
    };

const childTask = process.env.ORDERSTREAM_BENCH_SINK_CHILD;
if (childTask !== undefined) {
  const task = JSON.parse(childTask) as ChildTask;
  if (task.kind === 'sink') {
    const { topic, expected, config, rowGroupSize } = task;
    const run = await sinkRun(topic, expected, {
      ...(config === undefined ? {} : { config }),
      ...(rowGroupSize === undefined ? {} : { rowGroupSize }),
    });
    process.stdout.write(`${JSON.stringify({ result: run })}\n`);
  } else {
    const seconds = await produceSteadily(task.topic, task.rate, task.total, task.seed);
    process.stdout.write(`${JSON.stringify({ result: { seconds } })}\n`);
  }
  process.exit(0);
}

/**
 * Produces `total` generated events at `rate` per second through `kcat -P` (gzip, key = the
 * `order_id`, no headers): the events are encoded beforehand, and each is stamped with the current
 * `event_time` as it is handed to kcat, every 10 ms. The order producer validates and encodes
 * each event as it sends; on this shared machine it fell short of 5,000 events/s.
 *
 * @returns the seconds from the first event handed over until kcat exited (all acknowledged)
 */
async function produceSteadily(topic: string, rate: number, total: number, seed: number): Promise<number> {
  const FIELD = '"event_time":"';
  const STAMP = new Date(0).toISOString().length;
  const lines: [string, string][] = [];
  for await (const event of createOrderEventStream({ seed })) {
    if (lines.length >= total) break;
    const { key, value } = encodeOrderEvent(event);
    if (value === null) continue;
    const at = value.indexOf(FIELD) + FIELD.length;
    lines.push([`${key}\t${value.slice(0, at)}`, `${value.slice(at + STAMP)}\n`]);
  }
  const child = spawn('kcat', ['-P', '-b', brokers[0] ?? '', '-t', topic, '-K', '\t', '-z', 'gzip', '-q'], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor((rate * (performance.now() - started)) / 1000));
    if (due > sent) {
      const stamp = new Date().toISOString();
      let text = '';
      for (; sent < due; sent++) {
        const [head, tail] = lines[sent] as [string, string];
        text += head + stamp + tail;
      }
      if (!child.stdin.write(text)) await new Promise((resolve) => child.stdin.once('drain', resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  child.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`kcat -P exited with ${code}`);
  return (performance.now() - started) / 1000;
}

/**
 * Runs a task in a fresh child process of this script and returns its result: a sink measured
 * alone (its RSS is the sink's, not this process's, which also holds the CPU stages' data), or a
 * producer that does not share this process's event loop with the sink it feeds.
 */
function inChild<R>(task: ChildTask): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, childArgs, {
      env: { ...process.env, ORDERSTREAM_BENCH_SINK_CHILD: JSON.stringify(task) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((text) => text.startsWith('{"result":'));
      if (code !== 0 || line === undefined)
        reject(new Error(`bench child (${task.kind}) exited with ${code}`));
      else resolve((JSON.parse(line) as { result: R }).result);
    });
  });
}

/**
 * Consumes a filled topic with `instances` child processes in one consumer group, each with its own
 * DuckDB file, until the group has flushed every offset (Σ over partitions of the highest next
 * offset = `expected`; a partition moved by a rebalance may be re-read by its new owner). The time
 * runs from starting the processes, so it includes their start-up and the group's rebalances.
 */
async function processRun(
  topic: string,
  expected: number,
  instances: number,
): Promise<{ seconds: number; rows: number }> {
  const groupId = `bench-${stamp}-proc-${++groups}`;
  const next = new Map<number, number>();
  let rows = 0;
  const started = performance.now();
  const children = Array.from({ length: instances }, () =>
    spawn(process.execPath, childArgs, {
      env: { ...process.env, ORDERSTREAM_BENCH_SINK_MEMBER: `${topic},${groupId}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const watchdog = setTimeout(() => reject(new Error(`sink processes stalled at ${rows} rows`)), 300_000);
    for (const child of children) {
      child.on('exit', (code) => {
        if (code !== 0 && code !== null) reject(new Error(`sink process exited with ${code}`));
      });
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
          const text = buffer.slice(0, end);
          buffer = buffer.slice(end + 1);
          // Anything else a library prints on stdout is not ours.
          if (!text.startsWith('{"rows":')) continue;
          const line = JSON.parse(text) as { rows: number; partitions: [number, number][] };
          rows += line.rows;
          for (const [partition, offset] of line.partitions)
            next.set(partition, Math.max(next.get(partition) ?? 0, offset));
          if ([...next.values()].reduce((sum, offset) => sum + offset, 0) >= expected) {
            clearTimeout(watchdog);
            resolve();
          }
        }
      });
    }
  });
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  return { seconds, rows };
}

// The sink's child processes run it as a user does: on the built packages, this script bundled
// for plain `node` (tsx alone, compiling the sources, added ~35 MiB to each child's RSS). From
// the sources (`--conditions=@orderstream/source`) they run the sources through tsx, as before.
let childArgs: string[];
if (RUNS_ON_BUILD) {
  assertBuilt(['core', 'duckdb', 'kafka']);
  childArgs = [await bundleForNode(fileURLToPath(import.meta.url))];
} else {
  childArgs = ['--conditions=@orderstream/source', '--import', 'tsx', fileURLToPath(import.meta.url)];
}

log(
  `${options.repeats} repeat(s); ${EVENTS} events; rates ${RATES.join(', ')}/s for ${LATENCY_SECONDS} s; ` +
    `partitions ${PARTITIONS.join(', ')}; instances ${INSTANCES.join(', ')}; brokers ${brokers.join(',')}`,
);

// Topics are filled once and consumed from the beginning by fresh groups in every repeat.
const throughputTopic = await freshTopic('throughput', THROUGHPUT_PARTITIONS);
const produced = await fill(throughputTopic, EVENTS, 1234);
log(`produced ${produced.sent} events in ${produced.seconds.toFixed(1)} s`);
const scalingTopics = new Map<number, string>();
for (const partitions of new Set([...PARTITIONS, Math.max(...PARTITIONS)])) {
  const topic = await freshTopic(`p${partitions}`, partitions);
  await fill(topic, SCALING_EVENTS, 4321);
  scalingTopics.set(partitions, topic);
}
const instancesTopic = scalingTopics.get(Math.max(...PARTITIONS)) as string;
log(`filled ${scalingTopics.size} scaling topics with ${SCALING_EVENTS} events each`);

const rate = (n: number, s: number) => n / s;
const lastSink: { value?: SinkRun; tuned?: SinkRun } = {};
const latencyDetails = new Map<number, LatencyRun[]>();
for (let repeat = 1; repeat <= options.repeats; repeat++) {
  const tag = `repeat ${repeat}/${options.repeats}`;
  // 1. Throughput: kcat, then the sink, on the same topic in the same repeat.
  const offsets = await kcat(throughputTopic, '%o\\n');
  const values = await kcat(throughputTopic, '%s\\n');
  // The same with DuckDB set for bounded memory: smaller row groups, so that frequent checkpoints
  // stay cheap and hold fewer appended rows in memory (warehouse settings, not sink ones). First:
  // the process's RSS seldom shrinks, so a run after the larger one would report its peak.
  const tuned = await inChild<SinkRun>({
    kind: 'sink',
    topic: throughputTopic,
    expected: EVENTS,
    rowGroupSize: 65_536,
    config: MEMORY_BOUNDED,
  });
  const sink = await inChild<SinkRun>({ kind: 'sink', topic: throughputTopic, expected: EVENTS });
  lastSink.value = sink;
  lastSink.tuned = tuned;
  const kcatRate = rate(offsets.messages, offsets.seconds);
  const sinkRate = rate(sink.rows, sink.seconds);
  recorder.sample('kcat-offsets', kcatRate, { label: 'kcat, offsets only', unit: 'events/s' });
  recorder.sample('kcat-values', rate(values.messages, values.seconds), {
    label: 'kcat, values',
    unit: 'events/s',
  });
  recorder.sample('sink', sinkRate, {
    label: 'createOrderSink → DuckDB',
    unit: 'events/s',
    better: 'higher',
    baseline: 'kcat-offsets',
  });
  recorder.sample('sink-vs-kcat', sinkRate / kcatRate, {
    label: 'sink ÷ kcat (offsets only), same repeat',
    unit: '×',
  });
  recorder.sample('sink-vs-kcat-values', sinkRate / rate(values.messages, values.seconds), {
    label: 'sink ÷ kcat reading values, same repeat',
    unit: '×',
  });
  recorder.sample('sink-tuned', rate(tuned.rows, tuned.seconds), {
    label: `createOrderSink → DuckDB with ${TUNED}`,
    unit: 'events/s',
    baseline: 'kcat-offsets',
  });
  recorder.sample('sink-peak-rss', mib(sink.peakRss), {
    label: 'sink process peak RSS at full speed',
    unit: 'MiB',
  });
  recorder.sample('sink-tuned-peak-rss', mib(tuned.peakRss), {
    label: `sink process peak RSS at full speed, DuckDB with ${TUNED}`,
    unit: 'MiB',
  });
  recorder.sample('sink-peak-heap', mib(sink.peakHeap), {
    label: 'sink process peak JS heap at full speed',
    unit: 'MiB',
  });
  log(
    `${tag}: kcat ${Math.round(kcatRate)}/s, sink ${Math.round(sinkRate)}/s, peak RSS ${mib(sink.peakRss).toFixed(0)} MiB`,
  );

  // 1b. The CPU budget: what each stage the sink runs costs alone, per event, on the same topic.
  const client = await kafkajsAlone(throughputTopic, EVENTS);
  const scan = scanAlone(client.texts);
  const parse = parseAlone(client.texts);
  const duck = await duckDbAlone(parse.rows);
  const stages = client.cpuMicros + scan.cpuMicros + duck.cpuMicros;
  const cores = availableParallelism();
  const micros = { unit: 'µs/event', better: 'lower' as const };
  recorder.sample('kafkajs-alone', rate(client.events, client.seconds), {
    label: 'kafkajs consumer alone (values to text)',
    unit: 'events/s',
    baseline: 'kcat-offsets',
  });
  recorder.sample('cpu-kafkajs', client.cpuMicros, { ...micros, label: 'CPU per event: kafkajs consumer' });
  recorder.sample('cpu-scan', scan.cpuMicros, {
    ...micros,
    label: "CPU per event: OrderEventScanner (the sink's decoding and validation)",
  });
  recorder.sample('cpu-parse', parse.cpuMicros, {
    ...micros,
    label: 'CPU per event: JSON.parse + parseOrderEvent + toOrderEventRow (the slow path)',
  });
  recorder.sample('cpu-duckdb', duck.cpuMicros, {
    ...micros,
    label: 'CPU per event: DuckDB columnar write + commit',
  });
  recorder.sample('cpu-sink', (sink.cpuSeconds * 1e6) / sink.rows, {
    ...micros,
    label: 'CPU per event: the sink',
  });
  recorder.sample('main-thread-sink', (sink.mainThreadSeconds * 1e6) / sink.rows, {
    ...micros,
    label: "the sink's Node thread busy per event (event loop utilization; wall time, so load stretches it)",
  });
  recorder.sample('cpu-ceiling', (cores * 1e6) / stages, {
    label: `ceiling: ${cores} cores ÷ the three stages' CPU per event`,
    unit: 'events/s',
  });
  log(
    `${tag}: CPU per event: kafkajs ${client.cpuMicros.toFixed(1)} µs + scan ${scan.cpuMicros.toFixed(1)} µs (slow path ${parse.cpuMicros.toFixed(1)} µs) + ` +
      `DuckDB ${duck.cpuMicros.toFixed(1)} µs = ${stages.toFixed(1)} µs → at most ${Math.round((cores * 1e6) / stages)} events/s on ${cores} cores; ` +
      `the sink used ${((sink.cpuSeconds * 1e6) / sink.rows).toFixed(1)} µs, its Node thread busy ${((sink.mainThreadSeconds * 1e6) / sink.rows).toFixed(1)} µs`,
  );

  // 2. End-to-end latency at steady rates.
  for (const r of RATES) {
    const run = await latencyRun(await freshTopic(`latency-${r}-${repeat}`, THROUGHPUT_PARTITIONS), r);
    latencyDetails.set(r, [...(latencyDetails.get(r) ?? []), run]);
    const meta = (q: string) => ({
      label: `latency ${q} at ${r} events/s`,
      unit: 'ms',
      better: 'lower' as const,
    });
    recorder.sample(`latency-${r}-p50`, run.p50, meta('p50'));
    recorder.sample(`latency-${r}-p99`, run.p99, meta('p99'));
    recorder.sample(`latency-${r}-p999`, run.p999, meta('p99.9'));
    recorder.sample(`latency-${r}-achieved`, run.producedPerSecond, {
      label: `rate achieved by the producer at ${r} events/s`,
      unit: 'events/s',
    });
    log(
      `${tag}: ${r}/s → p50 ${run.p50} ms, p99 ${run.p99} ms, p99.9 ${run.p999} ms (${run.rows}/${run.total} rows)`,
    );
  }

  // 3. Scaling: partitions (one sink), then sink instances (on the topic with the most partitions).
  for (const partitions of PARTITIONS) {
    const topic = scalingTopics.get(partitions) as string;
    const baseline = await kcat(topic, '%o\\n');
    const run = await sinkRun(topic, SCALING_EVENTS);
    recorder.sample(`kcat-p${partitions}`, rate(baseline.messages, baseline.seconds), {
      label: `kcat, offsets only, ${partitions} partition${partitions === 1 ? '' : 's'}`,
      unit: 'events/s',
    });
    recorder.sample(`sink-p${partitions}`, rate(run.rows, run.seconds), {
      label: `sink, ${partitions} partition${partitions === 1 ? '' : 's'}, 1 instance`,
      unit: 'events/s',
      baseline: `kcat-p${partitions}`,
    });
    log(`${tag}: ${partitions} partition(s) → ${Math.round(rate(run.rows, run.seconds))}/s`);
  }
  for (const instances of INSTANCES) {
    const run = await sinkRun(instancesTopic, SCALING_EVENTS, { instances });
    recorder.sample(`sink-i${instances}`, rate(run.rows, run.seconds), {
      label: `sink, ${Math.max(...PARTITIONS)} partitions, ${instances} instance${instances === 1 ? '' : 's'} in one group`,
      unit: 'events/s',
      baseline: `kcat-p${Math.max(...PARTITIONS)}`,
    });
    log(`${tag}: ${instances} instance(s) → ${Math.round(rate(run.rows, run.seconds))}/s`);
    const processes = await processRun(instancesTopic, SCALING_EVENTS, instances);
    recorder.sample(`sink-proc${instances}`, SCALING_EVENTS / processes.seconds, {
      label: `sink, ${Math.max(...PARTITIONS)} partitions, ${instances} process${instances === 1 ? '' : 'es'} in one group (with start-up)`,
      unit: 'events/s',
      baseline: `kcat-p${Math.max(...PARTITIONS)}`,
    });
    log(
      `${tag}: ${instances} process(es) → ${Math.round(SCALING_EVENTS / processes.seconds)}/s (${processes.rows} rows written, re-reads included)`,
    );
  }
}

recorder.target('sink', '>=', 50_000, 'sink throughput into DuckDB');
recorder.target('sink-vs-kcat-values', '>=', 0.5, 'sink vs kcat reading the same values');
// 300 MB, in the MiB the sample is recorded in.
recorder.target('sink-peak-rss', '<=', 286, 'sink peak RSS at full speed (300 MB)');
for (const r of RATES) recorder.target(`latency-${r}-p99`, '<=', 1000, `end-to-end latency at ${r} events/s`);

const cell = (id: string, digits?: number) => medianCell(recorder.samples(id), digits);
const last = lastSink.value as SinkRun;
const lines = [
  '# Kafka → DuckDB sink',
  '',
  `Command: \`${options.command}\``,
  '',
  `Machine: ${machineLine(recorder.result().machine)}.`,
  '',
  `Broker: the local single-node Kafka of \`scripts/kafka.sh\` on the same machine (${brokers.join(',')}).`,
  `Every figure: median of ${options.repeats} repeat${options.repeats === 1 ? '' : 's'} (range in parentheses); kcat read the same topic in the same repeat.`,
  '',
  'Warehouse: an embedded DuckDB file in a temporary folder (`createDuckDbWarehouse`), sink defaults',
  '(flush at 10000 records / 8 MiB per partition or 500 ms, one transaction per flush with the offsets; DuckDB',
  '`memory_limit` set by the sink to its `warehouseMemoryBytes`, 64 MiB, except in the run whose config sets it).',
  '',
  `Data: ${EVENTS} generated order events (\`createOrderEventStream\`, seed 1234) on a topic of ${THROUGHPUT_PARTITIONS} partitions,`,
  `produced once with the order producer (idempotent, acks=-1, gzip, batches of 1000) in ${produced.seconds.toFixed(1)} s.`,
  '',
  '## Throughput on the same topic',
  '',
  '| consumer | events/s |',
  '| --- | ---: |',
  `| \`kcat -C -e -o beginning -q -f '%o\\n'\` (offsets only, counted) | ${cell('kcat-offsets')} |`,
  `| \`kcat -C -e -o beginning -q -f '%s\\n'\` (values, counted) | ${cell('kcat-values')} |`,
  `| \`createOrderSink\` → DuckDB (parse, validate, write rows + offsets, commit) | ${cell('sink')} |`,
  `| the same, DuckDB opened with ${TUNED} | ${cell('sink-tuned')} |`,
  '',
  `Sink ÷ kcat (offsets only), per repeat: ${cell('sink-vs-kcat', 2)} ×. Last repeat: ${last.batches} warehouse transactions,`,
  `${last.stored} rows stored, ${last.cpuSeconds.toFixed(1)} s CPU in the process for ${last.seconds.toFixed(1)} s wall,`,
  `${last.flushSeconds.toFixed(1)} s of it inside flushes (${lastSink.tuned?.flushSeconds.toFixed(1)} s with ${TUNED}).`,
  '',
  '## CPU budget per event',
  '',
  "Each stage the sink runs, alone, on the same topic in the same repeat: a plain kafkajs consumer with the sink's",
  "fetch sizes and gzip codec (values decoded to text, nothing else); core's `OrderEventScanner` on those values' bytes",
  "(the sink's decoding and validation: every generated event takes this fast path); the same events as rows",
  'written into a fresh DuckDB file as the sink writes them (column batches of 10000 rows + offsets per transaction, file',
  "closed at the end). CPU is the whole process's (the Node thread, zlib's and DuckDB's threads). Their sum bounds",
  'any sink built from these parts on this machine: cores ÷ CPU per event, with every stage perfectly overlapped.',
  'The slow path (`JSON.parse` + `parseOrderEvent` + `toOrderEventRow`, what every record cost before the scanner and',
  'what a record the scanner declines still costs) is shown for comparison; it is not in the sum.',
  '',
  '| stage | µs CPU per event |',
  '| --- | ---: |',
  `| kafkajs consumer (${cell('kafkajs-alone')} events/s alone) | ${cell('cpu-kafkajs', 1)} |`,
  `| OrderEventScanner (decode + validate, fast path) | ${cell('cpu-scan', 1)} |`,
  `| DuckDB columnar write + commit + final checkpoint | ${cell('cpu-duckdb', 1)} |`,
  `| (slow path for comparison: JSON.parse + parseOrderEvent + toOrderEventRow) | ${cell('cpu-parse', 1)} |`,
  `| **ceiling** (${availableParallelism()} cores ÷ the sum), events/s | ${cell('cpu-ceiling')} |`,
  `| the sink itself, µs CPU per event | ${cell('cpu-sink', 1)} |`,
  `| the sink's Node thread busy, µs per event (wall time of event loop utilization) | ${cell('main-thread-sink', 1)} |`,
  '',
  '## Memory at peak rate',
  '',
  'While the sink drains the throughput topic as fast as it can, sampled every 50 ms. Each throughput run is a fresh',
  'child process that holds one sink and its DuckDB (in-process), nothing else of the bench;',
  RUNS_ON_BUILD
    ? 'it runs the built packages (`dist`) in plain `node`, as an npm user does (runs before 2026-12-07 ran the TypeScript sources through tsx, which added ~35 MiB):'
    : '**it runs the TypeScript sources through tsx** (`--conditions=@orderstream/source`; ~35 MiB more than the built packages in plain `node`):',
  '',
  '| measurement | MiB |',
  '| --- | ---: |',
  `| peak RSS, warehouse defaults | ${cell('sink-peak-rss')} |`,
  `| peak RSS, DuckDB with ${TUNED} | ${cell('sink-tuned-peak-rss')} |`,
  `| peak JS heap used | ${cell('sink-peak-heap')} |`,
  '',
  '## End-to-end latency at steady rates',
  '',
  `Events produced at each rate (paced every 10 ms) for ${LATENCY_SECONDS} s while one sink ran on a fresh ${THROUGHPUT_PARTITIONS}-partition topic;`,
  'latency of a row = end of its flush (rows, offsets and group commit) − its `event_time`, stamped when the event',
  'was handed to the producer; every row counts (the sink reports p50/p99 from a histogram; p99.9 needs every row).',
  '',
  '| rate (events/s) | achieved | p50 ms | p99 ms | p99.9 ms | max ms (last repeat) | rows (last repeat) | target p99 ≤ 1 s |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ...RATES.map((r) => {
    const runs = latencyDetails.get(r) ?? [];
    const lastRun = runs.at(-1);
    const p99 = recorder.spread(`latency-${r}-p99`).median;
    return `| ${r} | ${cell(`latency-${r}-achieved`, 0)} | ${cell(`latency-${r}-p50`, 0)} | ${cell(`latency-${r}-p99`, 0)} | ${cell(`latency-${r}-p999`, 0)} | ${num(lastRun?.max, 0)} | ${lastRun?.rows}/${lastRun?.total} | ${p99 <= 1000 ? 'met' : '**missed**'} |`;
  }),
  '',
  `The events are produced by \`kcat -P -z gzip\` (key = \`order_id\`, no headers), fed by a child process that encodes them beforehand and stamps each \`event_time\` as it hands it over, every 10 ms: the producer shares the cores with the sink and the broker, not the sink's event loop. "achieved" shows whether it kept the rate.`,
  '',
  '## Scaling: partitions and sink instances',
  '',
  `${SCALING_EVENTS} events per topic. Partitions: one sink on topics of ${PARTITIONS.join(', ')} partitions, kcat on the same topic beside it.`,
  `Instances: ${INSTANCES.join(', ')} sinks in one consumer group, in one process, sharing one DuckDB file (its single`,
  `writer serializes their transactions), on the ${Math.max(...PARTITIONS)}-partition topic; the time includes the group's rebalances.`,
  'The same counts of child processes, each with its own DuckDB file, show scaling across cores; their time runs from',
  'starting the processes until the group has flushed every offset (a partition moved by a rebalance may be re-read).',
  '',
  '| run | sink events/s | kcat events/s (same topic, same repeat) |',
  '| --- | ---: | ---: |',
  ...PARTITIONS.map(
    (p) =>
      `| ${p} partition${p === 1 ? '' : 's'}, 1 instance | ${cell(`sink-p${p}`)} | ${cell(`kcat-p${p}`)} |`,
  ),
  ...INSTANCES.map(
    (i) =>
      `| ${Math.max(...PARTITIONS)} partitions, ${i} in-process instance${i === 1 ? '' : 's'} (one DuckDB file) | ${cell(`sink-i${i}`)} | ${cell(`kcat-p${Math.max(...PARTITIONS)}`)} |`,
  ),
  ...INSTANCES.map(
    (i) =>
      `| ${Math.max(...PARTITIONS)} partitions, ${i} child process${i === 1 ? '' : 'es'} (own DuckDB file each; time includes start-up) | ${cell(`sink-proc${i}`)} | ${cell(`kcat-p${Math.max(...PARTITIONS)}`)} |`,
  ),
  '',
];
{
  const median = (id: string) => recorder.spread(id).median;
  const stages = median('cpu-kafkajs') + median('cpu-scan') + median('cpu-duckdb');
  recorder.note(
    `CPU budget: kafkajs ${num(median('cpu-kafkajs'), 1)} + scanner ${num(median('cpu-scan'), 1)} + DuckDB ${num(median('cpu-duckdb'), 1)} ` +
      `= ${num(stages, 1)} µs CPU per event, measured alone; on ${availableParallelism()} cores no sink built from these parts exceeds ` +
      `${num((availableParallelism() * 1e6) / stages, 0)} events/s even with every stage perfectly overlapped ` +
      `(the sink itself used ${num(median('cpu-sink'), 1)} µs per event).`,
  );
}
recorder.note(
  `Sink instances run in one process sharing one DuckDB file, so more instances add consumers but not CPU: on ${Math.max(
    ...INSTANCES,
  )} instances the Node thread and DuckDB's single writer are shared.`,
);
recorder.write(lines);
console.log(lines.join('\n'));
