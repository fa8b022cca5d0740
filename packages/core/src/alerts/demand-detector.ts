import { z } from 'zod';
import { resolveOptions } from '../options/resolve-options.js';
import { DEFAULT_BUSINESS_TIME_ZONE } from '../time/business-time-zone.js';
import { hourOfWeekSlot } from '../time/hour-of-week.js';
import type { Detector, DetectorContext, DetectorVerdict, HistoryPoint, WarmStartable } from './detector.js';
import { DemandBaseline, demandBaselineStateSchema } from './internal/demand-baseline.js';
import { parseState } from './internal/parse-state.js';

/** Options of {@link DemandDetector}; every field is optional. */
export const demandDetectorOptionsSchema = z
  .object({
    kind: z.literal('demand'),
    /**
     * Trigger: a window's sum is this many σ from the baseline, where σ² = φ·(expected + 2) +
     * α·expected² (φ: the per-minute dispersion, α: the window's learned extra variance).
     * @defaultValue 5 (σ)
     */
    threshold: z.number().positive().default(5),
    /**
     * The smallest relative change that alerts: a window must also be above `(1 + minEffect) ×`
     * or below `÷ (1 + minEffect)` the baseline. A statistically clear +8 % is not an incident.
     * @defaultValue 0.3 (30 %)
     */
    minEffect: z.number().positive().max(10).default(0.3),
    /**
     * Recovery (hysteresis): resolved once every window is back within this many σ, or within half
     * the minimum effect.
     * @defaultValue 2 (σ)
     */
    recover: z.number().nonnegative().default(2),
    /**
     * The window lengths judged, in minutes: short ones see sharp changes at high volume, long ones
     * accumulate evidence at low volume.
     * @defaultValue [5, 15, 60, 240] (minutes)
     */
    windows: z.array(z.int().min(1).max(1440)).min(1).max(6).default([5, 15, 60, 240]),
    /**
     * Half-life of the level (the deseasonalised rate); it follows trends and slow shifts.
     * @defaultValue 2880 (minutes, two days)
     */
    levelHalfLifeMinutes: z.number().positive().default(2880),
    /**
     * Memory of each hour-of-week slot, in weeks (each slot learns once a week).
     * @defaultValue 4 (weeks)
     */
    profileWeeks: z.number().min(1).default(4),
    /**
     * Minutes of one uninterrupted breach after which the level adopts the new normal (the alert
     * then resolves): a lasting level shift is reported once, not forever.
     * @defaultValue 180 (minutes)
     */
    relearnMinutes: z.int().positive().default(180),
    /**
     * Minutes observed before the detector may breach, unless warm-started.
     * @defaultValue 120 (minutes)
     */
    warmupMinutes: z.int().nonnegative().default(120),
  })
  .strict();

/** What callers pass to {@link DemandDetector}. */
export type DemandDetectorOptions = Omit<z.input<typeof demandDetectorOptionsSchema>, 'kind'>;
/** {@link DemandDetectorOptions} with every default filled in. */
export type ResolvedDemandDetectorOptions = z.output<typeof demandDetectorOptionsSchema>;

const demandStateSchema = z
  .object({
    kind: z.literal('demand'),
    baseline: demandBaselineStateSchema,
    /** The last minutes' values and expectations, newest last (at most the longest window). */
    values: z.array(z.number()),
    expected: z.array(z.number()),
    /** Extra variance α per window (same order as the options' windows). */
    alpha: z.array(z.number().nonnegative()),
    alphaBlocks: z.array(z.number().nonnegative()),
    /** Per-minute dispersion φ (variance ÷ mean of minute counts), at least 1. */
    phi: z.number().positive(),
    phiSamples: z.number().nonnegative(),
    previous: z.number().nullable(),
    minutes: z.number().nonnegative(),
    breachMinutes: z.number().nonnegative(),
    /** Largest z above / below the baseline of each of the last 21 days, oldest first. */
    dayUp: z.array(z.number()).max(21),
    dayDown: z.array(z.number()).max(21),
    todayUp: z.number(),
    todayDown: z.number(),
  })
  .strict();

