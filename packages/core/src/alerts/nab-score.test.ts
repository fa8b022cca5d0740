import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scoreNab } from './nab-score.js';

const MINUTE = 60_000;
/** ../shared/nab-dev from the repo root (this file is four folders below it). */
const NAB_DEV = fileURLToPath(new URL('../../../../../shared/nab-dev', import.meta.url));
const present = existsSync(join(NAB_DEV, 'published-scores.json'));

const parseTime = (text: string): number => Date.parse(`${text.trim().slice(0, 19).replace(' ', 'T')}Z`);

/** Rows every 5 minutes from 0 and one window over rows [from, to]. */
function series(rows: number, windows: [number, number][]) {
  const timestamps = Array.from({ length: rows }, (_, i) => i * 5 * MINUTE);
  return {
    timestamps,
    windows: windows.map(([from, to]) => ({ start: from * 5 * MINUTE, end: to * 5 * MINUTE })),
  };
}

describe('scoreNab (standard profile)', () => {
  it('scores no detection as the null detector and one at each window start as the perfect one', () => {
    const s = series(2000, [
      [400, 599],
      [1200, 1399],
    ]);
    expect(scoreNab({ ...s, detections: [] })).toMatchObject({ raw: -2, normalized: 0, windowsHit: 0 });
    const perfect = scoreNab({ ...s, detections: [400, 1200] });
    expect(perfect.raw).toBeCloseTo(2, 12);
    expect(perfect.normalized).toBeCloseTo(100, 10);
  });

  it('weights a detection by its place in the window, ignores probation and later ones in a window', () => {
    const s = series(2000, [[400, 599]]);
    // the probation period is the first 15 % of 2000 rows = 300 rows
    expect(scoreNab({ ...s, detections: [10] })).toMatchObject({
      raw: -1,
      probationRows: 300,
      falsePositiveRows: 0,
    });
    const middle = scoreNab({ ...s, detections: [500, 510] }); // p = −(599 − 500 + 1) / 200 = −0.5
    const sig = (x: number) => 2 / (1 + Math.exp(5 * x)) - 1;
    expect(middle.raw).toBeCloseTo(sig(-0.5) / sig(-1), 12);
    expect(middle.windowsHit).toBe(1);
  });

  it('charges false positives 0.11: fully before any window, by distance after one', () => {
    const s = series(2000, [[400, 599]]);
    const before = scoreNab({ ...s, detections: [350] });
    expect(before.raw).toBeCloseTo(-1 - 0.11, 12);
    // right after the window's end, q = 1 / 199: almost free; far after it (q > 3): full cost
    const sig = (x: number) => 2 / (1 + Math.exp(5 * x)) - 1;
    expect(scoreNab({ ...s, detections: [600] }).raw).toBeCloseTo(-1 + 0.11 * sig(1 / 199), 12);
    expect(scoreNab({ ...s, detections: [1500] }).raw).toBeCloseTo(-1 - 0.11, 12);
    expect(scoreNab({ ...s, detections: [1500] }).falsePositiveRows).toBe(1);
  });

  it.skipIf(!present)(
    'reproduces the published null and perfect scores and normalization of every file',
    () => {
      const windows = JSON.parse(readFileSync(join(NAB_DEV, 'windows.json'), 'utf8')) as Record<
        string,
        [string, string][]
      >;
      const published = JSON.parse(readFileSync(join(NAB_DEV, 'published-scores.json'), 'utf8')) as Record<
        string,
        Record<string, { raw: number; normalized: number; windows_hit: number; false_positive_rows: number }>
      >;
      const files = readdirSync(join(NAB_DEV, 'data')).filter((f) => f.endsWith('.csv'));
      expect(files).toHaveLength(10);
      let checked = 0;
      for (const file of files) {
        const key = `realTweets/${file}`;
        const lines = readFileSync(join(NAB_DEV, 'data', file), 'utf8')
          .trim()
          .split('\n')
          .slice(1);
        const timestamps = lines.map((line) => parseTime(line.split(',')[0] as string));
        const w = (windows[key] ?? []).map(([a, b]) => ({ start: parseTime(a), end: parseTime(b) }));
        const scores = published[key] ?? {};
        // The null detector: no detection at all.
        const none = scoreNab({ timestamps, windows: w, detections: [] });
        expect(none.raw).toBeCloseTo(scores.null?.raw ?? Number.NaN, 3);
        expect(none.normalized).toBeCloseTo(scores.null?.normalized ?? Number.NaN, 1);
        // The perfect detector: one detection on each window's first row.
        const firstRows = w.map((x) => timestamps.findIndex((t) => t >= x.start));
        expect(scoreNab({ timestamps, windows: w, detections: firstRows }).normalized).toBeCloseTo(100, 6);
        for (const [detector, s] of Object.entries(scores)) {
          // normalized = 100 × (raw − null) ÷ (perfect − null), to the published rounding
          expect(Math.abs((100 * (s.raw + w.length)) / (2 * w.length) - s.normalized)).toBeLessThanOrEqual(
            0.051,
          );
          // raw is feasible for its counts: hits earn (0, 1], misses −1, false positives [−0.11, 0.11·σ]
          const upper = s.windows_hit - (w.length - s.windows_hit);
          const lower = -(w.length - s.windows_hit) - 0.11 * s.false_positive_rows;
          expect(s.raw, `${file} ${detector}`).toBeLessThanOrEqual(upper + 0.0005);
          expect(s.raw, `${file} ${detector}`).toBeGreaterThanOrEqual(lower - 0.0005);
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThan(100);
    },
  );
});
