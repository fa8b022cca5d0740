import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { generatedDir } from '../demo/generated-dir.js';
import type { LocalKafka } from '../demo/local-kafka.js';
import type { DemoOptions, DemoPhase } from '../demo/run-demo.js';
import type { PrerequisiteName } from '../doctor/prerequisites.js';
import { REPO_ROOT, requirePrerequisites } from '../doctor/prerequisites.js';
import { createInterrupt } from '../interrupt.js';
import { kafkaBrokers } from '../kafka-brokers.js';
import { loadModule } from '../lazy-modules.js';
import { DEFAULT_METRICS_PORT } from '../metrics/metrics-port.js';
import {
  checkBrokersReachable,
  checkPortFree,
  checkReadableDir,
  checkWarehouseEngine,
  checkWarehouseUri,
  checkWritableDir,
  portOption,
} from '../preflight.js';
import { runAction } from '../run-action.js';
import { UsageError } from '../usage-error.js';
import { DEFAULT_WAREHOUSE_URI } from '../warehouse-uri.js';

const positive = (name: string) => (value: string) => {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0)
    throw new InvalidArgumentError(`${name} must be a number ≥ 0`);
  return number;
};

const whole = (name: string, minimum: number) => (value: string) => {
  const number = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(number) || number < minimum)
    throw new InvalidArgumentError(`${name} must be a whole number ≥ ${minimum}`);
  return number;
};

/** How long a Ctrl-C during start-up may take before the demo quits without waiting. */
const START_UP_GRACE_MS = 9_000;

/**
 * `orderstream demo`: the whole mission in one command, on embedded defaults — a local Kafka
 * broker (unless `KAFKA_BROKERS` is set), a generated (or given) Olist history loaded into the
 * warehouse, a dbt build, the sink, a producer at `--rate`, the detectors on the live stream, the
 * schedule of the original design (incremental dbt, daily full ETL, 5-minute health check) and the
 * dashboard on http://127.0.0.1:8501.
 *
 * Every option is checked before anything starts (ports free, folders readable or writable,
 * warehouse, brokers, prerequisites). Ctrl-C during start-up aborts the running phase, stops what
 * was started (the broker included) and exits 130; once the dashboard is up, Ctrl-C stops
 * everything cleanly, flushing and committing, and exits 0. A second Ctrl-C quits at once.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'Run everything: local Kafka, history load, dbt, sink, producer, detectors, schedule and the dashboard.',
    )
    .option(
      '--data <dir>',
      'a folder with the nine Olist CSV files (default: generate one into ./data/olist-<orders>-seed<seed>)',
    )
    .option('--orders <n>', 'orders to generate when --data is not given', whole('--orders', 1), 99_441)
    .option('--seed <n>', 'seed of the generated history and stream', whole('--seed', 0), 42)
    .option(
      '--stream-seed <n>',
      'seed of the live stream (default: a new one each run, so event ids never repeat)',
      whole('--stream-seed', 0),
    )
    .addOption(
      new Option(
        '--warehouse <uri>',
        'duckdb (./data/orderstream.duckdb), duckdb:PATH, snowflake or snowflake:SCHEMA',
      )
        .env('ORDERSTREAM_WAREHOUSE')
        .default(DEFAULT_WAREHOUSE_URI),
    )
    .option('--rate <events/s>', 'live order events produced per second', positive('--rate'), 20)
    .option('--no-dbt', 'skip the dbt builds')
    .option('--dbt-every <minutes>', 'incremental dbt build interval (0: off)', positive('--dbt-every'), 10)
    .option(
      '--full-etl-every <hours>',
      'full ETL interval: check files, reload, full dbt build',
      positive('--full-etl-every'),
      24,
    )
    .option('--health-every <minutes>', 'health check interval', positive('--health-every'), 5)
    .option('--host <host>', 'the dashboard address to bind', '127.0.0.1')
    .addOption(
      new Option('--port <port>', 'the dashboard port')
        .env('ORDERSTREAM_DASHBOARD_PORT')
        .argParser(portOption('--port'))
        .default(8501),
    )
    .option('--duration <seconds>', 'stop after this long (0: run until Ctrl-C)', positive('--duration'), 0)
    .addOption(
      new Option(
        '--metrics-port [port]',
        `serve Prometheus metrics (sink and pipeline) on this port (${DEFAULT_METRICS_PORT} without a value; off by default)`,
      )
        .preset(DEFAULT_METRICS_PORT)
        .argParser(portOption('--metrics-port', true)),
    )
    .option('--metrics-host <host>', 'address the metrics server binds', '127.0.0.1')
    .option(
      '--time-zone <iana>',
      'business time zone of every hour and day shown (default: ORDERSTREAM_TIME_ZONE, else America/Sao_Paulo)',
    )
    .action(
      runAction(async (options: DemoOptions) => {
        // 0. Every check before anything starts: a user error costs a second, not a broker start.
        const localKafka = !process.env.KAFKA_BROKERS?.trim();
        await checkDemoOptions(options, localKafka);
        const phase: DemoPhase = { startingUp: true };
        const interrupt = createInterrupt({
          onFirst: (signal) => {
            log(
              phase.startingUp
                ? `${signal}: aborting the start-up and stopping what it started… (Ctrl-C again to quit at once)`
                : 'stopping: flushing and committing… (Ctrl-C again to quit at once)',
            );
            if (phase.startingUp) {
              setTimeout(() => {
                log(`still stopping after ${START_UP_GRACE_MS / 1000} s: quitting`);
                process.exit(130);
              }, START_UP_GRACE_MS).unref();
            }
          },
          onForce: (signal) => log(`${signal} again: quitting without waiting for the flush`),
        });
        const { signal } = interrupt;
        let local: LocalKafka | null = null;
        try {
          if (options.dbt) await preparePython(signal);
          // 1. Kafka: the one in KAFKA_BROKERS, else the repo's local broker (stopped at the end
          // when this demo started it).
          if (localKafka) {
            log('kafka: starting the local broker (scripts/kafka.sh start)…');
            const { startLocalKafka } = await loadModule('demo/local-kafka');
            local = await startLocalKafka({ signal });
          }
          // The demo's heavy half (dashboard, clients, DuckDB) loads only now, once all is checked.
          const { runDemo } = await loadModule('demo/run-demo');
          return await runDemo(options, local?.brokers ?? kafkaBrokers(), signal, phase);
        } finally {
          if (local?.started) {
            log('kafka: stopping the local broker this demo started');
            await local.stop();
          }
          interrupt.dispose();
        }
      }),
    );
}

/**
 * The checks of `demo`'s options and prerequisites, instant ones first: none loads a package but
 * the time zone's (core's zod schema, loaded last); then the prerequisites (each probe starts a
 * program).
 */
