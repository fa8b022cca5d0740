import { ensureTopics } from '@orderstream/kafka';
import type { Command } from 'commander';
import { kafkaClients } from '../kafka-clients.js';
import { loggerFor } from '../logging/command-logger.js';

// What `orderstream topics` does (commands/topics.ts parses its options).

/** What `orderstream topics` accepts. */
export interface TopicsCommandOptions {
  topic: string;
  dlq: string;
  partitions: number;
  retentionHours: number;
}

/**
 * Creates the missing topics and checks the partition counts of existing ones, printing one line
 * per topic.
 *
 * @param opts - the parsed command-line options
 * @param command - the running command (for the global `--log-format`)
 * @returns the exit code: 1 on a partition mismatch, else 0
 */
export async function runTopics(opts: TopicsCommandOptions, command: Command): Promise<number> {
  const report = await ensureTopics({
    clientFactory: kafkaClients(loggerFor(command), 'orderstream-admin'),
    ordersTopic: opts.topic,
    deadLetterTopic: opts.dlq,
    partitions: opts.partitions,
    retentionMs: opts.retentionHours * 3_600_000,
  });
  for (const t of report.topics) {
    const note = t.status === 'mismatch' ? ` (expected ${t.expectedPartitions})` : '';
    console.log(`${t.status.padEnd(8)} ${t.name} (${t.role}): ${t.partitions} partitions${note}`);
  }
  return report.mismatches.length > 0 ? 1 : 0;
}
