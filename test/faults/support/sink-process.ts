/**
 * A sink in its own process, on the public API of @orderstream/kafka and the warehouse adapters,
 * so a fault test can kill it, starve it or lock its warehouse from outside. Configured by one
 * JSON argument ({@link SinkProcessConfig}); Kafka brokers come from `KAFKA_BROKERS` and the
 * Snowflake connection from the `SNOWFLAKE_*` environment variables. Prints one JSON line per
 * event on stdout (`started`, `flush`, `error`, `topic-reset`, `memory`, `stopped`); SIGTERM
 * flushes and exits 0, a fatal sink error exits 1.
 */
import type { Warehouse } from '@orderstream/core';
import { DuckDbWarehouse } from '@orderstream/duckdb';
import type { OrderSinkOptions } from '@orderstream/kafka';
import { createOrderSink } from '@orderstream/kafka';
import { createSnowflakeWarehouse, snowflakeConnectionFromEnv } from '@orderstream/snowflake';

/** What the parent passes as the one argument, JSON-encoded. */
export interface SinkProcessConfig {
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly groupId: string;
  readonly warehouse:
    | { readonly kind: 'duckdb'; readonly path: string }
    | { readonly kind: 'snowflake'; readonly schema: string };
  /** Sink options passed through (batching, retries, memory budget). */
  readonly sink?: Partial<
    Pick<
      OrderSinkOptions,
      | 'flushMaxRecords'
      | 'flushIntervalMs'
      | 'retries'
      | 'retryMinTimeoutMs'
      | 'retryMaxTimeoutMs'
      | 'maxBufferedBytes'
    >
  >;
  /** Migrate before starting (off when the warehouse was migrated and may be locked now). */
  readonly migrate?: boolean;
  /** How often to print a `memory` line, in milliseconds. */
  readonly memoryIntervalMs?: number;
}

const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function openWarehouse(config: SinkProcessConfig['warehouse']): Promise<Warehouse> {
  // Opened lazily by its first use, so a locked file is the sink's to wait for, not a start-up crash.
  if (config.kind === 'duckdb') return new DuckDbWarehouse({ path: config.path, config: { threads: '2' } });
  return createSnowflakeWarehouse({
    connection: snowflakeConnectionFromEnv(),
    schema: config.schema,
    arrayBindingThreshold: 3_000,
  });
}

async function main(): Promise<number> {
  const config = JSON.parse(process.argv[2] ?? '{}') as SinkProcessConfig;
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  const warehouse = await openWarehouse(config.warehouse);
  try {
    const sink = createOrderSink({
      brokers,
      topic: config.topic,
      deadLetterTopic: config.deadLetterTopic,
      groupId: config.groupId,
      warehouse,
      ...config.sink,
    });
    sink.on('flush', (f) => print({ type: 'flush', rows: f.rows, reason: f.reason, at: Date.now() }));
    sink.on('error', (e, ctx) =>
      print({ type: 'error', code: e.code, fatal: ctx.fatal, message: e.message, at: Date.now() }),
    );
    sink.on('topic-reset', (info) => print({ type: 'topic-reset', ...info, at: Date.now() }));
    const memory = setInterval(() => {
      const m = process.memoryUsage();
      const s = sink.metrics();
      print({
        type: 'memory',
        rss: m.rss,
        heapUsed: m.heapUsed,
        bufferedBytes: s.bufferedBytes,
        bufferedRecords: s.bufferedRecords,
        pausedPartitions: s.pausedPartitions.length,
        retries: s.retries,
        at: Date.now(),
      });
    }, config.memoryIntervalMs ?? 250);
    memory.unref();
    process.once('SIGTERM', () => void sink.stop());
    if (config.migrate !== false) await warehouse.migrate();
    await sink.start();
    print({ type: 'started', at: Date.now() });
    try {
      await sink.wait();
    } catch (error) {
      print({ type: 'stopped', ok: false, code: (error as { code?: string }).code, metrics: sink.metrics() });
      return 1;
    } finally {
      clearInterval(memory);
    }
    print({ type: 'stopped', ok: true, metrics: sink.metrics() });
    return 0;
  } finally {
    await warehouse.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    print({ type: 'crashed', code: (error as { code?: string }).code, message: String(error) });
    process.exit(2);
  },
);
