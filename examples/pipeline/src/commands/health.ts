import type { Warehouse } from '@orderstream/core';
import { ORDER_SINK_DEFAULTS } from '@orderstream/kafka';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Kafka, logLevel } from 'kafkajs';
import type { HealthFinding } from '../demo/health-check.js';
import { HealthCheck } from '../demo/health-check.js';
import { readKafkaHealthSignals } from '../health/kafka-health-signals.js';
import { kafkaBrokers, positiveInt } from '../kafka-brokers.js';
import { checkWarehouseUri } from '../preflight.js';
import { runAction } from '../run-action.js';
import { DEFAULT_WAREHOUSE_URI, warehouseFromUri } from '../warehouse-from-uri.js';

/** The rules `--rule` selects, by their short names. */
export const HEALTH_RULES = {
  freshness: 'health.freshness',
  'dead-letters': 'health.dead-letters',
  lag: 'health.lag',
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
    .addOption(
      new Option('--rule <name...>', 'check only these rules (default: all)').choices(
        Object.keys(HEALTH_RULES),
      ),
    )
    .option('--json', 'print the findings as one JSON object on stdout', false)
    .action(runAction((options: HealthCommandOptions) => runHealth(options)));
}

async function runHealth(options: HealthCommandOptions): Promise<number> {
  const now = new Date();
  const kafka = new Kafka({
    clientId: 'orderstream-health',
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
    // A group coordinator that is still loading (a fresh broker, a new group) answers
    // NOT_COORDINATOR for several seconds: give kafkajs's own retry up to half a minute.
    retry: { retries: 10, maxRetryTime: 5_000 },
  });
  await checkWarehouseUri(options.warehouse);
  const warehouse: Warehouse = await warehouseFromUri(options.warehouse);
  try {
    const check = new HealthCheck({
      warehouse,
      signals: () =>
        readKafkaHealthSignals(kafka, {
          topic: options.topic,
          groupId: options.group,
          deadLetterTopic: options.dlq,
          deadLetterWindowMs: options.deadLetterWindowS * 1000,
          now,
        }),
      maxStalenessMs: options.maxStalenessS * 1000,
      maxLag: options.maxLag,
      now: () => now,
      log: () => {},
      recordAlerts: false,
    });
    const rules = options.rule ?? (Object.keys(HEALTH_RULES) as Array<keyof typeof HEALTH_RULES>);
    const selected = new Set<string>(rules.map((rule) => HEALTH_RULES[rule]));
    const findings = (await check.run()).filter((f) => selected.has(f.rule));
    const healthy = findings.every((f) => !f.failing);
    if (options.json) console.log(JSON.stringify({ healthy, checkedAt: now.toISOString(), findings }));
    else console.log(`${formatHealth(findings)}\n${healthy ? 'healthy' : 'UNHEALTHY'}`);
    return healthy ? 0 : 1;
  } finally {
    await warehouse.close();
  }
}
