import { z } from 'zod';
import { resolveOptions } from '../options/resolve-options.js';
import { DEFAULT_BUSINESS_TIME_ZONE } from '../time/business-time-zone.js';
import { hourOfWeekSlot } from '../time/hour-of-week.js';
import {
  type DemandDetectorOptions,
  demandDetectorOptionsSchema,
  type ResolvedDemandDetectorOptions,
} from './demand-detector-options.js';
import { type DemandDetectorState, demandStateSchema } from './demand-detector-state.js';
import type { Detector, DetectorContext, DetectorVerdict, HistoryPoint, WarmStartable } from './detector.js';
import { DemandBaseline } from './internal/demand-baseline.js';
import { DemandCalibration, type Direction } from './internal/demand-calibration.js';
import { normalTwoSidedQuantile } from './internal/extremes.js';
import { ALPHA_FLOOR, HALF_NORMAL_MEDIAN, hourlyAlpha } from './internal/hourly-alpha.js';
import { countAtDeviance, signedDeviance } from './internal/nb-deviance.js';
import { parseState } from './internal/parse-state.js';
import {
  SHORTFALL_MIN_MINUTES,
  SHORTFALL_PRIOR,
  ShortfallCusum,
  shortfallFloor,
} from './internal/shortfall-cusum.js';
import { shortfallView, type ViewContext, type WindowView, zeroRunView } from './internal/window-view.js';

export {
  type DemandDetectorOptions,
  demandDetectorOptionsSchema,
  type ResolvedDemandDetectorOptions,
} from './demand-detector-options.js';
export type { DemandDetectorState } from './demand-detector-state.js';

const MINUTES_CAP = 1e9;
const WEEK_MINUTES = 10_080;
const PHI_RATE = 1 / 1440;
/** Memory of α, in minutes (two days of blocks). */
const ALPHA_MEMORY_MINUTES = 2880;
/** First step of α's median tracking (multiplicative, shrinking as 1/√blocks to its memory rate). */
const ALPHA_STEP = 0.3;
const ALPHA_START = 0.01;
/** Blocks a warm start's α counts for: its first online steps are small. */
const ALPHA_SEEDED_BLOCKS = 24;
/**
 * Alerts a week that pure counting noise may raise on a perfect model: the floor of every window's
 * deviance (about 5.3 σ for one minute, 4.2 σ for four hours), whatever the calibration says.
 */
const NOISE_ALARMS_PER_WEEK = 0.01;
/** After a long breach, the level follows the data until the windows of an hour or more are this close. */
const SETTLED_SIGMA = 1;
const SETTLE_WINDOW_MINUTES = 60;
const RESOLVE_MINUTES = 8;
/** After a lasting shift, the level follows the data with this half-life, for at least the minutes after. */
const ADAPT_HALF_LIFE_MINUTES = 60;
const ADAPT_MIN_MINUTES = 60;

