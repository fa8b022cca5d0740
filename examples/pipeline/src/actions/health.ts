import { isOrderstreamError } from '@orderstream/core';
import {
  createKafkaJsClientFactory,
  evaluatePipelineHealth,
  type Freshness,
  type HealthFinding,
  readConsumerGroupHealth,
} from '@orderstream/kafka';
import { readSinkLastWrite } from '@orderstream/kafka/metrics';
import type { Command } from 'commander';
import { HEALTH_RULES } from '../health/health-rules.js';
import { kafkaBrokers } from '../kafka-brokers.js';
import { loggerFor } from '../logging/command-logger.js';
import { DEFAULT_METRICS_PORT } from '../metrics/metrics-port.js';
import { warehouseFromUri } from '../warehouse-from-uri.js';

// What `orderstream health` does once its options are checked (commands/health.ts).

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
 * `orderstream health` once its options are checked: {@link runHealth} with the command's logger.
 *
 * @param options - the parsed command-line options
 * @param command - the running command (for the global `--log-format`)
 * @returns the exit code
 */
export function runHealthCommand(options: HealthCommandOptions, command: Command): Promise<number> {
  return runHealth(options, loggerFor(command));
}

/**
 * Reads the sink group's health from Kafka and the freshness of the streamed rows, judges the
 * selected rules and prints the findings.
 *
 * @param options - the parsed command-line options
 * @param log - where the Kafka client's warnings go
 * @returns the exit code: 0 when every selected rule passes, else 1
 */
export async function runHealth(
  options: HealthCommandOptions,
  log: { warn(message: string): void; error(message: string): void },
): Promise<number> {
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
      `http://127.0.0.1:${DEFAULT_METRICS_PORT}/metrics`,
      `${options.warehouse} is held by a running sink (DUCKDB_LOCKED); start the sink with --metrics-port and pass --sink-metrics URL`,
    );
  } finally {
    await warehouse?.close();
  }
}
