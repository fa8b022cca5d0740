import { resolveOptions } from '@orderstream/core';
import type { AdminClient } from '../client/kafka-client.js';
import { factoryFor, toDeadLetter } from '../dead-letters/read-dead-letters.js';
import { kafkaError } from '../errors/kafka-error-codes.js';
import { readToEnd } from '../internal/read-to-end.js';
import { withAdmin } from '../internal/with-admin.js';
import type { ConsumerGroupHealthOptions } from './options.js';
import { consumerGroupHealthOptionsSchema } from './options.js';

/** One partition's lag as the group's coordinator sees it. */
export interface GroupPartitionLag {
  readonly partition: number;
  /** The partition's high watermark. */
  readonly high: string;
  /** The group's committed next offset, `null` when it committed none. */
  readonly committed: string | null;
  /** Records between the committed offset (the low watermark when none) and the high watermark. */
  readonly lag: number;
}

/** How the group moved during the watch window. */
export interface GroupProgress {
  /** The window watched, in milliseconds. */
  readonly windowMs: number;
  /** Records committed by the group during the window (sum over partitions). */
  readonly committed: number;
  readonly lagAtStart: number;
  readonly lagAtEnd: number;
  /** The group had lag all along and committed nothing: it is stuck (or restarting in a loop). */
  readonly stalled: boolean;
}

/** Who was in the group during the watch window. */
export interface GroupMembership {
  /** The group's state at the end (`Stable`, `PreparingRebalance`, `Empty`, …). */
  readonly state: string;
  /** Members at the end. */
  readonly members: number;
  /** Members that joined during the window (new member ids): each restart of a consumer is one. */
  readonly joined: number;
  /** Polls that found the group without members. */
  readonly emptyPolls: number;
  /** Polls made. */
  readonly polls: number;
}

/** The same record dead-lettered more than once: a consumer reprocessing it (e.g. restarting over it). */
export interface RepeatedDeadLetter {
  /** `<original topic>/<partition>@<offset>`. */
  readonly original: string;
  /** How often it was dead-lettered within the window. */
  readonly times: number;
  readonly code: string | null;
}

/** What {@link readConsumerGroupHealth} found. */
export interface ConsumerGroupHealth {
  readonly topic: string;
  readonly groupId: string;
  /** Total lag over the partitions, in records, at the end of the window. */
  readonly lag: number;
  readonly partitions: readonly GroupPartitionLag[];
  /**
   * Offsets appended to the dead-letter topic within the dead-letter window. Offsets, not records:
   * a transactional write adds a commit marker, so this is an upper bound, 0 exactly when nothing
   * was written.
   */
  readonly deadLettered: number;
  /** Dead letters of the window whose original record was dead-lettered more than once. */
  readonly repeatedDeadLetters: readonly RepeatedDeadLetter[];
  /** `null` without a watch window, or when the group had no lag at the start. */
  readonly progress: GroupProgress | null;
  /** `null` without a watch window, or when the group had no lag at the start. */
  readonly membership: GroupMembership | null;
}

async function lagOf(admin: AdminClient, topic: string, groupId: string): Promise<GroupPartitionLag[]> {
  const ends = await admin.fetchWatermarks(topic);
  const committed = await admin.fetchCommittedOffsets(groupId, topic);
  return ends
    .sort((a, b) => a.partition - b.partition)
    .map((end) => {
      const stored = committed.find((p) => p.partition === end.partition)?.offset ?? '-1';
      const has = BigInt(stored) >= 0n;
      const from = has ? BigInt(stored) : BigInt(end.low);
      const lag = BigInt(end.high) - from;
      return {
        partition: end.partition,
        high: end.high,
        committed: has ? stored : null,
        lag: lag > 0n ? Number(lag) : 0,
      };
    });
}

const total = (partitions: readonly GroupPartitionLag[]) => partitions.reduce((sum, p) => sum + p.lag, 0);

/**
 * The health of a consumer group seen from Kafka alone, for a check that runs outside the
 * consumer's process (cron, Airflow, `orderstream health`): its lag per partition; the dead letters
 * appended within a window, and which of them repeat an earlier dead letter of the same record (a
 * sink that restarts over a record dead-letters it again each time); and, over an optional watch
 * window, whether it made progress while it had lag and how many members joined (each restart of
 * a crash-looping consumer joins anew).
 *
 * @param options - brokers or a client factory, topics, group and windows
 * @returns what was found
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS`, or `KAFKA_ADMIN_FAILED` when the brokers refuse
 *   or a topic is missing
 * @example
 * ```ts
 * const health = await readConsumerGroupHealth({
 *   brokers: ['127.0.0.1:9092'],
 *   groupId: 'orderstream-sink',
 *   progressWindowMs: 15_000,
 * });
 * if (health.progress?.stalled) console.error(`stuck with ${health.lag} records of lag`);
 * ```
 */
