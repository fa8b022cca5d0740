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
import { clamp, MEAN_ABS_TO_SIGMA, warmRate, zScore } from './internal/math.js';
import { parseState } from './internal/parse-state.js';
import { SeasonalProfile, seasonalProfileStateSchema } from './internal/seasonal-profile.js';

/** Options of {@link SeasonalDetector}; every field is optional. */
export const seasonalDetectorOptionsSchema = z
  .object({
    kind: z.literal('seasonal'),
    /**
     * Per-minute trigger: fire when one minute is this many robust σ from the seasonal baseline.
     * @defaultValue 6 (σ)
     */
    threshold: z.number().positive().default(6),
    /**
     * Smoothed trigger: fire when the exponentially smoothed z-score, itself standardised, passes
     * this many σ. This catches sustained moderate shifts (a 30 % drop) that no single minute shows.
     * @defaultValue 5 (σ)
     */
    smoothedThreshold: z.number().positive().default(5),
    /**
     * Recovery threshold (hysteresis): resolved once the smoothed z-score is back within this many σ.
     * @defaultValue 2 (σ)
     */
    recover: z.number().nonnegative().default(2),
    /**
     * Weight of the newest minute in the smoothed z-score (0–1).
     * @defaultValue 0.3 (about a 6-minute memory)
     */
    smoothing: z.number().gt(0).lte(1).default(0.3),
    /**
     * Values are winsorised to ±`clip` σ before the baseline learns them, so anomalies barely move it.
     * @defaultValue 3 (σ)
     */
    clip: z.number().positive().default(3),
    /**
     * Learning rate of an hour-of-week slot per minute observed in it.
     * @defaultValue 0.02 (per minute; about one week of memory per slot)
     */
    profileLearningRate: z.number().gt(0).lte(1).default(0.02),
    /**
     * Learning rate of the level factor that follows level shifts between weeks.
     * @defaultValue 0.005 (per minute; about 3 hours of memory)
     */
    levelLearningRate: z.number().gte(0).lte(1).default(0.005),
    /**
     * Learning rate of the robust dispersion estimate.
     * @defaultValue 0.002 (per minute; about 8 hours of memory)
     */
    scaleLearningRate: z.number().gt(0).lte(1).default(0.002),
    /**
     * Minutes observed before the detector may breach, unless warm-started.
     * @defaultValue 120 (minutes)
     */
    warmupMinutes: z.int().nonnegative().default(120),
  })
  .strict();

/** What callers pass to {@link SeasonalDetector}. */
export type SeasonalDetectorOptions = Omit<z.input<typeof seasonalDetectorOptionsSchema>, 'kind'>;
/** {@link SeasonalDetectorOptions} with every default filled in. */
export type ResolvedSeasonalDetectorOptions = z.output<typeof seasonalDetectorOptionsSchema>;

const seasonalStateSchema = z
  .object({
    kind: z.literal('seasonal'),
    profile: seasonalProfileStateSchema,
    /** Mean absolute residual / √expected (≈ √φ / 1.2533), or `null` before the first residual. */
    dispersion: z.number().nonnegative().nullable(),
    smoothed: z.number(),
    minutes: z.number().nonnegative(),
  })
  .strict();

/** The JSON state of a {@link SeasonalDetector}. */
export interface SeasonalDetectorState {
  readonly kind: 'seasonal';
  /** The hour-of-week baseline. */
  readonly profile: SeasonalBaselineState;
  /** Mean absolute residual ÷ √expected (≈ √φ ÷ 1.2533), or `null` before the first residual. */
  readonly dispersion: number | null;
  /** The exponentially smoothed z-score. */
  readonly smoothed: number;
  /** Minutes seen (capped). */
  readonly minutes: number;
}

const MINUTES_CAP = 1e9;

/**
 * Seasonal baseline detector: an hour-of-week profile (168 slots) times a level factor, with a
 * robust, mean-dependent scale `σ = √(φ × expected)` (variance proportional to the mean, as for
 * counts and sums of orders), and two triggers — one minute beyond `threshold` σ, or the smoothed
 * z-score beyond `smoothedThreshold` σ.
 *
 * **When to use it:** the default for busy series with daily and weekly rhythm (orders or revenue at
 * tens of orders a minute). Warm-start it from a few weeks of hourly history and it knows Monday
 * 10:00 from Sunday 04:00 on day one. Scale-free: multiplying the data by `k` changes no decision.
 * At a few orders a minute the normal approximation is poor; prefer `poisson-cusum` there.
 *
 * State: 2 × 168 numbers plus a few scalars, whatever the stream's length.
 *
 * @example
 * ```ts
 * const detector = new SeasonalDetector({ threshold: 6 });
 * detector.warmStart(hourlyOrders); // [{ at: Date, value: ordersInThatHour }, …]
 * const verdict = detector.update(minuteStart.getTime(), ordersThisMinute);
 * if (verdict.breach) console.log(verdict.breach, verdict.observed, verdict.expected);
 * ```
 */
