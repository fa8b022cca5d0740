import { describe, expect, it } from 'vitest';
import { createDetector } from './create-detector.js';
import type { Detector, DetectorVerdict, HistoryPoint } from './detector.js';
import { isWarmStartable } from './detector.js';
import { EwmaDetector } from './ewma-detector.js';
import { MadDetector } from './mad-detector.js';
import { PoissonCusumDetector } from './poisson-cusum-detector.js';
import { SeasonalDetector } from './seasonal-detector.js';
import { SilenceDetector } from './silence-detector.js';
import { ThresholdDetector } from './threshold-detector.js';

/** These tests describe hours of the day in UTC. */
const UTC = { businessTimeZone: 'UTC' };
const MIN = 60_000;
const HOUR = 60 * MIN;
/** A Monday, 00:00 UTC. */
const MONDAY = Date.parse('2018-03-05T00:00:00Z');

function feed(detector: Detector, values: readonly number[], startMs = MONDAY): DetectorVerdict[] {
  return values.map((value, i) => detector.update(startMs + i * MIN, value));
}

const breaches = (verdicts: DetectorVerdict[]) => verdicts.map((v) => v.breach);

/** Deterministic wobble in [-2, 2], so spreads are never zero. */
const wobble = (i: number): number => ((i * 7) % 5) - 2;

/** Four weeks of hourly history: `perMinute(hourOfDay)` orders a minute, with a little noise. */
function history(perMinute: (hour: number) => number, weeks = 4): HistoryPoint[] {
  const points: HistoryPoint[] = [];
  for (let h = 0; h < weeks * 168; h++) {
    const base = perMinute(h % 24) * 60;
    points.push({
      at: new Date(MONDAY - (weeks * 168 - h) * HOUR),
      value: base + wobble(h) * Math.sqrt(base) * 0.5,
    });
  }
  return points;
}

describe('ThresholdDetector', () => {
  it('breaches above and below its limits and recovers at the recovery limits', () => {
    const detector = new ThresholdDetector({ above: 10, recoverAbove: 8, below: 2 });
    const verdicts = feed(detector, [5, 11, 9, 8, 1]);
    expect(breaches(verdicts)).toEqual([null, 'spike', null, null, 'drop']);
    expect(verdicts.map((v) => v.recovered)).toEqual([true, false, false, true, false]);
  });

  it('needs at least one limit', () => {
    expect(() => new ThresholdDetector({})).toThrow(
      expect.objectContaining({ code: 'CORE_INVALID_OPTIONS' }),
    );
  });
});

describe('EwmaDetector', () => {
  it('flags a jump of many σ after warm-up, and the return to normal as recovered', () => {
    const detector = new EwmaDetector({ warmupMinutes: 30 });
    const normal = Array.from({ length: 40 }, (_, i) => 100 + wobble(i));
    const verdicts = feed(detector, [...normal, 160, 100, 40]);
    expect(
      breaches(verdicts)
        .slice(0, 40)
        .every((b) => b === null),
    ).toBe(true);
    expect(breaches(verdicts).slice(40)).toEqual(['spike', null, 'drop']);
    expect(verdicts[41]?.recovered).toBe(true);
    expect(verdicts[40]?.expected).toBeCloseTo(100, 0);
  });

  it('does not breach during warm-up', () => {
    const verdicts = feed(new EwmaDetector({ warmupMinutes: 30 }), [1, 2, 1, 2, 500]);
    expect(breaches(verdicts)).toEqual([null, null, null, null, null]);
  });
});

describe('MadDetector', () => {
  it('starts from the exact median/MAD and flags a value beyond the threshold', () => {
    const detector = new MadDetector({ warmupMinutes: 20, threshold: 6 });
    const normal = Array.from({ length: 20 }, (_, i) => 100 + wobble(i));
    const verdicts = feed(detector, [...normal, 100, 130, 100, 60]);
    expect(verdicts[20]?.expected).toBe(100);
    expect(breaches(verdicts).slice(20)).toEqual([null, 'spike', null, 'drop']);
  });

  it('moves its median by at most learningRate × MAD per minute, however extreme the value', () => {
    const detector = new MadDetector({ warmupMinutes: 20, learningRate: 0.05 });
    feed(
      detector,
      Array.from({ length: 20 }, (_, i) => 100 + wobble(i)),
    );
    const { median, mad } = detector.snapshot();
    detector.update(MONDAY, 1e9);
    expect(detector.snapshot().median - median).toBeCloseTo(0.05 * mad, 10);
  });
});

