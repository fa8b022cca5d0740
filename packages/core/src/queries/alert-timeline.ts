import type { QueryContext } from './internal/query-context.js';
import { instantParam } from './internal/sql.js';
import { DAY_MS } from './internal/time-windows.js';
import { toIso, toNullableNumber } from './internal/values.js';
import type { QueryScope } from './query-scope.js';

/** One alert as the page shows it. */
export interface AlertView {
  readonly alertId: string;
  readonly rule: string;
  readonly series: string;
  readonly severity: string;
  readonly state: string;
  readonly startedAt: string | null;
  readonly firedAt: string | null;
  readonly resolvedAt: string | null;
  readonly observed: number | null;
  readonly expected: number | null;
  readonly bandLow: number | null;
  readonly bandHigh: number | null;
  readonly explanation: string;
}

/** The spike/anomaly status (firing alerts) and the timeline of the last 7 days. */
export interface AlertTimelinePayload {
  readonly firing: readonly AlertView[];
  readonly timeline: readonly AlertView[];
}

const TIMELINE_DAYS = 7;
const TIMELINE_LIMIT = 50;

/** Alerts from the `alerts` table: which fire now, and what happened recently with explanations. */
export async function readAlertTimeline(
  { warehouse, tables, dialect }: QueryContext,
  { now }: QueryScope,
): Promise<AlertTimelinePayload> {
  const rows = await warehouse.query(
    `SELECT alert_id, rule, series, severity, state, started_at, fired_at, resolved_at,
            observed, expected, band_low, band_high, explanation
     FROM ${tables.alerts}
     WHERE state = 'firing' OR started_at >= ${dialect.instant}
     ORDER BY coalesce(fired_at, started_at) DESC, alert_id
     LIMIT ${TIMELINE_LIMIT}`,
    [instantParam(new Date(now.getTime() - TIMELINE_DAYS * DAY_MS))],
  );
  const timeline: AlertView[] = rows.map((row) => ({
    alertId: String(row.alert_id),
    rule: String(row.rule),
    series: String(row.series),
    severity: String(row.severity),
    state: String(row.state),
    startedAt: toIso(row.started_at),
    firedAt: toIso(row.fired_at),
    resolvedAt: toIso(row.resolved_at),
    observed: toNullableNumber(row.observed),
    expected: toNullableNumber(row.expected),
    bandLow: toNullableNumber(row.band_low),
    bandHigh: toNullableNumber(row.band_high),
    explanation: String(row.explanation),
  }));
  return { firing: timeline.filter((alert) => alert.state === 'firing'), timeline };
}
