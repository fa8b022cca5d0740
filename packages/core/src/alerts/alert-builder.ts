import type { Alert } from './alert.js';
import { explainAlert } from './alert.js';
import type { Firing } from './alert-engine-snapshot.js';
import type { AlertLifecycle } from './alert-lifecycle.js';
import type { ResolvedAlertRule } from './alert-rule.js';
import type { DetectorVerdict } from './detector.js';

const MINUTE_MS = 60_000;

/** One rule on one series, as the alert builders need it. */
export interface AlertSource {
  readonly rule: ResolvedAlertRule;
  readonly series: string;
  readonly lifecycle: AlertLifecycle;
}

/** A zero spread makes z-scores infinite; JSON has no infinity, so keep the largest finite number. */
export function finite(value: number): number {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 0;
  return value > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
}

/** The facts of an alert that fired this minute. */
export function firingOf(source: AlertSource, verdict: DetectorVerdict, timeZone: string): Firing {
  const { rule, lifecycle } = source;
  return {
    direction: lifecycle.direction ?? 'spike',
    startedAtMs: lifecycle.startedAt ?? 0,
    firedAtMs: lifecycle.firedAt ?? 0,
    observed: verdict.observed,
    expected: verdict.expected,
    bandLow: verdict.bandLow,
    bandHigh: verdict.bandHigh,
    score: finite(verdict.score),
    peakScore: finite(verdict.score),
    explanation: explainAlert({
      rule: rule.name,
      series: source.series,
      metric: rule.metric,
      detector: rule.detector.kind,
      direction: lifecycle.direction ?? 'spike',
      startedAt: new Date(lifecycle.startedAt ?? 0),
      firedAt: new Date(lifecycle.firedAt ?? 0),
      observed: verdict.observed,
      expected: verdict.expected,
      bandLow: verdict.bandLow,
      bandHigh: verdict.bandHigh,
      score: verdict.score,
      timeZone,
    }),
  };
}

/** The alert of a firing (resolution `null`) or of its resolution at the end of `minute`. */
export function alertOf(
  source: AlertSource,
  firing: Firing,
  resolution: { minute: number; verdict: DetectorVerdict } | null,
): Alert {
  const { rule } = source;
  const resolvedAtMs = resolution === null ? null : resolution.minute + MINUTE_MS;
  const durationMinutes =
    resolvedAtMs === null ? null : Math.round((resolvedAtMs - firing.startedAtMs) / MINUTE_MS);
  return {
    id: `${rule.name}:${source.series}:${new Date(firing.startedAtMs).toISOString()}`,
    rule: rule.name,
    series: source.series,
    metric: rule.metric,
    detector: rule.detector.kind,
    severity: rule.severity,
    state: resolution === null ? 'firing' : 'resolved',
    direction: firing.direction,
    startedAt: new Date(firing.startedAtMs),
    firedAt: new Date(firing.firedAtMs),
    resolvedAt: resolvedAtMs === null ? null : new Date(resolvedAtMs),
    durationMinutes,
    observed: firing.observed,
    expected: firing.expected,
    bandLow: firing.bandLow,
    bandHigh: firing.bandHigh,
    score: firing.score,
    explanation:
      durationMinutes === null
        ? firing.explanation
        : `${firing.explanation} Resolved after ${durationMinutes} minute${durationMinutes === 1 ? '' : 's'}.`,
    details: {
      forMinutes: rule.forMinutes,
      peakScore: firing.peakScore,
      ...(resolution === null ? {} : { resolvedObserved: resolution.verdict.observed, durationMinutes }),
    },
  };
}
