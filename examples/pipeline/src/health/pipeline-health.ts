import type { ConsumerGroupHealth } from '@orderstream/kafka';
import type { HealthFinding } from '../demo/health-check.js';

/** Where the newest streamed row was seen: a time, none yet, or why it could not be read. */
export type Freshness = { readonly newestRowAt: Date | null } | { readonly unavailable: string };

/** What {@link evaluateHealth} judges. */
export interface HealthInput {
  /** Kafka's view of the sink's group, from `readConsumerGroupHealth`. */
  readonly group: ConsumerGroupHealth;
  readonly freshness: Freshness;
  readonly now: Date;
  readonly maxStalenessMs: number;
  readonly maxLag: number;
  /** Members joining within the watch window at or above this count as a restart loop. */
  readonly maxRestarts: number;
  /** The dead-letter window, in milliseconds, for the explanations. */
  readonly deadLetterWindowMs: number;
}

const seconds = (ms: number) => Math.round(ms / 1000);

/**
 * The one-shot health rules of `orderstream health`, from Kafka's view of the sink's group and the
 * newest streamed row:
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
 * @returns one finding per rule
 */
export function evaluateHealth(input: HealthInput): HealthFinding[] {
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

/**
 * Reads the newest write of a running sink from its Prometheus endpoint
 * (`orderstream_sink_last_write_timestamp_seconds`), for when the warehouse cannot be opened
 * beside it (a DuckDB file admits one process).
 *
 * @param url - the sink's metrics URL, e.g. `http://127.0.0.1:9464/metrics`
 * @returns the time of the newest write, `null` when the sink has written nothing yet
 * @throws Error when the endpoint does not answer or serves no sink metrics
 */
export async function newestWriteFromMetrics(url: string): Promise<Date | null> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const text = await response.text();
  if (!/^orderstream_sink_records_total\b/m.test(text))
    throw new Error(`${url} serves no orderstream sink metrics`);
  const match = /^orderstream_sink_last_write_timestamp_seconds\s+([0-9.e+]+)/m.exec(text);
  return match?.[1] === undefined ? null : new Date(Number(match[1]) * 1000);
}