/** The JSON state of a {@link DemandDetector}; treat the baseline as opaque. */
export interface DemandDetectorState {
  readonly kind: 'demand';
  /** Level, hour-of-week factors and the hour being learned. */
  readonly baseline: object;
  /** The last minutes' values and expectations, newest last (at most the longest window). */
  readonly values: readonly number[];
  readonly expected: readonly number[];
  /** Extra variance α per window and the blocks behind it. */
  readonly alpha: readonly number[];
  readonly alphaBlocks: readonly number[];
  /** Per-minute dispersion φ (≥ 1) and its samples. */
  readonly phi: number;
  readonly phiSamples: number;
  /** The previous minute's value, or `null`. */
  readonly previous: number | null;
  /** Minutes seen and minutes of the current breach. */
  readonly minutes: number;
  readonly breachMinutes: number;
  /** Largest z above / below the baseline of each of the last 21 days, and of today. */
  readonly dayUp: readonly number[];
  readonly dayDown: readonly number[];
  readonly todayUp: number;
  readonly todayDown: number;
}

const MINUTES_CAP = 1e9;
const PHI_RATE = 1 / 1440;
const ALPHA_MEMORY_MINUTES = 2880;
/** α samples are winsorised at this many σ: bursts widen the band, one burst cannot blow it up. */
const ALPHA_CLIP = 5;
/** Days of daily maxima behind the calibrated limit. */
const CALIBRATION_DAYS = 21;
/** The limit is the 2nd largest daily maximum of the last 21 days: about 2 ÷ 22 exceedances a day. */
const CALIBRATION_RANK = 2;
const DAY_MINUTES = 1440;

interface WindowView {
  observed: number;
  expected: number;
  sigma: number;
  z: number;
  breach: 'spike' | 'drop' | null;
}

/**
 * Demand detector for real, overdispersed counts (orders, items) and sums (revenue): a baseline
 * `level × hour-of-week factor` in the business time zone, judged over a few sliding windows with a
 * negative-binomial-like variance `φ·m + α·m²` learned online, a minimum effect size, and hysteresis.
 *
 * - **Level** — an exponentially weighted mean of the deseasonalised rate (half-life
 *   `levelHalfLifeMinutes`); it does not learn from breaching minutes, and adopts a lasting new level
 *   after `relearnMinutes`.
 * - **Hour-of-week factors** — one per local hour of the week (DST-correct), learned from whole
 *   hours without breach, each hour's move clipped to ×2 / ÷2 so a holiday cannot rewrite the week;
 *   a slot never seen borrows the mean of the same local hour on other days.
 * - **Noise** — φ from minute-to-minute differences (≥ 1: never below Poisson noise), α per window
 *   from non-overlapping blocks, winsorised at 3 σ: the weather, campaigns and trends that make real
 *   demand wobble more than Poisson.
 * - **Calibrated limit** — the z a window must pass is `threshold` or, if larger, the 2nd largest daily
 *   maximum of the last 21 days (per direction): a series whose ordinary days reach 8 σ (real demand
 *   has heavy tails) alerts on what is rare *for it*, about once in 11 days when nothing is wrong.
 * - **Alert** — a window beyond the limit **and** beyond the minimum effect; **resolved** when every
 *   window is back within `recover` σ or half the minimum effect.
 *
 * State: 168 slots, the longest window's minutes and a few scalars per window.
 *
 * @example
 * ```ts
 * const detector = new DemandDetector({ minEffect: 0.5 });
 * const verdict = detector.update(minuteStart.getTime(), ordersThisMinute);
 * if (verdict.breach) console.log(verdict.breach, verdict.observed, verdict.expected);
 * ```
 */
