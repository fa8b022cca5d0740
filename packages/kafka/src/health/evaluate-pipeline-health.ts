import type { ConsumerGroupHealth } from './consumer-group-health.js';
import type { HealthFinding } from './health-finding.js';

/** Where the newest streamed row was seen: a time (`null`: none yet), or why it could not be read. */
export type Freshness = { readonly newestRowAt: Date | null } | { readonly unavailable: string };

/** What {@link evaluatePipelineHealth} judges. */
export interface PipelineHealthInput {
  /** Kafka's view of the sink's group, from `readConsumerGroupHealth`. */
  readonly group: ConsumerGroupHealth;
  /** When the newest streamed row landed (from the warehouse, or `readSinkLastWrite`). */
  readonly freshness: Freshness;
  /** The instant the check is made at. */
  readonly now: Date;
  /** The newest streamed row may be this old, in milliseconds. */
  readonly maxStalenessMs: number;
  /** The group's total lag may be this many records. */
  readonly maxLag: number;
  /** Members joining within the watch window at or above this count as a restart loop. */
  readonly maxRestarts: number;
  /** The dead-letter window, in milliseconds, for the explanations. */
  readonly deadLetterWindowMs: number;
}

const seconds = (ms: number) => Math.round(ms / 1000);

/**
 * Judges a streaming pipeline's health, once, from Kafka's view of the sink's consumer group
 * (`readConsumerGroupHealth`) and the newest streamed row — the rules of `orderstream health`:
 *
 * | rule | failing when |
 * | --- | --- |
 * | `health.freshness` | the newest streamed row is older than the limit, or none can be read |
 * | `health.dead-letters` | anything was dead-lettered within the window |
 * | `health.lag` | the group's lag is above the limit |
 * | `health.progress` | the group had lag through the watch window and committed nothing |
 * | `health.restarts` | this many consumers joined the group within the watch window (a restart loop) |
 * | `health.dead-letter-repeats` | a record was dead-lettered more than once within the window (a sink reprocessing it) |
 *
 * @param input - the signals and limits
 * @returns one finding per rule, in the order of {@link HEALTH_RULES}
 * @example
 * ```ts
 * const group = await readConsumerGroupHealth({ brokers, groupId: 'orderstream-sink' });
 * const findings = evaluatePipelineHealth({
 *   group,
 *   freshness: { newestRowAt: await readSinkLastWrite('http://127.0.0.1:9464/metrics') },
 *   now: new Date(),
 *   maxStalenessMs: 120_000,
 *   maxLag: 10_000,
 *   maxRestarts: 3,
 *   deadLetterWindowMs: 300_000,
 * });
 * if (findings.some((finding) => finding.failing)) process.exitCode = 1;
 * ```
 */
export function evaluatePipelineHealth(input: PipelineHealthInput): HealthFinding[] {
  const { group, now } = input;
  const staleLimit = seconds(input.maxStalenessMs);
  const freshness: HealthFinding =
    'unavailable' in input.freshness
      ? {
          rule: 'health.freshness',
          failing: true,
          observed: -1,
          limit: staleLimit,
          explanation: input.freshness.unavailable,
        }
      : (() => {
          const newest = input.freshness.newestRowAt;
          const ageMs = newest ? now.getTime() - newest.getTime() : Number.POSITIVE_INFINITY;
          return {
            rule: 'health.freshness',
            failing: ageMs > input.maxStalenessMs,
            observed: Number.isFinite(ageMs) ? seconds(ageMs) : -1,
            limit: staleLimit,
            explanation: Number.isFinite(ageMs)
              ? `newest streamed row is ${seconds(ageMs)} s old (limit ${staleLimit} s)`
              : 'no streamed rows yet',
          };
        })();

  const progress = group.progress;
  const membership = group.membership;
  const repeats = group.repeatedDeadLetters;
  const stuck = group.partitions
    .filter((p) => p.lag > 0)
    .map((p) => `${p.partition}@${p.committed ?? 'none'}`);
  return [
    freshness,
    {
      rule: 'health.dead-letters',
      failing: group.deadLettered > 0,
      observed: group.deadLettered,
      limit: 0,
      explanation: `${group.deadLettered} messages dead-lettered in the last ${seconds(input.deadLetterWindowMs)} s`,
    },
    {
      rule: 'health.lag',
      failing: group.lag > input.maxLag,
      observed: group.lag,
      limit: input.maxLag,
      explanation: `consumer lag is ${group.lag} records (limit ${input.maxLag})`,
    },
    {
      rule: 'health.progress',
      failing: progress?.stalled ?? false,
      observed: progress?.committed ?? 0,
      limit: 0,
      explanation:
        progress === null
          ? group.lag === 0
            ? 'no lag: nothing to make progress on'
            : 'not watched (--progress-window-s 0)'
          : progress.stalled
            ? `group ${group.groupId} committed nothing in ${seconds(progress.windowMs)} s with ${progress.lagAtEnd} records of lag (stuck at partition@offset ${stuck.join(', ')})`
            : `group ${group.groupId} committed ${progress.committed} records in ${seconds(progress.windowMs)} s (lag ${progress.lagAtStart} → ${progress.lagAtEnd})`,
    },
    {
      rule: 'health.restarts',
      failing: (membership?.joined ?? 0) >= input.maxRestarts,
      observed: membership?.joined ?? 0,
      limit: input.maxRestarts,
      explanation:
        membership === null
          ? 'not watched (no lag, or --progress-window-s 0)'
          : `${membership.joined} consumers joined group ${group.groupId} in ${seconds(progress?.windowMs ?? 0)} s` +
            ` (it had no members at ${membership.emptyPolls} of ${membership.polls} looks; now ${membership.members}, ${membership.state})` +
            (membership.joined >= input.maxRestarts ? ': a consumer is restarting in a loop' : ''),
    },
    {
      rule: 'health.dead-letter-repeats',
      failing: repeats.length > 0,
      observed: repeats.length,
      limit: 0,
      explanation:
        repeats.length === 0
          ? 'no record dead-lettered twice'
          : `${repeats.length} records dead-lettered more than once in the last ${seconds(input.deadLetterWindowMs)} s (a sink reprocessing them, e.g. restarting over them): ` +
            repeats
              .slice(0, 3)
              .map((r) => `${r.original} ×${r.times} ${r.code ?? ''}`.trim())
              .join(', ') +
            (repeats.length > 3 ? ', …' : ''),
    },
  ];
}
