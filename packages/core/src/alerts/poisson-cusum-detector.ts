import { z } from 'zod';
import { resolveOptions } from '../options/resolve-options.js';
import type {
  Detector,
  DetectorContext,
  DetectorVerdict,
  HistoryPoint,
  SeasonalBaselineState,
  WarmStartable,
} from './detector.js';
import { parseState } from './internal/parse-state.js';
import { SeasonalProfile, seasonalProfileStateSchema } from './internal/seasonal-profile.js';

/** Options of {@link PoissonCusumDetector}; every field is optional. */
export const poissonCusumDetectorOptionsSchema = z
  .object({
    kind: z.literal('poisson-cusum'),
    /**
     * The relative change the test is tuned for: it weighs the evidence for `expected × (1 + shift)`
     * (spike) and `expected × (1 − shift)` (drop) against `expected`.
     * @defaultValue 0.5 (50 %)
     */
    shift: z.number().gt(0).lt(1).default(0.5),
    /**
     * Decision threshold `h` on the log-likelihood ratio: higher means fewer false alerts and later
     * detection. The in-control run length grows roughly like `e^(0.8·h)` minutes for drops and
     * `e^(1.15·h)` for spikes at `shift` 0.5, independently of the volume.
     * @defaultValue 12 (nats)
     */
    threshold: z.number().positive().default(12),
    /**
     * Recovery: resolved once the statistic is back below `recover × threshold` (hysteresis).
     * @defaultValue 0.25
     */
    recover: z.number().gte(0).lt(1).default(0.25),
    /**
     * The statistic is capped at `cap × threshold`, so a long incident resolves soon after it ends.
     * @defaultValue 1.5
     */
    cap: z.number().gte(1).default(1.5),
    /**
     * Learning rate of an hour-of-week slot of the baseline, per minute observed in it.
     * @defaultValue 0.02 (per minute; about one week of memory per slot)
     */
    profileLearningRate: z.number().gt(0).lte(1).default(0.02),
    /**
     * Learning rate of the baseline's level factor.
     * @defaultValue 0.005 (per minute; about 3 hours of memory)
     */
    levelLearningRate: z.number().gte(0).lte(1).default(0.005),
    /**
     * Values are winsorised to `expected ± clip × √expected` before the baseline learns them.
     * @defaultValue 3 (Poisson σ)
     */
    clip: z.number().positive().default(3),
    /**
     * Minutes observed before the detector may breach, unless warm-started.
     * @defaultValue 120 (minutes)
     */
    warmupMinutes: z.int().nonnegative().default(120),
  })
  .strict();

/** What callers pass to {@link PoissonCusumDetector}. */
export type PoissonCusumDetectorOptions = Omit<z.input<typeof poissonCusumDetectorOptionsSchema>, 'kind'>;
/** {@link PoissonCusumDetectorOptions} with every default filled in. */
export type ResolvedPoissonCusumDetectorOptions = z.output<typeof poissonCusumDetectorOptionsSchema>;

const runSchema = z
  .object({
    statistic: z.number().nonnegative(),
    observed: z.number(),
    expected: z.number(),
    minutes: z.number().nonnegative(),
  })
  .strict();

const cusumStateSchema = z
  .object({
    kind: z.literal('poisson-cusum'),
    profile: seasonalProfileStateSchema,
    up: runSchema,
    down: runSchema,
    minutes: z.number().nonnegative(),
  })
  .strict();

/** The JSON state of a {@link PoissonCusumDetector}. */
export interface PoissonCusumDetectorState {
  readonly kind: 'poisson-cusum';
  /** The seasonal baseline. */
  readonly profile: SeasonalBaselineState;
  /** The upward CUSUM and the sums of its current run. */
  readonly up: PoissonCusumRunState;
  /** The downward CUSUM and the sums of its current run. */
  readonly down: PoissonCusumRunState;
  /** Minutes seen (capped). */
  readonly minutes: number;
}

/** One side of a {@link PoissonCusumDetector}: its statistic and the run since it last was 0. */
export interface PoissonCusumRunState {
  /** The CUSUM statistic (nats). */
  readonly statistic: number;
  /** Sum of the values observed in the run. */
  readonly observed: number;
  /** Sum of the values expected in the run. */
  readonly expected: number;
  /** Minutes in the run. */
  readonly minutes: number;
}

interface Run {
  statistic: number;
  observed: number;
  expected: number;
  minutes: number;
}

const freshRun = (): Run => ({ statistic: 0, observed: 0, expected: 0, minutes: 0 });
const MINUTES_CAP = 1e9;

/**
 * Count-aware CUSUM: two one-sided Page CUSUMs on the Poisson log-likelihood ratio of each minute's
 * count against a seasonal baseline (the same hour-of-week profile as {@link SeasonalDetector}).
 * It accumulates evidence over minutes, so it sees a doubling of 2 orders a minute within
 * about a quarter of an hour, where a normal-approximation z-score sees only noise.
 *
 * **When to use it:** counts (orders, items), especially at low volume (a few per minute or less),
 * and for sustained shifts at any volume. Not for revenue or other non-count series (it assumes
 * Poisson variance). Alerts report the run's mean per minute as `observed` and `expected`.
 *
 * State: the 2 × 168-slot profile plus two runs of four numbers.
 *
 * @example
 * ```ts
 * const detector = new PoissonCusumDetector({ shift: 0.5, threshold: 12 });
 * detector.warmStart(hourlyOrders);
 * const verdict = detector.update(minuteStart.getTime(), ordersThisMinute);
 * ```
 */
