import { describe, expect, it } from 'vitest';
import { DemandDetector } from './demand-detector.js';
import type { DetectorVerdict, HistoryPoint } from './detector.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const MONDAY = Date.parse('2018-03-05T03:00:00Z'); // Monday 00:00 in São Paulo
/** Deterministic wobble in [-2, 2]. */
const wobble = (i: number): number => ((i * 7) % 5) - 2;

function history(perMinute: number): HistoryPoint[] {
  return Array.from({ length: 4 * 168 }, (_, h) => ({
    at: new Date(MONDAY - (4 * 168 - h) * HOUR),
    value: perMinute * 60 + wobble(h) * Math.sqrt(perMinute * 60),
  }));
}

function feed(detector: DemandDetector, values: readonly number[], from = MONDAY): DetectorVerdict[] {
  return values.map((value, i) => detector.update(from + i * MIN, value));
}

const steady = (minutes: number, perMinute: number) =>
  Array.from({ length: minutes }, (_, i) => perMinute + wobble(i) * Math.sqrt(perMinute) * 0.5);

describe('DemandDetector', () => {
  it('does not alert on a clear but small change (+8 % for hours at 500 a minute)', () => {
    const detector = new DemandDetector();
    detector.warmStart(history(500));
    const verdicts = feed(detector, [...steady(120, 500), ...steady(240, 540)]);
    expect(verdicts.filter((v) => v.breach !== null)).toEqual([]);
    // the z-score alone would have passed 5 σ: the minimum effect is what holds it back
    expect(Math.max(...verdicts.map((v) => v.score))).toBeGreaterThan(5);
  });

  it('alerts on a halving at 50 a minute within minutes, and on a doubling', () => {
    const drop = new DemandDetector();
    drop.warmStart(history(50));
    const down = feed(drop, [...steady(60, 50), ...steady(30, 25)]);
    const first = down.findIndex((v) => v.breach === 'drop');
    expect(first).toBeGreaterThanOrEqual(60);
    expect(first).toBeLessThan(70);
    const spike = new DemandDetector();
    spike.warmStart(history(50));
    expect(feed(spike, [...steady(60, 50), ...steady(30, 100)]).some((v) => v.breach === 'spike')).toBe(true);
  });

  it('keeps its band at least as wide as the counts’ own noise, even after a perfectly flat stretch', () => {
    const detector = new DemandDetector();
    detector.warmStart(history(400));
    const verdicts = feed(
      detector,
      Array.from({ length: 600 }, () => 400),
    );
    const last = verdicts[verdicts.length - 1] as DetectorVerdict;
    const expected = last.expected as number;
    // per minute of a window of w minutes: Poisson noise √(m·w)/w; the band is ≥ 5 of those and ≥ 30 %
    expect((last.bandHigh as number) - expected).toBeGreaterThanOrEqual(0.3 * expected - 1e-9);
    expect(expected - (last.bandLow as number)).toBeGreaterThanOrEqual(expected - expected / 1.3 - 1e-9);
  });

  it('resolves after a burst ends (hysteresis that releases), and adopts a lasting new level', () => {
    const burst = new DemandDetector();
    burst.warmStart(history(50));
    const verdicts = feed(burst, [...steady(60, 50), ...steady(20, 150), ...steady(120, 50)]);
    const breached = verdicts.findIndex((v) => v.breach === 'spike');
    expect(breached).toBeGreaterThanOrEqual(60);
    const recovered = verdicts.findIndex((v, i) => i > 80 && v.recovered);
    expect(recovered).toBeGreaterThan(80);
    expect(recovered).toBeLessThan(80 + 60);

    const shift = new DemandDetector({ relearnMinutes: 60 });
    shift.warmStart(history(50));
    const shifted = feed(shift, [...steady(60, 50), ...steady(300, 100)]);
    expect(shifted.some((v) => v.breach === 'spike')).toBe(true);
    expect(shifted.slice(-30).every((v) => v.breach === null && v.recovered)).toBe(true);
  });

  it('sees an outage at 2 orders a minute within a quarter of an hour, and nothing on a quiet day', () => {
    const detector = new DemandDetector();
    detector.warmStart(history(2));
    // A day of ordinary low counts (Poisson-like pattern around 2), then 20 minutes of nothing.
    const quiet = Array.from({ length: 1440 }, (_, i) => [2, 1, 3, 2, 0, 4, 2, 1, 2, 3][i % 10] as number);
    const day = feed(detector, quiet);
    expect(day.filter((v) => v.breach !== null)).toEqual([]);
    const outage = feed(detector, new Array<number>(20).fill(0), MONDAY + 1440 * MIN);
    const first = outage.findIndex((v) => v.breach === 'drop');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(15);
  });

  it('confirms an outage as soon as its run of empty minutes is unlikely, not at the next window length', () => {
    const detector = new DemandDetector();
    detector.warmStart(history(2));
    const quiet = Array.from({ length: 1440 }, (_, i) => [2, 1, 3, 2, 0, 4, 2, 1, 2, 3][i % 10] as number);
    feed(detector, quiet);
    const outage = feed(detector, new Array<number>(20).fill(0), MONDAY + 1440 * MIN);
    const minutes = outage.findIndex((v) => v.breach === 'drop') + 1;
    // 2 a minute: six or seven empty minutes are as unlikely as the limit allows (2·Σμ ≈ 5 σ²);
    // the windows alone (4, 8, 16 minutes) would wait for the eighth
    expect(minutes).toBeGreaterThanOrEqual(5);
    expect(minutes).toBeLessThan(8);
  });

  /** A detector warm-started at 2 orders a minute, checked to raise nothing over an ordinary day. */
  function quietDayAtTwoAMinute(): DemandDetector {
    const detector = new DemandDetector();
    detector.warmStart(history(2));
    const quiet = Array.from({ length: 1440 }, (_, i) => [2, 1, 3, 2, 0, 4, 2, 1, 2, 3][i % 10] as number);
    expect(feed(detector, quiet).filter((v) => v.breach !== null)).toEqual([]);
    return detector;
  }

  it('sees a drop to 40 % at 2 orders a minute within 45 minutes, and nothing on a quiet day', () => {
    const detector = quietDayAtTwoAMinute();
    // 0.8 a minute: a clear effect, weak evidence per minute; a limit budgeted at half an extreme a
    // week (the union bound over the windows) waited an hour for it
    const low = Array.from({ length: 90 }, (_, i) => [1, 0, 1, 1, 0, 2, 1, 0, 0, 2][i % 10] as number);
    const first = feed(detector, low, MONDAY + 1440 * MIN).findIndex((v) => v.breach === 'drop');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(45);
  });

  it('confirms a sustained fall to half at 2 orders a minute within the hour (shortfall CUSUM)', () => {
    const detector = quietDayAtTwoAMinute();
    // 1 a minute: no window of 16, 32 or 64 minutes passes its floor (4.6–4.7 σ) within the hour; the
    // CUSUM over the run of any length since the fall does (the windows alone waited 91 minutes)
    const half = Array.from({ length: 120 }, (_, i) => [1, 1, 1, 1, 0, 2, 1, 1, 1, 1][i % 10] as number);
    const verdicts = feed(detector, half, MONDAY + 1440 * MIN);
    const first = verdicts.findIndex((v) => v.breach === 'drop');
    expect(first).toBeGreaterThanOrEqual(16);
    expect(first).toBeLessThan(60);
    // shown on the deviance scale, beyond the band
    const at = verdicts[first] as DetectorVerdict;
    expect(at.score).toBeLessThan(-4);
    expect(at.observed).toBeLessThan(at.bandLow as number);
  });

  it('restores a state saved before the shortfall CUSUM existed', () => {
    const a = new DemandDetector();
    a.warmStart(history(20));
    feed(a, steady(300, 20));
    const old = JSON.parse(JSON.stringify(a.snapshot()));
    delete old.shortfall;
    old.calibration.blocks.pop();
    old.calibration.current.pop();
    const b = new DemandDetector();
    b.restore(old);
    const rest = [...steady(30, 20), ...steady(30, 60)];
    expect(feed(b, rest, MONDAY + 300 * MIN).some((v) => v.breach === 'spike')).toBe(true);
  });

  it('learns that a series bursts every day: the bursts stop alerting, a drop still does', () => {
    // No warm start: a self-starting series at 20 a minute with a 5-minute ×8 burst every day.
    const detector = new DemandDetector();
    const day = (d: number) =>
      Array.from({ length: 1440 }, (_, i) => {
        const burstAt = 300 + ((d * 397) % 900);
        return i >= burstAt && i < burstAt + 5 ? 160 : 20 + wobble(i) * 2;
      });
    const breachesOnDay: number[] = [];
    for (let d = 0; d < 21; d++) {
      const verdicts = feed(detector, day(d), MONDAY + d * 1440 * MIN);
      breachesOnDay.push(
        verdicts.filter((v, i) => v.breach === 'spike' && verdicts[i - 1]?.breach !== 'spike').length,
      );
    }
    // the third week: at most one burst alert in seven days
    expect(breachesOnDay.slice(14).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
    const drop = feed(detector, new Array<number>(30).fill(0), MONDAY + 21 * 1440 * MIN);
    expect(drop.some((v) => v.breach === 'drop')).toBe(true);
  });

  it('does not alert again on a burst’s aftermath once its alert resolved', () => {
    const detector = new DemandDetector();
    detector.warmStart(history(50));
    const verdicts = feed(detector, [...steady(60, 50), ...steady(20, 150), ...steady(300, 50)]);
    const onsets = verdicts.filter((v, i) => v.breach !== null && verdicts[i - 1]?.breach === null);
    expect(onsets).toHaveLength(1);
  });

  it('continues identically after snapshot → JSON → restore', () => {
    const a = new DemandDetector();
    a.warmStart(history(20));
    feed(a, steady(300, 20));
    const b = new DemandDetector();
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    const rest = [...steady(30, 20), ...steady(30, 60)];
    expect(feed(b, rest, MONDAY + 300 * MIN)).toEqual(feed(a, rest, MONDAY + 300 * MIN));
  });
});