export class DemandDetector implements Detector<DemandDetectorState>, WarmStartable {
  /** Always `demand`. */
  readonly kind = 'demand' as const;
  /** The resolved options. */
  readonly options: ResolvedDemandDetectorOptions;
  readonly #baseline: DemandBaseline;
  readonly #longest: number;
  #values: number[] = [];
  #expected: number[] = [];
  #alpha: number[];
  #alphaBlocks: number[];
  #phi = 1;
  #phiSamples = 0;
  #previous: number | null = null;
  #minutes = 0;
  #breachMinutes = 0;
  #dayUp: number[] = [];
  #dayDown: number[] = [];
  #todayUp = 0;
  #todayDown = 0;
  #limitUp = 0;
  #limitDown = 0;

  /**
   * @param options - thresholds, windows and memories; see {@link demandDetectorOptionsSchema}
   * @param context - the business time zone of the hour-of-week slots
   * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when an option is out of range
   */
  constructor(options: DemandDetectorOptions = {}, context: DetectorContext = {}) {
    this.options = resolveOptions('DemandDetector', demandDetectorOptionsSchema, {
      ...options,
      kind: 'demand',
    });
    const timeZone = context.businessTimeZone ?? DEFAULT_BUSINESS_TIME_ZONE;
    this.#baseline = new DemandBaseline(
      (ms) => hourOfWeekSlot(ms, timeZone),
      Math.LN2 / this.options.levelHalfLifeMinutes,
      1 / this.options.profileWeeks,
    );
    this.#longest = Math.max(...this.options.windows);
    this.#alpha = this.options.windows.map(() => 0);
    this.#alphaBlocks = this.options.windows.map(() => 0);
  }

  /**
   * Seeds the hour-of-week factors and the level from hourly history; the detector may breach from
   * the next minute on.
   *
   * @param points - hourly totals, ideally 2–8 weeks
   */
  warmStart(points: readonly HistoryPoint[]): void {
    if (this.#baseline.warmStart(points)) this.#minutes = Math.max(this.#minutes, this.options.warmupMinutes);
  }

  /** The stream was interrupted (minutes of unknown data): windows restart after it. */
  interrupt(): void {
    this.#values = [];
    this.#expected = [];
    this.#previous = null;
    this.#breachMinutes = 0;
  }

  /** {@inheritDoc Detector.update} */
  update(minuteStartMs: number, value: number): DetectorVerdict {
    const o = this.options;
    this.#minutes = this.#minutes < MINUTES_CAP ? this.#minutes + 1 : this.#minutes;
    const expected = this.#baseline.expected(minuteStartMs);
    if (expected === null) {
      this.#baseline.learn(minuteStartMs, value, true);
      this.#learnPhi(value, value);
      return {
        observed: value,
        expected: null,
        bandLow: null,
        bandHigh: null,
        score: 0,
        breach: null,
        recovered: true,
      };
    }
    this.#push(value, expected);
    const ready = this.#minutes > o.warmupMinutes;
    let chosen: WindowView | null = null;
    let breach: DetectorVerdict['breach'] = null;
    let recovered = true;
    const views = o.windows.map((w, i) => this.#view(w, i));
    for (const view of views) {
      if (view === null) continue;
      if (view.breach !== null && breach === null) breach = view.breach;
      const effect = Math.abs(view.observed / Math.max(view.expected, 1e-9) - 1);
      if (Math.abs(view.z) > o.recover && effect > o.minEffect / 2) recovered = false;
      if (
        chosen === null ||
        (view.breach !== null && chosen.breach === null) ||
        ((view.breach !== null) === (chosen.breach !== null) && Math.abs(view.z) > Math.abs(chosen.z))
      )
        chosen = view;
    }
    if (!ready) {
      breach = null;
      recovered = true;
    }
    this.#calibrate(views, breach === 'drop');
    this.#breachMinutes = breach === null ? 0 : this.#breachMinutes + 1;
    this.#learn(minuteStartMs, value, expected, views, breach === null);
    if (this.#breachMinutes >= o.relearnMinutes) this.#adoptNewLevel();
    if (chosen === null) {
      const band = o.threshold * Math.sqrt(this.#phi * (expected + 2));
      return {
        observed: value,
        expected,
        bandLow: Math.max(0, Math.min(expected - band, expected / (1 + o.minEffect))),
        bandHigh: Math.max(expected + band, expected * (1 + o.minEffect)),
        score: 0,
        breach,
        recovered,
      };
    }
    const w = chosen.observed === 0 && chosen.expected === 0 ? 1 : this.#windowOf(chosen, views);
    const halfBand = o.threshold * chosen.sigma;
    return {
      observed: chosen.observed / w,
      expected: chosen.expected / w,
      bandLow: Math.max(0, Math.min(chosen.expected - halfBand, chosen.expected / (1 + o.minEffect))) / w,
      bandHigh: Math.max(chosen.expected + halfBand, chosen.expected * (1 + o.minEffect)) / w,
      score: finiteScore(chosen.z),
      breach,
      recovered,
    };
  }

  /**
   * Keeps each day's largest z per direction. Spikes count even when they alerted (bursts of demand
   * are frequent, heavy-tailed and mostly benign: a series that bursts daily should not page daily);
   * drops count only when they did not (a drop is rare and costly: one incident must not raise the
   * bar for the next).
   */
  #calibrate(views: readonly (WindowView | null)[], dropping: boolean): void {
    for (const view of views) {
      if (view === null) continue;
      if (view.z > this.#todayUp) this.#todayUp = view.z;
      if (!dropping && -view.z > this.#todayDown) this.#todayDown = -view.z;
    }
    if (this.#minutes % DAY_MINUTES !== 0) return;
    this.#dayUp.push(this.#todayUp);
    this.#dayDown.push(this.#todayDown);
    if (this.#dayUp.length > CALIBRATION_DAYS) {
      this.#dayUp.shift();
      this.#dayDown.shift();
    }
    this.#todayUp = 0;
    this.#todayDown = 0;
    this.#limitUp = rankFromTop(this.#dayUp);
    this.#limitDown = rankFromTop(this.#dayDown);
  }

  #windowOf(view: WindowView, views: readonly (WindowView | null)[]): number {
    return this.options.windows[views.indexOf(view)] ?? 1;
  }

  #push(value: number, expected: number): void {
    this.#values.push(value);
    this.#expected.push(expected);
    if (this.#values.length > this.#longest) {
      this.#values.shift();
      this.#expected.shift();
    }
  }

  #view(w: number, i: number): WindowView | null {
    const n = this.#values.length;
    // A window not filled yet (after a warm start or a gap) judges the minutes it has; only the
    // shortest one does, so one minute is not tested four times.
    if (n === 0 || (n < w && i > 0)) return null;
    let observed = 0;
    let expected = 0;
    for (let k = Math.max(0, n - w); k < n; k++) {
      observed += this.#values[k] as number;
      expected += this.#expected[k] as number;
    }
    const o = this.options;
    const alpha = this.#alpha[i] as number;
    const sigma = Math.sqrt(this.#phi * (expected + 2) + alpha * expected * expected);
    const z = (observed - expected) / sigma;
    let breach: WindowView['breach'] = null;
    if (z > Math.max(o.threshold, this.#limitUp) && observed > expected * (1 + o.minEffect)) breach = 'spike';
    else if (z < -Math.max(o.threshold, this.#limitDown) && observed * (1 + o.minEffect) < expected)
      breach = 'drop';
    return { observed, expected, sigma, z, breach };
  }

  #learn(
    ms: number,
    value: number,
    expected: number,
    views: readonly (WindowView | null)[],
    clean: boolean,
  ): void {
    this.#baseline.learn(ms, value, clean);
    if (this.#breachMinutes === 0) this.#learnPhi(value, expected);
    else this.#previous = value;
    // α from non-overlapping blocks of each window, winsorised; never from breaching minutes.
    this.options.windows.forEach((w, i) => {
      const view = views[i];
      if (view === null || view === undefined || this.#minutes % w !== 0 || view.expected <= 0) return;
      const limit = ALPHA_CLIP * view.sigma;
      const residual = Math.min(Math.abs(view.observed - view.expected), limit);
      const sample = Math.max(
        0,
        (residual * residual - this.#phi * view.expected) / (view.expected * view.expected),
      );
      const blocks = this.#alphaBlocks[i] as number;
      const rate = Math.max(1 / (blocks + 1), w / ALPHA_MEMORY_MINUTES);
      this.#alpha[i] = (this.#alpha[i] as number) + rate * (sample - (this.#alpha[i] as number));
      this.#alphaBlocks[i] = Math.min(blocks + 1, MINUTES_CAP);
    });
  }

  #learnPhi(value: number, expected: number): void {
    const previous = this.#previous;
    this.#previous = value;
    if (previous === null || expected <= 0) return;
    const d = value - previous;
    // Differences of neighbouring minutes cancel the slow wobble: E[d²] = 2·φ·mean.
    const sample = Math.min((d * d) / (2 * expected), 100 * this.#phi);
    const rate = Math.max(1 / (this.#phiSamples + 1), PHI_RATE);
    this.#phi = Math.max(1, this.#phi + rate * (sample - this.#phi));
    this.#phiSamples = Math.min(this.#phiSamples + 1, MINUTES_CAP);
  }

  #adoptNewLevel(): void {
    // The level of the breach itself: its minutes, not the ones before it.
    let observed = 0;
    let expected = 0;
    const n = this.#values.length;
    for (let k = Math.max(0, n - this.#breachMinutes); k < n; k++) {
      observed += this.#values[k] as number;
      expected += this.#expected[k] as number;
    }
    const factor = expected > 0 ? observed / expected : 1;
    this.#baseline.rescale(factor);
    this.#expected = this.#expected.map((e) => e * factor);
    this.#breachMinutes = 0;
  }

  /** {@inheritDoc Detector.snapshot} */
  snapshot(): DemandDetectorState {
    return {
      kind: 'demand',
      baseline: this.#baseline.snapshot(),
      values: [...this.#values],
      expected: [...this.#expected],
      alpha: [...this.#alpha],
      alphaBlocks: [...this.#alphaBlocks],
      phi: this.#phi,
      phiSamples: this.#phiSamples,
      previous: this.#previous,
      minutes: this.#minutes,
      breachMinutes: this.#breachMinutes,
      dayUp: [...this.#dayUp],
      dayDown: [...this.#dayDown],
      todayUp: this.#todayUp,
      todayDown: this.#todayDown,
    };
  }

  /** {@inheritDoc Detector.restore} */
  restore(state: DemandDetectorState): void {
    const parsed = parseState('DemandDetector', demandStateSchema, state);
    if (
      parsed.alpha.length !== this.options.windows.length ||
      parsed.values.length !== parsed.expected.length
    ) {
      parseState('DemandDetector', z.never(), state);
    }
    this.#baseline.restore(parsed.baseline);
    this.#values = [...parsed.values].slice(-this.#longest);
    this.#expected = [...parsed.expected].slice(-this.#longest);
    this.#alpha = [...parsed.alpha];
    this.#alphaBlocks = [...parsed.alphaBlocks];
    this.#phi = parsed.phi;
    this.#phiSamples = parsed.phiSamples;
    this.#previous = parsed.previous;
    this.#minutes = parsed.minutes;
    this.#breachMinutes = parsed.breachMinutes;
    this.#dayUp = [...parsed.dayUp];
    this.#dayDown = [...parsed.dayDown];
    this.#todayUp = parsed.todayUp;
    this.#todayDown = parsed.todayDown;
    this.#limitUp = rankFromTop(this.#dayUp);
    this.#limitDown = rankFromTop(this.#dayDown);
  }
}

/** The calibrated limit: the 2nd largest daily maximum (the largest while there is one day). */
function rankFromTop(days: readonly number[]): number {
  const sorted = [...days].sort((a, b) => b - a);
  return sorted[Math.min(CALIBRATION_RANK, sorted.length) - 1] ?? 0;
}

function finiteScore(value: number): number {
  return Number.isFinite(value) ? value : 0;
}