export class PoissonCusumDetector implements Detector<PoissonCusumDetectorState>, WarmStartable {
  /** Always `poisson-cusum`. */
  readonly kind = 'poisson-cusum' as const;
  /** The resolved options. */
  readonly options: ResolvedPoissonCusumDetectorOptions;
  readonly #profile: SeasonalProfile;
  readonly #logUp: number;
  readonly #logDown: number;
  #up: Run = freshRun();
  #down: Run = freshRun();
  #minutes = 0;

  /**
   * @param options - shift, threshold and learning rates; see {@link poissonCusumDetectorOptionsSchema}
   * @param context - the business time zone of the hour-of-week slots
   * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when an option is out of range
   */
  constructor(options: PoissonCusumDetectorOptions = {}, context: DetectorContext = {}) {
    this.options = resolveOptions('PoissonCusumDetector', poissonCusumDetectorOptionsSchema, {
      ...options,
      kind: 'poisson-cusum',
    });
    this.#profile = new SeasonalProfile(
      this.options.profileLearningRate,
      this.options.levelLearningRate,
      context.businessTimeZone,
    );
    this.#logUp = Math.log1p(this.options.shift);
    this.#logDown = Math.log1p(-this.options.shift);
  }

  /**
   * Seeds the baseline from hourly history; the detector may breach from the next minute on.
   *
   * @param points - hourly totals (counts), ideally 2–8 weeks
   */
  warmStart(points: readonly HistoryPoint[]): void {
    this.#profile.warmStart(points);
    this.#minutes = Math.max(this.#minutes, this.options.warmupMinutes);
  }

  /** {@inheritDoc Detector.update} */
  update(minuteStartMs: number, value: number): DetectorVerdict {
    const o = this.options;
    const expected = this.#profile.expected(minuteStartMs);
    this.#minutes = this.#minutes < MINUTES_CAP ? this.#minutes + 1 : this.#minutes;
    if (expected === null) {
      this.#profile.learn(minuteStartMs, value);
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
    const cap = o.cap * o.threshold;
    const shift = o.shift * expected;
    step(this.#up, value * this.#logUp - shift, value, expected, cap);
    step(this.#down, value * this.#logDown + shift, value, expected, cap);
    const ready = this.#minutes > o.warmupMinutes;
    let breach: DetectorVerdict['breach'] = null;
    if (ready) {
      if (this.#up.statistic > o.threshold) breach = 'spike';
      else if (this.#down.statistic > o.threshold) breach = 'drop';
    }
    const limit = o.recover * o.threshold;
    const recovered = !ready || (this.#up.statistic <= limit && this.#down.statistic <= limit);
    const run = this.#up.statistic >= this.#down.statistic ? this.#up : this.#down;
    const root = Math.sqrt(Math.max(expected, 0));
    const learned = Math.min(Math.max(value, expected - o.clip * root), expected + o.clip * root);
    this.#profile.learn(minuteStartMs, learned, recovered);
    const runMinutes = run.minutes > 0 ? run.minutes : 1;
    const runExpected = run.minutes > 0 ? run.expected / runMinutes : expected;
    const runRoot = Math.sqrt(runExpected / runMinutes);
    return {
      observed: run.minutes > 0 ? run.observed / runMinutes : value,
      expected: runExpected,
      bandLow: Math.max(0, runExpected - 3 * runRoot),
      bandHigh: runExpected + 3 * runRoot,
      score: run === this.#up ? this.#up.statistic : -this.#down.statistic,
      breach,
      recovered,
    };
  }

  /** {@inheritDoc Detector.snapshot} */
  snapshot(): PoissonCusumDetectorState {
    return {
      kind: 'poisson-cusum',
      profile: this.#profile.snapshot(),
      up: { ...this.#up },
      down: { ...this.#down },
      minutes: this.#minutes,
    };
  }

  /** {@inheritDoc Detector.restore} */
  restore(state: PoissonCusumDetectorState): void {
    const parsed = parseState('PoissonCusumDetector', cusumStateSchema, state);
    this.#profile.restore(parsed.profile);
    this.#up = { ...parsed.up };
    this.#down = { ...parsed.down };
    this.#minutes = parsed.minutes;
  }
}

/** One Page CUSUM step; the run's sums restart whenever the statistic returns to zero. */
function step(run: Run, increment: number, value: number, expected: number, cap: number): void {
  const next = run.statistic + increment;
  if (next <= 0) {
    run.statistic = 0;
    run.observed = 0;
    run.expected = 0;
    run.minutes = 0;
    return;
  }
  run.statistic = Math.min(next, cap);
  run.observed += value;
  run.expected += expected;
  run.minutes += 1;
}