async function checkDemoOptions(options: DemoOptions, localKafka: boolean): Promise<void> {
  checkWarehouseEngine(options.warehouse);
  const brokers = localKafka ? [] : kafkaBrokers();
  await checkPortFree('--port', options.host, options.port);
  if (options.metricsPort !== undefined)
    await checkPortFree('--metrics-port', options.metricsHost, options.metricsPort);
  if (options.data !== undefined) {
    await checkReadableDir(
      '--data',
      options.data,
      'pass the folder holding the nine Olist CSV files, or leave --data out to generate one',
    );
  }
  if (!localKafka) await checkBrokersReachable(brokers);
  if (options.data === undefined)
    await checkWritableDir('--orders (the generated history)', resolve(generatedDir(options)));
  await checkWarehouseUri(options.warehouse);
  const { resolveBusinessTimeZone } = await loadModule('core');
  try {
    resolveBusinessTimeZone(options.timeZone, process.env);
  } catch (error) {
    throw new UsageError(
      'CLI_INVALID_OPTION',
      (error as Error).message,
      'pass an IANA time zone such as America/Sao_Paulo',
      { cause: error },
    );
  }
  const needs: PrerequisiteName[] = [];
  if (localKafka) needs.push('java', 'maven');
  if (options.dbt) needs.push('python');
  await requirePrerequisites(needs);
}

const log = (line: string): void => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

/**
 * Creates or refreshes the dbt virtualenv (`scripts/pyenv.sh`: a second when nothing changed, a few
 * minutes the first time), showing its progress lines.
 */
function preparePython(signal: AbortSignal): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('bash', [resolve(REPO_ROOT, 'scripts/pyenv.sh')], {
      signal,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let last = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter((l) => l.trim())) {
        last = line.trim();
        log(`python: ${last.replace(/^pyenv: /, '')}`);
      }
    });
    child.once('error', (error) => fail(signal.aborted ? signal.reason : error));
    child.once('close', (code) => {
      if (signal.aborted) fail(signal.reason);
      else if (code !== 0) fail(new Error(`scripts/pyenv.sh failed (exit ${code}): ${last}`));
      else done();
    });
  });
}
