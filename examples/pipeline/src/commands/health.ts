import { isOrderstreamError } from '@orderstream/core';
import {
  createKafkaJsClientFactory,
  evaluatePipelineHealth,
  type Freshness,
  type HealthFinding,
  ORDER_SINK_DEFAULTS,
  readConsumerGroupHealth,
} from '@orderstream/kafka';
import { METRICS_DEFAULTS, readSinkLastWrite } from '@orderstream/kafka/metrics';
import { Command, InvalidArgumentError, Option } from 'commander';
import { kafkaBrokers, positiveInt } from '../kafka-brokers.js';
import { loggerFor } from '../logging/command-logger.js';
import { checkWarehouseUri } from '../preflight.js';
import { runAction } from '../run-action.js';
import { DEFAULT_WAREHOUSE_URI, warehouseFromUri } from '../warehouse-from-uri.js';

/** The rules `--rule` selects, by their short names. */
export const HEALTH_RULES = {
  freshness: 'health.freshness',
  'dead-letters': 'health.dead-letters',
  lag: 'health.lag',
  progress: 'health.progress',
  restarts: 'health.restarts',
  'dead-letter-repeats': 'health.dead-letter-repeats',
} as const satisfies Record<string, HealthFinding['rule']>;

/** What `orderstream health` accepts. */
export interface HealthCommandOptions {
  warehouse: string;
  group: string;
  topic: string;
  dlq: string;
  maxStalenessS: number;
  maxLag: number;
  deadLetterWindowS: number;
  progressWindowS: number;
  maxRestarts: number;
  /** The running sink's Prometheus endpoint, read for freshness instead of the warehouse. */
  sinkMetrics?: string;
  rule?: Array<keyof typeof HEALTH_RULES>;
  json: boolean;
}

