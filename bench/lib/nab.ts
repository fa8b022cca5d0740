// The real labelled count series of ../shared/nab-dev (Numenta Anomaly Benchmark, realTweets): loading,
// replay as an order stream, and the row a minute falls in. Absent folder → null (the bench skips).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NabWindow } from '@orderstream/core';

const MINUTE_MS = 60_000;
/** Minutes per row of the NAB tweet series (5-minute counts). */
export const ROW_MINUTES = 5;

/** A published detector's result on one file (NAB standard profile, its published threshold). */
export interface PublishedScore {
  raw: number;
  normalized: number;
  windows_hit: number;
  false_positive_rows: number;
}

/** One NAB series: its rows, windows and the published detectors' scores on it. */
export interface NabSeries {
  /** e.g. `Twitter_volume_AAPL`. */
  name: string;
  timestamps: number[];
  values: number[];
  windows: NabWindow[];
  published: Record<string, PublishedScore>;
}

/** NAB timestamps are UTC wall times without a zone (`2015-02-26 21:42:53[.000000]`). */
const parseTime = (text: string): number => Date.parse(`${text.trim().slice(0, 19).replace(' ', 'T')}Z`);

/**
 * Reads the ten series, or returns `null` when the folder is absent.
 *
 * @param dir - the nab-dev folder (`../shared/nab-dev` from the repo root)
 */
export function loadNabDev(dir: string): NabSeries[] | null {
  if (!existsSync(join(dir, 'windows.json'))) return null;
  const windows = JSON.parse(readFileSync(join(dir, 'windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >;
  const published = JSON.parse(readFileSync(join(dir, 'published-scores.json'), 'utf8')) as Record<
    string,
    Record<string, PublishedScore>
  >;
  return readdirSync(join(dir, 'data'))
    .filter((file) => file.endsWith('.csv'))
    .sort()
    .map((file) => {
      const lines = readFileSync(join(dir, 'data', file), 'utf8')
        .trim()
        .split('\n')
        .slice(1);
      const timestamps: number[] = [];
      const values: number[] = [];
      for (const line of lines) {
        const [time, value] = line.split(',');
        timestamps.push(parseTime(time as string));
        values.push(Number(value));
      }
      const key = `realTweets/${file}`;
      return {
        name: file.replace(/\.csv$/, ''),
        timestamps,
        values,
        windows: (windows[key] ?? []).map(([start, end]) => ({
          start: parseTime(start),
          end: parseTime(end),
        })),
        published: published[key] ?? {},
      };
    });
}

/** mulberry32: a small seedable generator of floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Replays a series as orders per minute: each row's count, one order per unit, spread uniformly at
 * random over the row's five minutes (Poisson per minute given the row's total), seeded.
 *
 * @returns the first minute's start (epoch ms) and the orders of each minute
 */
export function replayMinutes(series: NabSeries, seed: number): { start: number; orders: Int32Array } {
  const start = Math.floor((series.timestamps[0] as number) / MINUTE_MS) * MINUTE_MS;
  const last = series.timestamps[series.timestamps.length - 1] as number;
  const minutes = Math.floor(last / MINUTE_MS) - start / MINUTE_MS + ROW_MINUTES;
  const orders = new Int32Array(minutes);
  const random = mulberry32(seed);
  series.timestamps.forEach((t, row) => {
    const first = Math.floor(t / MINUTE_MS) - start / MINUTE_MS;
    const count = series.values[row] as number;
    for (let unit = 0; unit < count; unit++) {
      const m = first + Math.floor(random() * ROW_MINUTES);
      orders[m] = (orders[m] as number) + 1;
    }
  });
  return { start, orders };
}

/** The row whose five minutes contain the minute starting at `minuteMs` (the last row at or before it). */
export function rowOf(series: NabSeries, minuteMs: number): number {
  const ts = series.timestamps;
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.floor((ts[mid] as number) / MINUTE_MS) * MINUTE_MS <= minuteMs) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}