export class SeasonalDetector implements Detector<SeasonalDetectorState>, WarmStartable {
  /** Always `seasonal`. */
  readonly kind = 'seasonal' as const;
  /** The resolved options. */
  readonly options: ResolvedSeasonalDetectorOptions;
  readonly #profile: SeasonalProfile;
  readonly #smoothingNorm: number;
  #dispersion: number | null = null;
  #smoothed = 0;
  #minutes = 0;

  /**
   * @param options - thresholds and learning rates; see {@link seasonalDetectorOptionsSchema}
   * @param context - the business time zone of the hour-of-week slots
   * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when an option is out of range
   */
  constructor(options: SeasonalDetectorOptions = {}, context: DetectorContext = {}) {
    this.options = resolveOptions('SeasonalDetector', seasonalDetectorOptionsSchema, {
      ...options,
      kind: 'seasonal',
    });
    this.#profile = new SeasonalProfile(
      this.options.profileLearningRate,
      this.options.levelLearningRate,
      context.businessTimeZone,
    );
    const a = this.options.smoothing;
    this.#smoothingNorm = Math.sqrt(a / (2 - a));
  }

  /**
   * Seeds the hour-of-week profile and the dispersion from hourly history; the detector may breach
   * from the next minute on.
   *
   * @param points - hourly totals, ideally 2–8 weeks
   */
  warmStart(points: readonly HistoryPoint[]): void {
    const sigmaRatio = this.#profile.warmStart(points);
    if (sigmaRatio !== null) this.#dispersion = sigmaRatio / MEAN_ABS_TO_SIGMA;
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
    const root = Math.sqrt(Math.max(expected, 0));
    const sigma = this.#dispersion === null ? 0 : this.#dispersion * MEAN_ABS_TO_SIGMA * root;
    const residual = value - expected;
    const z = this.#dispersion === null ? 0 : zScore(residual, sigma);
    // Winsorised like the baseline, so one outlier minute cannot push the smoothed score over.
    this.#smoothed += o.smoothing * (clamp(z, -o.clip, o.clip) - this.#smoothed);
    const smoothedZ = this.#smoothed / this.#smoothingNorm;
    // With no spread (expected exactly 0, or a perfectly regular past) there is nothing to judge by.
    const ready = this.#minutes > o.warmupMinutes && sigma > 0;
    let breach: DetectorVerdict['breach'] = null;
    if (ready) {
      if (z > o.threshold || smoothedZ > o.smoothedThreshold) breach = 'spike';
      else if (z < -o.threshold || smoothedZ < -o.smoothedThreshold) breach = 'drop';
    }
    const recovered = !ready || (Math.abs(smoothedZ) <= o.recover && Math.abs(z) <= o.threshold);

    const learned = sigma > 0 ? expected + clamp(residual, -o.clip * sigma, o.clip * sigma) : value;
    if (root > 0) {
      const ratio = Math.abs(learned - expected) / root;
      this.#dispersion =
        this.#dispersion === null
          ? ratio
          : this.#dispersion + warmRate(o.scaleLearningRate, this.#minutes - 1) * (ratio - this.#dispersion);
    }
    this.#profile.learn(minuteStartMs, learned, recovered);
    const band = o.threshold * sigma;
    return {
      observed: value,
      expected,
      bandLow: Math.max(0, expected - band),
      bandHigh: expected + band,
      score: Math.abs(z) >= Math.abs(smoothedZ) ? z : smoothedZ,
      breach,
      recovered,
    };
  }

  /** {@inheritDoc Detector.snapshot} */
  snapshot(): SeasonalDetectorState {
    return {
      kind: 'seasonal',
      profile: this.#profile.snapshot(),
      dispersion: this.#dispersion,
      smoothed: this.#smoothed,
      minutes: this.#minutes,
    };
  }

  /** {@inheritDoc Detector.restore} */
  restore(state: SeasonalDetectorState): void {
    const parsed = parseState('SeasonalDetector', seasonalStateSchema, state);
    this.#profile.restore(parsed.profile);
    this.#dispersion = parsed.dispersion;
    this.#smoothed = parsed.smoothed;
    this.#minutes = parsed.minutes;
  }
}
