import { formatCents } from '../schema/fields.js';
import type { WarehouseRow } from '../warehouse/warehouse.js';
import type { AlertDirection, DetectorKind } from './detector.js';
import type { AlertMetric } from './series.js';

/** How urgent an alert is. */
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;

/** One of {@link ALERT_SEVERITIES}. */
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/**
 * A firing or resolved alert, explaining itself: which rule on which series, what was observed and
 * expected, the normal band, the direction and a sentence for people.
 */
export interface Alert {
  /** A stable id: rule, series and start, so a replay produces the same id (the `ALERTS` key). */
  readonly id: string;
  /** The rule's name. */
  readonly rule: string;
  /** The series' name, e.g. `orders` or `revenue{customer_state="SP"}`. */
  readonly series: string;
  /** The metric of the series. */
  readonly metric: AlertMetric;
  /** The detector kind of the rule. */
  readonly detector: DetectorKind;
  /** The rule's severity. */
  readonly severity: AlertSeverity;
  /** `firing`, or `resolved` once the series recovered. */
  readonly state: 'firing' | 'resolved';
  /** `spike` (above normal) or `drop` (below normal). */
  readonly direction: AlertDirection;
  /** Start of the first breaching minute. */
  readonly startedAt: Date;
  /** When it fired: the end of the minute that completed the `for` duration. */
  readonly firedAt: Date;
  /** When it resolved: the end of the first recovered minute; `null` while firing. */
  readonly resolvedAt: Date | null;
  /**
   * How long it lasted, from `startedAt` to `resolvedAt`, in whole minutes; `null` (or absent) while
   * firing.
   */
  readonly durationMinutes?: number | null;
  /** The observed value when it fired (per minute; revenue in cents). */
  readonly observed: number;
  /** The expected value when it fired, or `null` when the detector has none (static threshold). */
  readonly expected: number | null;
  /** The lower edge of the normal band when it fired, or `null`. */
  readonly bandLow: number | null;
  /** The upper edge of the normal band when it fired, or `null`. */
  readonly bandHigh: number | null;
  /** The detector's score when it fired (z-score, CUSUM statistic, empty minutes). */
  readonly score: number;
  /** A sentence for people. */
  readonly explanation: string;
  /** Extra, JSON-serialisable facts: the rule's `for` and the value when resolved. */
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * Maps an alert onto a row of the RAW `ALERTS` table; write it with `mode: 'upsert'`, so the
 * resolved alert replaces the firing one (same `alert_id`).
 *
 * @param alert - a firing or resolved alert
 * @returns the row, keyed by `ALERTS` column names
 * @example
 * ```ts
 * engine.on('alert', (alert) => warehouse.write([{ table: ALERTS.name, rows: [toAlertRow(alert)] }]));
 * ```
 */
export function toAlertRow(alert: Alert): WarehouseRow {
  return {
    alert_id: alert.id,
    rule: alert.rule,
    series: alert.series,
    severity: alert.severity,
    state: alert.state,
    started_at: alert.startedAt,
    fired_at: alert.firedAt,
    resolved_at: alert.resolvedAt,
    observed: finiteOrNull(alert.observed),
    expected: finiteOrNull(alert.expected),
    band_low: finiteOrNull(alert.bandLow),
    band_high: finiteOrNull(alert.bandHigh),
    explanation: alert.explanation,
    details: JSON.stringify({
      metric: alert.metric,
      detector: alert.detector,
      direction: alert.direction,
      score: finiteOrNull(alert.score),
      ...alert.details,
    }),
  };
}

const finiteOrNull = (value: number | null): number | null =>
  value !== null && Number.isFinite(value) ? value : null;

const DETECTOR_WORDS: Record<DetectorKind, string> = {
  threshold: 'static threshold',
  ewma: 'EWMA z-score',
  mad: 'median/MAD',
  seasonal: 'seasonal baseline',
  'poisson-cusum': 'Poisson CUSUM',
  silence: 'silence',
  demand: 'demand model',
};

/** Formats a value of a metric for a sentence. */
export function formatMetricValue(metric: AlertMetric, value: number): string {
  if (metric === 'revenue') return `R$ ${formatCents(Math.round(value))}`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** The human sentence of an alert. */
export function explainAlert(input: {
  rule: string;
  series: string;
  metric: AlertMetric;
  detector: DetectorKind;
  direction: AlertDirection;
  startedAt: Date;
  firedAt: Date;
  observed: number;
  expected: number | null;
  bandLow: number | null;
  bandHigh: number | null;
  score: number;
  /** The business time zone the sentence's times are written in. */
  timeZone: string;
}): string {
  const f = (value: number): string => formatMetricValue(input.metric, value);
  const minute = (date: Date): string => localMinute(date, input.timeZone);
  const since = minute(input.startedAt);
  const what = input.direction === 'spike' ? 'spiked' : 'dropped';
  if (input.detector === 'silence') {
    const silentSince = minute(new Date(input.firedAt.getTime() - input.score * 60_000));
    return `${input.series} dropped to zero: no ${input.metric} for ${input.score} minutes since ${silentSince} ${input.timeZone} (about ${f(input.expected ?? 0)} per minute expected); rule ${input.rule} (silence).`;
  }
  const per =
    input.detector === 'poisson-cusum' || input.detector === 'demand'
      ? 'per minute on average'
      : 'per minute';
  const expected =
    input.expected === null
      ? ''
      : `, expected about ${f(input.expected)}${
          input.bandLow !== null && input.bandHigh !== null
            ? ` (normal ${f(input.bandLow)}–${f(input.bandHigh)})`
            : ''
        }`;
  const limit =
    input.expected === null && input.direction === 'spike' && input.bandHigh !== null
      ? `, above the limit ${f(input.bandHigh)}`
      : input.expected === null && input.direction === 'drop' && input.bandLow !== null
        ? `, below the limit ${f(input.bandLow)}`
        : '';
  return `${input.series} ${what} since ${since} ${input.timeZone}: ${f(input.observed)} ${per}${expected}${limit}; rule ${input.rule} (${DETECTOR_WORDS[input.detector]}, score ${formatScore(input.score)}).`;
}

const minuteFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:MM` of an instant in a time zone. */
function localMinute(date: Date, timeZone: string): string {
  let format = minuteFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('sv-SE', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    minuteFormats.set(timeZone, format);
  }
  return format.format(date);
}

function formatScore(score: number): string {
  if (Math.abs(score) >= 1e6 || !Number.isFinite(score)) return score > 0 ? '+∞' : '−∞';
  return score.toFixed(1);
}