describe('SeasonalDetector', () => {
  const quietNightsBusyDays = (hour: number): number => (hour < 12 ? 10 : 50);

  it('knows the time of day from its warm start: 50 a minute is normal at noon and a spike at 03:00', () => {
    const detector = new SeasonalDetector({}, UTC);
    detector.warmStart(history(quietNightsBusyDays));
    const noon = feed(detector, [50, 51, 49], MONDAY + 13 * HOUR);
    expect(breaches(noon)).toEqual([null, null, null]);
    expect(noon[0]?.expected).toBeCloseTo(50, -1);
    const night = feed(detector, [50], MONDAY + 3 * HOUR);
    expect(night[0]?.breach).toBe('spike');
  });

  it('catches a sustained 25 % drop with the smoothed trigger although no single minute crosses 6 σ', () => {
    const detector = new SeasonalDetector({}, UTC);
    detector.warmStart(history(() => 100));
    const start = MONDAY + 14 * HOUR;
    const before = feed(
      detector,
      Array.from({ length: 60 }, (_, i) => 100 + 4 * wobble(i)),
      start,
    );
    expect(breaches(before).every((b) => b === null)).toBe(true);
    const during = feed(
      detector,
      Array.from({ length: 10 }, (_, i) => 75 + 4 * wobble(i)),
      start + 60 * MIN,
    );
    expect(during.every((v) => Math.abs(v.observed - (v.expected ?? 0)) < 6 * 10 * 1.1)).toBe(true);
    expect(breaches(during)).toContain('drop');
    expect(breaches(during).indexOf('drop')).toBeLessThan(6);
  });

  it('learns without history and may only breach after its warm-up', () => {
    const detector = new SeasonalDetector({ warmupMinutes: 30 }, UTC);
    const verdicts = feed(detector, [...Array.from({ length: 29 }, (_, i) => 20 + wobble(i)), 500]);
    expect(breaches(verdicts).every((b) => b === null)).toBe(true);
    expect(detector.update(MONDAY + 31 * MIN, 500).breach).toBe('spike');
  });
});

describe('PoissonCusumDetector', () => {
  it('detects a doubling of 2 orders a minute within 25 minutes (a per-minute z-score cannot)', () => {
    const detector = new PoissonCusumDetector({}, UTC);
    detector.warmStart(history(() => 2));
    const normal = [2, 1, 3, 2, 2, 0, 4, 2, 1, 3, 2, 2, 1, 2, 3, 2, 2, 1, 3, 2];
    expect(breaches(feed(detector, normal, MONDAY + 10 * HOUR)).every((b) => b === null)).toBe(true);
    const doubled = [4, 5, 3, 4, 6, 4, 3, 5, 4, 4, 5, 3, 4, 4, 5, 4, 3, 4, 5, 4, 4, 3, 5, 4, 4];
    const verdicts = feed(detector, doubled, MONDAY + 10 * HOUR + 20 * MIN);
    const first = breaches(verdicts).indexOf('spike');
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(25);
    expect(verdicts[first]?.observed).toBeGreaterThan(3);
    expect(verdicts[first]?.expected).toBeCloseTo(2, 0);
  });

  it('detects a stop of orders as a drop and resolves once orders return', () => {
    const detector = new PoissonCusumDetector({}, UTC);
    detector.warmStart(history(() => 20));
    const verdicts = feed(detector, [20, 19, 21, 0, 0, 0, 20, 21, 19, 20, 22, 20], MONDAY + 10 * HOUR);
    expect(verdicts.slice(3, 6).some((v) => v.breach === 'drop')).toBe(true);
    expect(verdicts.at(-1)?.recovered).toBe(true);
  });
});

describe('SilenceDetector', () => {
  it('fires after `minutes` empty minutes when enough orders were expected', () => {
    const detector = new SilenceDetector({ minutes: 3, minExpected: 12 }, UTC);
    detector.warmStart(history(() => 10));
    const verdicts = feed(detector, [10, 9, 0, 0, 0, 0, 8], MONDAY + 10 * HOUR);
    expect(breaches(verdicts)).toEqual([null, null, null, null, 'drop', 'drop', null]);
    expect(verdicts[6]?.recovered).toBe(true);
  });

  it('stays quiet when the silence is ordinary for the hour (low expected volume)', () => {
    const detector = new SilenceDetector({ minutes: 3, minExpected: 12 }, UTC);
    detector.warmStart(history(() => 0.5));
    const verdicts = feed(detector, [1, ...Array.from({ length: 20 }, () => 0)], MONDAY + 4 * HOUR);
    expect(breaches(verdicts).every((b) => b === null)).toBe(true);
    const longer = feed(
      detector,
      Array.from({ length: 10 }, () => 0),
      MONDAY + 4 * HOUR + 21 * MIN,
    );
    expect(breaches(longer)).toContain('drop');
  });
});

describe('createDetector', () => {
  it('builds each kind with its defaults, and only seasonal baselines are warm-startable', () => {
    const kinds = ['ewma', 'mad', 'seasonal', 'poisson-cusum', 'silence'] as const;
    const detectors = kinds.map((kind) => createDetector({ kind }));
    expect(detectors.map((d) => d.kind)).toEqual([...kinds]);
    expect(detectors.map((d) => isWarmStartable(d))).toEqual([false, false, true, true, true]);
    expect(createDetector({ kind: 'threshold', above: 1 }).kind).toBe('threshold');
  });

  it('rejects out-of-range options with CORE_INVALID_OPTIONS', () => {
    expect(() => createDetector({ kind: 'seasonal', threshold: -1 })).toThrow(
      expect.objectContaining({ code: 'CORE_INVALID_OPTIONS' }),
    );
    expect(() => createDetector({ kind: 'poisson-cusum', shift: 1.5 })).toThrow(
      expect.objectContaining({ code: 'CORE_INVALID_OPTIONS' }),
    );
  });

  it('rejects a state of another kind with CORE_DETECTOR_STATE_INVALID', () => {
    const seasonal = new SeasonalDetector();
    expect(() => seasonal.restore(new EwmaDetector().snapshot() as never)).toThrow(
      expect.objectContaining({ code: 'CORE_DETECTOR_STATE_INVALID' }),
    );
  });
});
