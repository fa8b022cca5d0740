import { readDeadLetters, replayDeadLetters, summarizeDeadLetters } from '@orderstream/kafka';
import type { Command } from 'commander';
import { kafkaClients } from '../kafka-clients.js';
import { loggerFor } from '../logging/command-logger.js';

// What `orderstream dlq inspect|replay` do (commands/dlq.ts parses their options).

/** What `orderstream dlq inspect` accepts. */
export interface DlqInspectOptions {
  dlq: string;
  samples: number;
  json: boolean;
}

/** What `orderstream dlq replay` accepts. */
export interface DlqReplayOptions {
  dlq: string;
  topic: string;
  markerTopic?: string;
  code?: string;
  all: boolean;
  dryRun: boolean;
  json: boolean;
}

/**
 * Reads the dead-letter topic to its current end and prints counts and samples per reason.
 *
 * @param opts - the parsed command-line options
 * @param command - the running command (for the global `--log-format`)
 * @returns the exit code, 0
 */
export async function runDlqInspect(opts: DlqInspectOptions, command: Command): Promise<number> {
  const deadLetters = await readDeadLetters({
    clientFactory: kafkaClients(loggerFor(command), 'orderstream-dlq'),
    deadLetterTopic: opts.dlq,
  });
  const report = summarizeDeadLetters(opts.dlq, deadLetters, opts.samples);
  if (opts.json) {
    console.log(JSON.stringify(report));
    return 0;
  }
  console.log(`${report.topic}: ${report.total} dead letters`);
  for (const c of report.codes) console.log(`${String(c.count).padStart(8)}  ${c.code}`);
  for (const c of report.codes) {
    if (c.samples.length === 0) continue;
    console.log(`\n${c.code}:`);
    for (const s of c.samples) {
      const from = s.originalTopic ? `${s.originalTopic}/${s.originalPartition}@${s.originalOffset}` : '?';
      console.log(`  ${s.position} from ${from}: ${s.reason ?? '-'}`);
      console.log(`    value: ${s.value === null ? '(none)' : JSON.stringify(s.value)}`);
    }
  }
  return 0;
}

/**
 * Re-publishes the dead letters that now pass (or all, with `--all`) to the orders topic, once each.
 *
 * @param opts - the parsed command-line options
 * @param command - the running command (for the global `--log-format`)
 * @returns the exit code, 0
 */
export async function runDlqReplay(opts: DlqReplayOptions, command: Command): Promise<number> {
  const log = loggerFor(command);
  const report = await replayDeadLetters({
    clientFactory: kafkaClients(log, 'orderstream-dlq'),
    deadLetterTopic: opts.dlq,
    topic: opts.topic,
    all: opts.all,
    dryRun: opts.dryRun,
    ...(opts.markerTopic === undefined ? {} : { markerTopic: opts.markerTopic }),
    ...(opts.code === undefined ? {} : { code: opts.code }),
  });
  if (opts.json) console.log(JSON.stringify(report));
  log.info(
    `${opts.dryRun ? 'would replay' : 'replayed'} ${report.replayed.length} of ${report.scanned} dead letters to ${opts.topic}` +
      ` (${report.alreadyReplayed} already replayed, ${report.stillInvalid} still invalid, ${report.noValue} without value, ${report.otherCode} other code)`,
    { event: 'dlq-replay', topic: opts.topic, deadLetterTopic: opts.dlq, ...report },
  );
  return 0;
}