export async function readConsumerGroupHealth(
  options: ConsumerGroupHealthOptions,
): Promise<ConsumerGroupHealth> {
  const o = resolveOptions('ConsumerGroupHealth', consumerGroupHealthOptionsSchema, options);
  const factory = factoryFor(o);
  try {
    return await withAdmin(factory, async (admin) => {
      const start = await lagOf(admin, o.topic, o.groupId);
      let end = start;
      let progress: GroupProgress | null = null;
      let membership: GroupMembership | null = null;
      if (o.progressWindowMs > 0 && total(start) > 0) {
        const seen = new Set((await admin.describeGroup(o.groupId)).members.map((m) => m.memberId));
        let joined = 0;
        let emptyPolls = 0;
        let polls = 0;
        let last = { state: 'Dead', members: 0 };
        const deadline = o.clock.now() + o.progressWindowMs;
        for (;;) {
          const wait = Math.min(o.pollIntervalMs, deadline - o.clock.now());
          if (wait > 0) await o.clock.sleep(wait);
          const group = await admin.describeGroup(o.groupId);
          polls += 1;
          if (group.members.length === 0) emptyPolls += 1;
          for (const member of group.members) {
            if (!seen.has(member.memberId)) {
              seen.add(member.memberId);
              joined += 1;
            }
          }
          last = { state: group.state, members: group.members.length };
          if (o.clock.now() >= deadline) break;
        }
        end = await lagOf(admin, o.topic, o.groupId);
        let committed = 0;
        for (const p of end) {
          const before = start.find((s) => s.partition === p.partition)?.committed ?? null;
          if (p.committed === null) continue;
          const moved = BigInt(p.committed) - BigInt(before ?? p.committed);
          if (moved > 0n) committed += Number(moved);
        }
        progress = {
          windowMs: o.progressWindowMs,
          committed,
          lagAtStart: total(start),
          lagAtEnd: total(end),
          stalled: committed === 0 && total(end) > 0,
        };
        membership = { ...last, joined, emptyPolls, polls };
      }

      const since = o.clock.now() - o.deadLetterWindowMs;
      const dlqEnds = await admin.fetchWatermarks(o.deadLetterTopic);
      const dlqSince = await admin.fetchOffsetsByTimestamp(o.deadLetterTopic, since);
      let deadLettered = 0;
      for (const e of dlqEnds) {
        const first = dlqSince.find((p) => p.partition === e.partition)?.offset ?? e.high;
        const grown = BigInt(e.high) - BigInt(first);
        if (grown > 0n) deadLettered += Number(grown);
      }
      const repeatedDeadLetters =
        deadLettered === 0 ? [] : await repeats(factory, o.deadLetterTopic, since, o.timeoutMs);
      return {
        topic: o.topic,
        groupId: o.groupId,
        lag: total(end),
        partitions: end,
        deadLettered,
        repeatedDeadLetters,
        progress,
        membership,
      };
    });
  } catch (error) {
    throw kafkaError(
      'KAFKA_ADMIN_FAILED',
      `Cannot read the health of ${o.topic} (group ${o.groupId}) and ${o.deadLetterTopic}: ${(error as Error).message}`,
      { cause: error, details: { topic: o.topic, groupId: o.groupId, deadLetterTopic: o.deadLetterTopic } },
    );
  }
}

async function repeats(
  factory: ReturnType<typeof factoryFor>,
  deadLetterTopic: string,
  sinceMs: number,
  timeoutMs: number,
): Promise<RepeatedDeadLetter[]> {
  const records = await readToEnd(factory, [deadLetterTopic], { timeoutMs, sinceMs });
  const byOriginal = new Map<string, { times: number; code: string | null }>();
  for (const record of records) {
    const d = toDeadLetter(record);
    if (d.originalTopic === null || d.originalOffset === null) continue;
    const original = `${d.originalTopic}/${d.originalPartition}@${d.originalOffset}`;
    const entry = byOriginal.get(original) ?? { times: 0, code: d.code };
    entry.times += 1;
    byOriginal.set(original, entry);
  }
  return [...byOriginal.entries()]
    .filter(([, e]) => e.times > 1)
    .map(([original, e]) => ({ original, times: e.times, code: e.code }));
}