/**
 * Demand detector for real, overdispersed counts (orders, items) and sums (revenue): a baseline
 * `level × hour-of-week factor` in the business time zone, judged over a scan of windows (1 minute
 * to 4 hours) by the signed deviance of a negative binomial whose extra variance is learned per
 * window, with limits calibrated on the series' own extremes, a minimum effect size, and hysteresis.
 *
 * - **Baseline** — an exponentially weighted level of the deseasonalised rate (half-life
 *   `levelHalfLifeMinutes`) times one factor per local hour of the week (DST-correct, each hour's
 *   move clipped to ×2 / ÷2 so a holiday cannot rewrite the week). It does not learn from breaching
 *   minutes; after `relearnMinutes` of breach it follows the data until it fits again.
 * - **Noise** — φ from minute-to-minute differences (≥ 1: never below Poisson noise) and, per
 *   window, α of the negative binomial `φ·m + α·m²` tracked as a median (half of the blocks beyond
 *   ±0.674 σ), so that bursts do not inflate it.
 * - **Evidence** — per window, the signed deviance (near-normal at any count, 0 orders where 18 were
 *   expected is −6 σ), standardised by the window's own 3-hour block maxima (see the calibration:
 *   bursty series raise their own bar) and floored at the Poisson noise a perfect model would show.
 *   The current run of empty minutes counts as one more window of its exact length, so an outage
 *   at low volume alerts once its run is unlikely rather than at the next window length. A sustained
 *   shortfall of any length (16 minutes on) is judged by a CUSUM for a fall to ÷ (1 + 2 × minEffect),
 *   scaled by the dispersion of a window as long as its run and limited by its own block maxima.
 * - **Alert** — the best standardised window beyond a limit set by `falseAlarmsPerWeek` (a budget of
 *   statistical extremes, most of which lack the effect) **and** beyond the minimum effect;
 *   **resolved** when every window is back within `recover` σ or half the minimum effect. Short
 *   windows catch outages and surges within a minute at high volume; long ones accumulate evidence
 *   at low volume and for sustained shifts.
 *
 * State: 168 slots, the longest window's minutes, a few scalars per window, and 3 weeks of block
 * maxima per window and direction (about 3,000 numbers).
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
  readonly #calibration: DemandCalibration;
  readonly #longest: number;
  readonly #floors: readonly number[];
  readonly #slotOf: (ms: number) => number;
  #values: number[] = [];
  #expected: number[] = [];
  #alpha: number[];
  #alphaBlocks: number[];
  #phi = 1;
  #phiSamples = 0;
  #previous: number | null = null;
  #minutes = 0;
  #breachMinutes = 0;
  /** Minutes the level has been re-learning after a lasting shift (0: not re-learning). */
  #adapting = 0;
  /** The window that raised the current episode (resolution waits for it), or −1. */
  #episode = -1;
  /** Minutes since the episode began. */
  #episodeMinutes = 0;
  /** The shortest window resolution waits for: 8 minutes, so that one quiet minute ends nothing. */
  readonly #resolveFrom: number;
  /** A sustained shortfall of any length: a CUSUM for a fall to ÷ (1 + 2 × minEffect). */
  readonly #shortfall: ShortfallCusum;
  /** The calibration slot of the shortfall CUSUM (after the windows). */
  readonly #shortfallSlot: number;

  /**
   * @param options - limits, windows and memories; see {@link demandDetectorOptionsSchema}
   * @param context - the business time zone of the hour-of-week slots
   * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when an option is out of range
   */
  constructor(options: DemandDetectorOptions = {}, context: DetectorContext = {}) {
    this.options = resolveOptions('DemandDetector', demandDetectorOptionsSchema, {
      ...options,
      kind: 'demand',
    });
    const o = this.options;
    const timeZone = context.businessTimeZone ?? DEFAULT_BUSINESS_TIME_ZONE;
    this.#slotOf = (ms) => hourOfWeekSlot(ms, timeZone);
    this.#baseline = new DemandBaseline(this.#slotOf, Math.LN2 / o.levelHalfLifeMinutes, 1 / o.profileWeeks);
    // The shortfall CUSUM's calibration slot comes after the windows'. It does not count as one
    // more test of the limit's union bound: it is the sequential form of the long drop windows.
    this.#shortfallSlot = o.windows.length;
    const { calibrationDays: days, falseAlarmsPerWeek: rate, maxAlertsPerWeek: max } = o;
    this.#calibration = new DemandCalibration(o.windows, days, rate, max, [SHORTFALL_PRIOR]);
    this.#shortfall = new ShortfallCusum(1 / (1 + 2 * o.minEffect));
    this.#longest = o.windows[o.windows.length - 1] as number;
    this.#alpha = o.windows.map(() => ALPHA_START);
    this.#alphaBlocks = o.windows.map(() => 0);
    // Independent tests a week: one per window length per direction per window.
    const eight = o.windows.findIndex((w) => w >= RESOLVE_MINUTES);
    this.#resolveFrom = eight < 0 ? o.windows.length - 1 : eight;
    const floors = o.windows.map((w) =>
      normalTwoSidedQuantile(NOISE_ALARMS_PER_WEEK / (o.windows.length * (WEEK_MINUTES / w))),
    );
    this.#floors = [...floors, shortfallFloor(o.falseAlarmsPerWeek)];
  }

  /**
   * Seeds the hour-of-week factors and the level from hourly history, and the limits with the
   * model's own law for the days it covers (a reference period); the detector may breach from the
   * next minute on.
   *
   * @param points - hourly totals, ideally 2–8 weeks
   */
  warmStart(points: readonly HistoryPoint[]): void {
    if (!this.#baseline.warmStart(points)) return;
    this.#minutes = Math.max(this.#minutes, this.options.warmupMinutes);
    this.#calibration.seed(Math.floor(points.length / 24));
    const alpha = hourlyAlpha(points, this.#slotOf);
    if (alpha !== null) {
      this.#alpha = this.#alpha.map(() => alpha);
      this.#alphaBlocks = this.#alphaBlocks.map(() => ALPHA_SEEDED_BLOCKS);
    }
  }

  /** The stream was interrupted (minutes of unknown data): windows restart after it. */
  interrupt(): void {
    this.#values = [];
    this.#expected = [];
    this.#previous = null;
    this.#breachMinutes = 0;
    this.#shortfall.reset();
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
    if (this.#adapting > 0) this.#shortfall.reset();
    else this.#shortfall.add(value, expected);
    const views = this.#views();
    const calibration = this.#calibration;
    let chosen: WindowView | null = null;
    const best: [WindowView | null, WindowView | null] = [null, null];
    let recovered = true;
    for (const view of views) {
      const dir: Direction = view.deviance >= 0 ? 0 : 1;
      const top = best[dir];
      if (view.eligible && (top === null || view.score > top.score)) best[dir] = view;
      if (chosen === null || view.score > chosen.score) chosen = view;
    }
    const ready = this.#minutes > o.warmupMinutes && this.#adapting === 0;
    // Each direction against its own limit; if both pass, the larger excess wins.
    const excess = (dir: Direction) => {
      const view = best[dir];
      return view === null ? Number.NEGATIVE_INFINITY : view.score - calibration.bar(dir);
    };
    let breach: DetectorVerdict['breach'] = null;
    if (ready && Math.max(excess(0), excess(1)) > 0) breach = excess(0) >= excess(1) ? 'spike' : 'drop';
    const trigger = breach === 'spike' ? best[0] : breach === 'drop' ? best[1] : null;
    if (trigger !== null && this.#episode < 0) {
      this.#episode = Math.max(trigger.shortfall?.window ?? trigger.index, this.#resolveFrom);
      this.#episodeMinutes = 0;
    }
    if (this.#episode >= 0) this.#episodeMinutes += 1;
    // Resolved once the windows up to the one that raised the episode (at least 8 minutes) are
    // back: a burst's aftermath in the four-hour window does not keep its alert firing.
    for (const view of views) {
      if ((this.#episode >= 0 && view.index > this.#episode) || view.shortfall) continue;
      if (Math.abs(view.deviance) > o.recover && view.effect > o.minEffect / 2) recovered = false;
    }
    if (!ready) recovered = true;
    if (recovered) this.#closeEpisode();
    // Calibration: bursts count even when they alert; drops only when they do not; nothing while
    // the level re-learns after a lasting shift (a known transition, not an ordinary day).
    for (const view of this.#adapting > 0 ? [] : views) {
      if (view.zeroRun) continue;
      const dir: Direction = view.deviance >= 0 ? 0 : 1;
      if (dir === 1 && breach === 'drop') continue;
      calibration.record(view.index, dir, Math.abs(view.deviance));
    }
    const [up, down] = best;
    if (up !== null && this.#adapting === 0) calibration.recordCombined(up.index, 0, up.deviance, up.score);
    if (down !== null && this.#adapting === 0 && breach !== 'drop')
      calibration.recordCombined(down.index, 1, -down.deviance, down.score);
    calibration.tick(this.#minutes);
    this.#breachMinutes = breach === null ? 0 : this.#breachMinutes + 1;
    if (this.#breachMinutes >= o.relearnMinutes) {
      this.#startAdapting();
    } else if (this.#adapting > 0) {
      this.#adapting += 1;
      const settled = views.every(
        (v) => v.minutes < SETTLE_WINDOW_MINUTES || Math.abs(v.deviance) < SETTLED_SIGMA,
      );
      if (settled && this.#adapting > ADAPT_MIN_MINUTES) this.#adapting = 0;
    }
    this.#baseline.learn(
      minuteStartMs,
      value,
      breach === null && this.#adapting === 0,
      this.#adapting > 0 ? Math.LN2 / ADAPT_HALF_LIFE_MINUTES : 0,
    );
    if (this.#breachMinutes === 0) this.#learnPhi(value, expected);
    else this.#previous = value;
    if (breach === null && this.#adapting === 0) this.#learnAlpha(views);
    const shown = trigger ?? (chosen as WindowView);
    // A shortfall's log-likelihood ratio shown on the deviance scale (the signed root of twice it).
    const score = shown.shortfall ? -Math.sqrt(2 * -shown.deviance) : shown.deviance;
    return { ...this.#band(shown), score: finite(score), breach, recovered };
  }

  /** Ends the current episode: a resolved incident is not evidence for the next one. */
  #closeEpisode(): void {
    if (this.#episode < 0) return;
    const n = this.#values.length;
    for (let k = Math.max(0, n - this.#episodeMinutes); k < n; k++)
      this.#values[k] = this.#expected[k] as number;
    this.#episode = -1;
    this.#episodeMinutes = 0;
    this.#shortfall.reset();
  }

  /**
   * A breach lasted `relearnMinutes`: it is the new normal. The level takes the last hour's ratio,
   * then follows the data (half-life one hour) until the long windows fit again; the alert
   * resolves and nothing new alerts meanwhile (at least an hour).
   */
  #startAdapting(): void {
    const n = this.#values.length;
    let observed = 0;
    let expected = 0;
    for (let k = Math.max(0, n - ADAPT_HALF_LIFE_MINUTES); k < n; k++) {
      observed += this.#values[k] as number;
      expected += this.#expected[k] as number;
    }
    if (expected > 0 && observed > 0) this.#baseline.rescale(observed / expected);
    this.#breachMinutes = 0;
    this.#adapting = 1;
  }

  /** What the extra views are judged with. */
  #judge(): ViewContext {
    const { windows, minEffect } = this.options;
    return {
      windows,
      minEffect,
      phi: this.#phi,
      alpha: this.#alpha,
      floors: this.#floors,
      calibration: this.#calibration,
    };
  }

  /** Every window's evidence, newest minutes first. */
  #views(): WindowView[] {
    const o = this.options;
    const n = this.#values.length;
    const views: WindowView[] = [];
    let observed = 0;
    let expected = 0;
    let i = 0;
    for (let k = n - 1; k >= 0 && i < o.windows.length; k--) {
      observed += this.#values[k] as number;
      expected += this.#expected[k] as number;
      while (i < o.windows.length && (o.windows[i] as number) === n - k) {
        const deviance = signedDeviance(observed, expected, this.#phi, this.#alpha[i] as number);
        const ratio = observed / Math.max(expected, 1e-9);
        const effect = Math.max(ratio - 1, 1 / Math.max(ratio, 1e-9) - 1);
        const dir: Direction = deviance >= 0 ? 0 : 1;
        const score = this.#calibration.score(i, dir, Math.abs(deviance));
        // A window alerts only while its newest part still deviates the same way: a burst that
        // ended does not keep the four-hour window breaching (the change must persist until now).
        const newer = views[views.length - 1];
        const ongoing =
          newer === undefined ||
          (Math.sign(newer.deviance) === Math.sign(deviance) &&
            Math.abs(newer.deviance) > o.recover &&
            newer.effect > o.minEffect / 2);
        views.push({
          index: i,
          minutes: o.windows[i] as number,
          observed,
          expected,
          deviance,
          effect,
          score,
          eligible: ongoing && Math.abs(deviance) > (this.#floors[i] as number) && effect > o.minEffect,
        });
        i += 1;
      }
    }
    const judge = this.#judge();
    const run = zeroRunView(judge, this.#values, this.#expected);
    if (run !== null) views.push(run);
    const shortfall = shortfallView(judge, this.#shortfall, this.#shortfallSlot, SHORTFALL_MIN_MINUTES);
    if (shortfall !== null) views.push(shortfall);
    return views;
  }

  /**
   * The verdict's numbers per minute of the window shown: observed, expected, and the band a window
   * of that length must leave to alert (the calibrated deviance and the minimum effect, whichever
   * is wider).
   */
  #band(view: WindowView): Pick<DetectorVerdict, 'observed' | 'expected' | 'bandLow' | 'bandHigh'> {
    const o = this.options;
    const w = view.minutes;
    // A shortfall run shows the band of the longest window it covers, at the run's length.
    const i = view.shortfall?.window ?? view.index;
    const alpha = this.#alpha[i] as number;
    const floor = this.#floors[i] as number;
    const up = Math.max(floor, this.#calibration.devianceAt(i, 0, this.#calibration.bar(0)));
    const down = Math.max(floor, this.#calibration.devianceAt(i, 1, this.#calibration.bar(1)));
    const high = Math.max(
      countAtDeviance(up, view.expected, this.#phi, alpha),
      view.expected * (1 + o.minEffect),
    );
    const low = Math.min(
      countAtDeviance(-down, view.expected, this.#phi, alpha),
      view.expected / (1 + o.minEffect),
    );
    return {
      observed: view.observed / w,
      expected: view.expected / w,
      bandLow: low / w,
      bandHigh: high / w,
    };
  }

  #push(value: number, expected: number): void {
    this.#values.push(value);
    this.#expected.push(expected);
    if (this.#values.length > this.#longest) {
      this.#values.shift();
      this.#expected.shift();
    }
  }

  /**
   * α per window, once per block of the window's length, moved so that half of the blocks fall
   * beyond ±0.674 σ (a median: bursts move it no more than ordinary blocks).
   */
  #learnAlpha(views: readonly WindowView[]): void {
    for (const view of views) {
      const w = view.minutes;
      if (view.zeroRun || view.shortfall || this.#minutes % w !== 0 || view.expected <= 0) continue;
      const i = view.index;
      const alpha = this.#alpha[i] as number;
      const sigma = Math.sqrt(this.#phi * view.expected + alpha * view.expected * view.expected);
      const beyond = Math.abs(view.observed - view.expected) > HALF_NORMAL_MEDIAN * sigma ? 1 : -1;
      const blocks = this.#alphaBlocks[i] as number;
      const step = Math.max(
        ALPHA_STEP / Math.sqrt(blocks + 1),
        Math.min(ALPHA_STEP, (2 * w) / ALPHA_MEMORY_MINUTES),
      );
      this.#alpha[i] = Math.max(ALPHA_FLOOR, alpha * Math.exp(step * beyond));
      this.#alphaBlocks[i] = Math.min(blocks + 1, MINUTES_CAP);
    }
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
      adapting: this.#adapting,
      episode: this.#episode,
      episodeMinutes: this.#episodeMinutes,
      calibration: this.#calibration.snapshot(),
      shortfall: this.#shortfall.snapshot(),
    };
  }

  /** {@inheritDoc Detector.restore} */
  restore(state: DemandDetectorState): void {
    const parsed = parseState('DemandDetector', demandStateSchema, state);
    const windows = this.options.windows.length;
    if (
      parsed.alpha.length !== windows ||
      parsed.alphaBlocks.length !== windows ||
      parsed.values.length !== parsed.expected.length ||
      parsed.episode >= windows ||
      !this.#calibration.restore(parsed.calibration)
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
    this.#adapting = parsed.adapting;
    this.#episode = parsed.episode;
    this.#episodeMinutes = parsed.episodeMinutes;
    if (parsed.shortfall === undefined) this.#shortfall.reset();
    else this.#shortfall.restore(parsed.shortfall);
  }
}

function finite(value: number): number {
  return Number.isFinite(value) ? value : 0;
}