const arg = (parse: (v: string) => number) => (value: string) => {
  try {
    return parse(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

/**
 * Formats findings for people: one line per rule, `ok` or `FAILING`, and its explanation.
 *
 * @param findings - what the check found
 * @returns the text to print
 */
export function formatHealth(findings: readonly HealthFinding[]): string {
  return findings
    .map((f) => `${f.rule.padEnd(20)} ${f.failing ? 'FAILING' : 'ok     '} ${f.explanation}`)
    .join('\n');
}

/**
 * `orderstream health`: the 5-minute monitor of the original design as a one-shot command for cron
 * or Airflow — freshness of the streamed rows in the warehouse, dead letters appended to the DLQ
 * topic within a window, and the sink group's consumer lag, the latter two read from Kafka. Exit
 * code 0 when every selected rule passes, 1 when one fails or the check itself cannot run. It
 * writes nothing: the long-running pipeline records health alerts itself.
 *
 * @returns the command
 */
export function healthCommand(): Command {
  return new Command('health')
    .description(
      'Check freshness, dead-letter growth and consumer lag once; exit 1 when unhealthy (for cron or Airflow).',
    )
    .option(
      '--warehouse <uri>',
      'duckdb (./data/orderstream.duckdb), duckdb:PATH, snowflake or snowflake:SCHEMA',
      DEFAULT_WAREHOUSE_URI,
    )
    .option('--group <id>', "the sink's consumer group", 'orderstream-sink')
    .option('--topic <name>', 'the orders topic', ORDER_SINK_DEFAULTS.topic)
    .option('--dlq <name>', 'the dead-letter topic', ORDER_SINK_DEFAULTS.deadLetterTopic)
    .option(
      '--max-staleness-s <seconds>',
      'newest streamed row older than this is stale',
      arg(positiveInt('--max-staleness-s')),
      120,
    )
    .option(
      '--max-lag <records>',
      'total consumer lag above this is unhealthy',
      arg(positiveInt('--max-lag')),
      50_000,
    )
    .option(
      '--dead-letter-window-s <seconds>',
      'any dead letter within this window is unhealthy',
      arg(positiveInt('--dead-letter-window-s')),
      300,
    )
    .option(
      '--progress-window-s <seconds>',
      'while the group has lag, watch it this long for progress and restarts (0: one snapshot)',
      arg((v) => (v === '0' ? 0 : positiveInt('--progress-window-s')(v))),
      15,
    )
    .option(
      '--max-restarts <n>',
      'this many consumers joining the group within the watch window is a restart loop',
      arg(positiveInt('--max-restarts')),
      3,
    )
    .option(
      '--sink-metrics <url>',
      `read freshness from the running sink's Prometheus endpoint instead of the warehouse (tried at http://127.0.0.1:${METRICS_DEFAULTS.port}/metrics when the DuckDB file is held by the sink)`,
    )
    .addOption(
      new Option('--rule <name...>', 'check only these rules (default: all)').choices(
        Object.keys(HEALTH_RULES),
      ),
    )
    .option('--json', 'print the findings as one JSON object on stdout', false)
    .action(
      runAction((options: HealthCommandOptions, command: Command) => runHealth(options, loggerFor(command))),
    );
}

async function runHealth(
  options: HealthCommandOptions,
  log: { warn(message: string): void; error(message: string): void },
): Promise<number> {
  await checkWarehouseUri(options.warehouse);
  const now = new Date();
  const rules = options.rule ?? (Object.keys(HEALTH_RULES) as Array<keyof typeof HEALTH_RULES>);
  const selected = new Set<string>(rules.map((rule) => HEALTH_RULES[rule]));
  const watch = selected.has(HEALTH_RULES.progress) || selected.has(HEALTH_RULES.restarts);
  const group = await readConsumerGroupHealth({
    clientFactory: createKafkaJsClientFactory({
      brokers: kafkaBrokers(),
      clientId: 'orderstream-health',
      logger: log,
      // A group coordinator that is still loading (a fresh broker, a new group) answers
      // NOT_COORDINATOR for several seconds: give the client's own retry up to half a minute.
      retry: { retries: 10, maxRetryTimeMs: 5_000 },
    }),
    topic: options.topic,
    groupId: options.group,
    deadLetterTopic: options.dlq,
    deadLetterWindowMs: options.deadLetterWindowS * 1000,
    progressWindowMs: watch ? options.progressWindowS * 1000 : 0,
  });
  const freshness: Freshness = selected.has(HEALTH_RULES.freshness)
    ? await readFreshness(options)
    : { newestRowAt: null };
  const findings = evaluatePipelineHealth({
    group,
    freshness,
    now: new Date(),
    maxStalenessMs: options.maxStalenessS * 1000,
    maxLag: options.maxLag,
    maxRestarts: options.maxRestarts,
    deadLetterWindowMs: options.deadLetterWindowS * 1000,
  }).filter((f) => selected.has(f.rule));
  const healthy = findings.every((f) => !f.failing);
  if (options.json) console.log(JSON.stringify({ healthy, checkedAt: now.toISOString(), findings }));
  else console.log(`${formatHealth(findings)}\n${healthy ? 'healthy' : 'UNHEALTHY'}`);
  return healthy ? 0 : 1;
}

/**
 * The newest streamed row: from the sink's metrics endpoint when given; otherwise from the
 * warehouse, and when a running sink holds the DuckDB file (one process at a time), from the
 * sink's metrics endpoint on its default port.
 */
async function readFreshness(options: HealthCommandOptions): Promise<Freshness> {
  const fromMetrics = async (url: string, why: string): Promise<Freshness> => {
    try {
      return { newestRowAt: await readSinkLastWrite(url) };
    } catch (error) {
      return {
        unavailable: `${why}, and the sink's metrics at ${url} cannot be read: ${(error as Error).message}`,
      };
    }
  };
  if (options.sinkMetrics !== undefined) return fromMetrics(options.sinkMetrics, 'freshness from the sink');
  let warehouse: Awaited<ReturnType<typeof warehouseFromUri>> | undefined;
  try {
    warehouse = await warehouseFromUri(options.warehouse);
    const [fresh] = await warehouse.query<{ newest: Date | null }>(
      `SELECT max(ingested_at) AS newest FROM ${warehouse.qualify('raw_order_events')}`,
    );
    return { newestRowAt: fresh?.newest ?? null };
  } catch (error) {
    if (!isOrderstreamError(error) || error.code !== 'DUCKDB_LOCKED') throw error;
    return fromMetrics(
      `http://127.0.0.1:${METRICS_DEFAULTS.port}/metrics`,
      `${options.warehouse} is held by a running sink (DUCKDB_LOCKED); start the sink with --metrics-port and pass --sink-metrics URL`,
    );
  } finally {
    await warehouse?.close();
  }
}
