// Sink benchmark: Kafka → DuckDB throughput of the exactly-once sink, side by side with raw
// consumption of the same topic by kcat, then end-to-end latency at a steady 1k events/s.
//
//   node --conditions=@orderstream/source --import tsx bench/sink.ts [--events 200000] [--latency-seconds 30]
//
// Needs the local broker (scripts/kafka.sh start) or KAFKA_BROKERS, and kcat on PATH. Writes
// bench/results/sink.md.
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createOrderEventStream } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { createOrderProducer, createOrderSink, ensureTopics } from '@orderstream/kafka';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const argValue = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const EVENTS = argValue('--events', 200_000);
const LATENCY_SECONDS = argValue('--latency-seconds', 30);
const LATENCY_RATE = 1000;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const stamp = Date.now().toString(36);

async function freshTopic(name: string, partitions: number): Promise<string> {
  const topic = `bench-${name}-${stamp}`;
  await ensureTopics({ brokers, ordersTopic: topic, deadLetterTopic: `${topic}.dlq`, partitions });
  return topic;
}

/** Runs kcat over the whole topic; returns messages counted and seconds. */
function kcat(topic: string, format: string): Promise<{ messages: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      'kcat',
      ['-C', '-b', brokers[0] ?? '', '-t', topic, '-e', '-o', 'beginning', '-q', '-f', format],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let lines = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`kcat exited with ${code}`));
      else resolve({ messages: lines, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    });
  });
}

async function sinkRun(topic: string, expected: number, config: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-bench-sink-'));
  const warehouse = await createDuckDbWarehouse({ path: join(dir, 'bench.duckdb'), config });
  await warehouse.migrate();
  const sink = createOrderSink({
    brokers,
    topic,
    deadLetterTopic: `${topic}.dlq`,
    groupId: `bench-${stamp}-${Object.keys(config).length}`,
    warehouse,
  });
  let rows = 0;
  let flushMs = 0;
  let done!: () => void;
  let fail!: (error: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  sink.on('error', (error, context) => {
    if (context.fatal) fail(error);
  });
  // Fail loudly instead of hanging when nothing moves for a minute.
  let lastRows = -1;
  const watchdog = setInterval(() => {
    if (rows === lastRows) fail(new Error(`sink stalled at ${rows} rows: ${JSON.stringify(sink.metrics())}`));
    lastRows = rows;
  }, 60_000);
  sink.on('flush', (f) => {
    rows += f.rows;
    flushMs += f.durationMs;
    if (rows >= expected) done();
  });
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await sink.start();
  await finished.finally(() => clearInterval(watchdog));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const metrics = sink.metrics();
  await sink.stop();
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
    batches: metrics.batches,
    stored: Number(count?.n),
  };
}

