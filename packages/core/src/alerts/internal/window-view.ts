import type { DemandCalibration } from './demand-calibration.js';
import { signedDeviance } from './nb-deviance.js';
import type { ShortfallCusum } from './shortfall-cusum.js';

/** The evidence of one window (or run) of the demand detector. */
export interface WindowView {
  /** The calibration slot: the window's index, or the shortfall CUSUM's slot after the windows. */
  index: number;
  minutes: number;
  observed: number;
  expected: number;
  /** Signed deviance; for the shortfall, minus its log-likelihood ratio (the unit of its limits). */
  deviance: number;
  effect: number;
  score: number;
  eligible: boolean;
  /** The run of empty minutes (judged, not learned from). */
  zeroRun?: boolean;
  /** The shortfall CUSUM's run, and the longest window it covers (whose α and resolution it uses). */
  shortfall?: { window: number };
}

/** What the extra views are judged with: the detector's windows, noise, floors and limits. */
export interface ViewContext {
  readonly windows: readonly number[];
  readonly phi: number;
  readonly alpha: readonly number[];
  readonly floors: readonly number[];
  readonly calibration: DemandCalibration;
  readonly minEffect: number;
}

/** The index of the longest window no longer than `minutes` (0 if none is). */
function coveringWindow(windows: readonly number[], minutes: number): number {
  let i = 0;
  while (i + 1 < windows.length && (windows[i + 1] as number) <= minutes) i += 1;
  return i;
}

/**
 * The current run of empty minutes as one more window of its exact length, judged with the limits
 * and α of the longest window it covers: an outage at low volume alerts as soon as its run is
 * unlikely, not at the next doubling of the window length. `null` without a run, or when the run
 * is exactly one of the windows.
 */
export function zeroRunView(
  c: ViewContext,
  values: readonly number[],
  expectations: readonly number[],
): WindowView | null {
  const n = values.length;
  let k = 0;
  let expected = 0;
  while (k < n && (values[n - 1 - k] as number) === 0) {
    expected += expectations[n - 1 - k] as number;
    k += 1;
  }
  if (k === 0 || expected <= 0) return null;
  const i = coveringWindow(c.windows, k);
  if ((c.windows[i] as number) >= k) return null;
  const deviance = signedDeviance(0, expected, c.phi, c.alpha[i] as number);
  return {
    index: i,
    minutes: k,
    observed: 0,
    expected,
    deviance,
    effect: Number.POSITIVE_INFINITY,
    score: c.calibration.score(i, 1, -deviance),
    eligible: -deviance > (c.floors[i] as number),
    zeroRun: true,
  };
}

/**
 * The shortfall CUSUM's run as one more view: its log-likelihood ratio divided by the dispersion
 * `φ + α·m` of a window as long as the run (quasi-likelihood: an overdispersed series needs more
 * evidence), standardised by its own block maxima (calibration slot `slot`); eligible once the run
 * lasts `minMinutes`, beyond the floor of its slot and the minimum effect.
 */
export function shortfallView(
  c: ViewContext,
  run: ShortfallCusum,
  slot: number,
  minMinutes: number,
): WindowView | null {
  if (run.minutes === 0) return null;
  const i = coveringWindow(c.windows, run.minutes);
  const llr = run.raw / (c.phi + (c.alpha[i] as number) * run.expected);
  const effect = run.expected / Math.max(run.observed, 1e-9) - 1;
  return {
    index: slot,
    minutes: run.minutes,
    observed: run.observed,
    expected: run.expected,
    deviance: -llr,
    effect,
    score: c.calibration.score(slot, 1, llr),
    eligible: run.minutes >= minMinutes && llr > (c.floors[slot] as number) && effect > c.minEffect,
    shortfall: { window: i },
  };
}
