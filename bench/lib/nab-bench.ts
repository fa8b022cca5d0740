// The real-data part of the detector benchmark: the ten NAB tweet-volume series replayed as order
// streams through the default rules, scored with NAB's standard profile beside the published detectors.
import {
  AlertLifecycle,
  type AlertRule,
  createAlertEngine,
  createDetector,
  DEFAULT_ALERT_RULES,
  type DetectorConfig,
  scoreNab,
} from '@orderstream/core';
import { loadNabDev, type NabSeries, replayMinutes, rowOf } from './nab.js';
import { replayThroughEngine } from './replay-engine.js';

const MINUTE_MS = 60_000;
const WEEK_MS = 7 * 24 * 3_600_000;
/** The published detectors shown beside ours, best first (means in ../shared/nab-dev/README.md). */
export const PUBLISHED = ['ARTime', 'contextOSE', 'numenta', 'htmjava', 'twitterADVec', 'windowedGaussian'];

/** One series' result. */
export interface NabRow {
  name: string;
  windows: number;
  alerts: number;
  windowsHit: number;
  falsePositiveRows: number;
  falseAlertsPerWeek: number;
  weeks: number;
  raw: number;
  normalized: number;
  events: number;
  published: Record<string, number | null>;
}

const ORDER: readonly [number, number] = [10_000, 1];

/** Replays one series through `createAlertEngine()` (default rules, no warm start) and scores it. */
export function runNabSeries(series: NabSeries, seed: number): NabRow {
  const { start, orders } = replayMinutes(series, seed);
  const engine = createAlertEngine();
  const firing: number[] = [];
  engine.on('alert', (alert) => firing.push(alert.firedAt.getTime() - MINUTE_MS));
  const baskets = new Map<number, (readonly [number, number])[]>();
  const ordersOf = (m: number) => {
    const count = orders[m] as number;
    let list = baskets.get(count);
    if (list === undefined) {
      list = Array.from({ length: count }, () => ORDER);
      if (count <= 4096) baskets.set(count, list);
    }
    return list;
  };
  const replay = replayThroughEngine(engine, start, orders.length, ordersOf);
  const { score, weeks, falseAlertsPerWeek } = scoreFirings(series, firing);
  return {
    name: series.name.replace('Twitter_volume_', ''),
    windows: series.windows.length,
    alerts: firing.length,
    windowsHit: score.windowsHit,
    falsePositiveRows: score.falsePositiveRows,
    falseAlertsPerWeek,
    weeks,
    raw: score.raw,
    normalized: score.normalized,
    events: replay.events,
    published: Object.fromEntries(PUBLISHED.map((d) => [d, series.published[d]?.normalized ?? null])),
  };
}

/** Scores one series' firing minutes (epoch ms of the minute that fired). */
function scoreFirings(series: NabSeries, firing: readonly number[]) {
  const detections = firing.map((minute) => rowOf(series, minute));
  const score = scoreNab({ timestamps: series.timestamps, windows: series.windows, detections });
  const probationEnd = series.timestamps[score.probationRows] as number;
  const weeks = ((series.timestamps[series.timestamps.length - 1] as number) - probationEnd) / WEEK_MS;
  return { score, weeks, falseAlertsPerWeek: score.falsePositiveRows / weeks };
}

/** What a detector-level replay of one series gives. */
export interface NabQuick {
  normalized: number;
  windowsHit: number;
  falsePositiveRows: number;
  falseAlertsPerWeek: number;
}

/**
 * Replays one series minute by minute through a detector and the default rule's lifecycle (no
 * event ingestion: the same minutes the engine would judge, a hundred times faster), for the
 * held-out selection and the replay-seed spread.
 */
export function runNabSeriesDetector(series: NabSeries, seed: number, detector: DetectorConfig): NabQuick {
  const { start, orders } = replayMinutes(series, seed);
  const rule = DEFAULT_ALERT_RULES.find((r) => r.name === 'orders-demand') as AlertRule;
  const instance = createDetector(detector);
  const lifecycle = new AlertLifecycle({
    forMinutes: rule.forMinutes ?? 0,
    cooldownMinutes: rule.cooldownMinutes ?? 10,
  });
  const firing: number[] = [];
  for (let m = 0; m < orders.length; m++) {
    const t = start + m * MINUTE_MS;
    const transition = lifecycle.step(t, instance.update(t, orders[m] as number));
    if (transition === 'fired' || transition === 'reversed') firing.push(t);
  }
  const { score, falseAlertsPerWeek } = scoreFirings(series, firing);
  return {
    normalized: score.normalized,
    windowsHit: score.windowsHit,
    falsePositiveRows: score.falsePositiveRows,
    falseAlertsPerWeek,
  };
}

/** Runs every series, or returns `null` when `dir` is absent. */
export function runNabBenchmark(
  dir: string,
  seed: number,
  progress: (line: string) => void,
): NabRow[] | null {
  const all = loadNabDev(dir);
  if (all === null) return null;
  return all.map((series) => {
    const row = runNabSeries(series, seed);
    progress(`nab ${row.name}: ${row.normalized.toFixed(1)} normalized, ${row.alerts} alerts`);
    return row;
  });
}