async function latencyRun(topic: string) {
  const dir = await mkdtemp(join(tmpdir(), 'orderstream-bench-latency-'));
  const warehouse = await createDuckDbWarehouse({ path: join(dir, 'latency.duckdb') });
  await warehouse.migrate();
  const sink = createOrderSink({
    brokers,
    topic,
    deadLetterTopic: `${topic}.dlq`,
    groupId: `bench-lat-${stamp}`,
    warehouse,
  });
  let rows = 0;
  sink.on('flush', (f) => {
    rows += f.rows;
  });
  await sink.start();
  const producer = createOrderProducer({ brokers, topic, ratePerSecond: LATENCY_RATE });
  const total = LATENCY_RATE * LATENCY_SECONDS;
  const started = Date.now();
  await producer.sendStream(createOrderEventStream({ seed: 77 }), { limit: total });
  const produceSeconds = (Date.now() - started) / 1000;
  await producer.disconnect();
  const deadline = Date.now() + 30_000;
  while (rows < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const metrics = sink.metrics();
  await sink.stop();
  await warehouse.close();
  await rm(dir, { recursive: true, force: true });
  return { total, rows, produceSeconds, latency: metrics.latencyMs, batches: metrics.batches };
}

const load0 = loadavg()[0] ?? 0;
console.error(`sink bench: ${EVENTS} events, brokers ${brokers.join(',')}`);

// 1. Fill a topic.
const topic = await freshTopic('throughput', 3);
const producer = createOrderProducer({ brokers, topic, batchSize: 1000 });
const t = process.hrtime.bigint();
const produced = await producer.sendStream(createOrderEventStream({ seed: 1234 }), { limit: EVENTS });
const produceSeconds = Number(process.hrtime.bigint() - t) / 1e9;
await producer.disconnect();
console.error(`produced ${produced.sent} in ${produceSeconds.toFixed(1)} s`);

// 2. Raw consumption by kcat (offsets only, then full values), then the sink on the same topic.
const kcatOffsets = await kcat(topic, '%o\\n');
const kcatValues = await kcat(topic, '%s\\n');
console.error(
  `kcat: ${kcatOffsets.messages} in ${kcatOffsets.seconds.toFixed(2)} s (offsets), ${kcatValues.seconds.toFixed(2)} s (values)`,
);
const sink = await sinkRun(topic, EVENTS);
console.error(`sink: ${sink.rows} rows in ${sink.seconds.toFixed(2)} s`);
// The same with DuckDB checkpointing its WAL less often (a warehouse setting, not a sink one).
const tuned = await sinkRun(topic, EVENTS, { checkpoint_threshold: '1GB' });
console.error(`sink (checkpoint_threshold=1GB): ${tuned.rows} rows in ${tuned.seconds.toFixed(2)} s`);

// 3. Latency at a steady rate.
const latencyTopic = await freshTopic('latency', 3);
const latency = await latencyRun(latencyTopic);
console.error(`latency: p50 ${latency.latency.p50} ms, p99 ${latency.latency.p99} ms`);
const load1 = loadavg()[0] ?? 0;

const rate = (n: number, s: number) => Math.round(n / s);
const sinkRate = rate(sink.rows, sink.seconds);
const kcatRate = rate(kcatOffsets.messages, kcatOffsets.seconds);
const kcatValuesRate = rate(kcatValues.messages, kcatValues.seconds);
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
const { stdout: kcatVersion } = await run('kcat', ['-V']).catch(() => ({ stdout: '' }));
const kcatRelease = /Version (\S+)/.exec(kcatVersion)?.[1] ?? 'unknown';

const md = `# Kafka → DuckDB sink

Command: \`node --conditions=@orderstream/source --import tsx bench/sink.ts --events ${EVENTS} --latency-seconds ${LATENCY_SECONDS}\`

Machine: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores (shared with other work), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; 1-minute load average ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at end.
Broker: the local single-node Kafka 4.3.1 of \`scripts/kafka.sh\` on the same machine; kcat ${kcatRelease}.
Warehouse: embedded DuckDB file in a temporary folder (\`createDuckDbWarehouse\`), sink defaults
(flush at 10000 records / 8 MiB per partition or 500 ms, one transaction per flush with the offsets).

Data: ${EVENTS} generated order events (\`createOrderEventStream\`, seed 1234), ~1.15 kB JSON each, on a
topic of 3 partitions, produced with the order producer (idempotent, acks=-1, gzip, batches of 1000):
${produceSeconds.toFixed(1)} s, ${rate(produced.sent, produceSeconds)} events/s.

## Throughput on the same topic

| consumer | messages | seconds | events/s |
| --- | ---: | ---: | ---: |
| \`kcat -C -e -o beginning -q -f '%o\\n'\` (offsets only, counted) | ${kcatOffsets.messages} | ${kcatOffsets.seconds.toFixed(2)} | ${kcatRate} |
| \`kcat -C -e -o beginning -q -f '%s\\n'\` (values, counted) | ${kcatValues.messages} | ${kcatValues.seconds.toFixed(2)} | ${kcatValuesRate} |
| \`createOrderSink\` → DuckDB (parse, validate, write rows + offsets, commit) | ${sink.rows} | ${sink.seconds.toFixed(2)} | ${sinkRate} |
| the same, DuckDB opened with \`checkpoint_threshold=1GB\` | ${tuned.rows} | ${tuned.seconds.toFixed(2)} | ${rate(tuned.rows, tuned.seconds)} |

Sink (defaults): ${sink.batches} warehouse transactions, ${sink.stored} rows in \`raw_order_events\` afterwards,
${sink.cpuSeconds.toFixed(1)} s CPU in the Node process (JS + DuckDB threads) for ${sink.seconds.toFixed(1)} s wall;
${sink.flushSeconds.toFixed(1)} s of the wall time were spent inside flushes (the DuckDB transactions with the offsets, then the group commit),
the rest fetching, decompressing, parsing and validating (\`JSON.parse\` + \`orderEventSchema\`), one flush at a time.
With \`checkpoint_threshold=1GB\`: ${tuned.flushSeconds.toFixed(1)} s inside flushes of ${tuned.seconds.toFixed(1)} s.

| target | result | |
| --- | --- | --- |
| ≥ 50000 events/s into DuckDB | ${sinkRate} events/s | ${verdict(sinkRate >= 50_000)} |
| ≥ 0.5 × kcat (offsets only) | ${(sinkRate / kcatRate).toFixed(2)} × | ${verdict(sinkRate >= kcatRate / 2)} |

## End-to-end latency at ${LATENCY_RATE} events/s

${latency.total} events produced at ${LATENCY_RATE}/s (token bucket, ~20 sends a second) over ${latency.produceSeconds.toFixed(1)} s
while the sink ran; latency = group commit time − \`event_time\` (set when the generator drew the event,
just before it was sent), measured by the sink for every row (${latency.latency.samples} samples,
${latency.batches} flushes).

| p50 | p99 | max | target p99 ≤ 1 s |
| ---: | ---: | ---: | --- |
| ${latency.latency.p50?.toFixed(0)} ms | ${latency.latency.p99?.toFixed(0)} ms | ${latency.latency.max?.toFixed(0)} ms | ${verdict((latency.latency.p99 ?? Number.POSITIVE_INFINITY) <= 1000)} |

Rows received in the latency run: ${latency.rows} of ${latency.total}.
`;
await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(join(root, 'bench/results/sink.md'), md);
console.log(md);
