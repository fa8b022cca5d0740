import { z } from 'zod';
import { resolveOptions } from '../options/resolve-options.js';
import type { Detector, DetectorVerdict } from './detector.js';
import { clamp, warmRate, zScore } from './internal/math.js';
import { parseState } from './internal/parse-state.js';

/** Options of {@link EwmaDetector}; every field is optional. */
export const ewmaDetectorOptionsSchema = z
  .object({
    kind: z.literal('ewma'),
    /**
     * Trigger: fire when a minute is this many σ from the exponentially weighted mean.
     * @defaultValue 5 (σ)
     */
    threshold: z.number().positive().default(5),
    /**
     * Recovery threshold (hysteresis): resolved once a minute is back within this many σ.
     * @defaultValue 2 (σ)
     */
    recover: z.number().nonnegative().default(2),
    /**
     * Weight of the newest minute in the mean and the variance (0–1).
     * @defaultValue 0.05 (per minute; about 20 minutes of memory)
     */
    alpha: z.number().gt(0).lte(1).default(0.05),
    /**
     * Residuals are winsorised to ±`clip` σ before the mean and variance learn them.
     * @defaultValue 3 (σ)
     */
    clip: z.number().positive().default(3),
    /**
     * Minutes observed before the detector may breach.
     * @defaultValue 30 (minutes)
     */
    warmupMinutes: z.int().nonnegative().default(30),
  })
  .strict();

/** What callers pass to {@link EwmaDetector}. */
export type EwmaDetectorOptions = Omit<z.input<typeof ewmaDetectorOptionsSchema>, 'kind'>;
/** {@link EwmaDetectorOptions} with every default filled in. */
export type ResolvedEwmaDetectorOptions = z.output<typeof ewmaDetectorOptionsSchema>;

const ewmaStateSchema = z
  .object({
    kind: z.literal('ewma'),
    mean: z.number(),
    variance: z.number().nonnegative(),
    minutes: z.number().nonnegative(),
  })
  .strict();

/** The JSON state of an {@link EwmaDetector}. */
export interface EwmaDetectorState {
  readonly kind: 'ewma';
  /** The exponentially weighted mean. */
  readonly mean: number;
  /** The exponentially weighted variance. */
  readonly variance: number;
  /** Minutes seen (capped). */
  readonly minutes: number;
}

const MINUTES_CAP = 1e9;

/**
 * EWMA z-score: an exponentially weighted mean and variance, and a z-score per minute against them.
 *
 * **When to use it:** a simple, fast, scale-free detector for series without a strong daily rhythm
 * or without history (it adapts within `1/alpha` minutes), for sharp spikes and drops. It follows
 * slow changes, so a gradual decline never alerts, and a daily ramp looks like a trend it lags.
 *
 * State: three numbers.
 *
 * @example
 * ```ts
 * const detector = new EwmaDetector({ alpha: 0.05, threshold: 5 });
 * const verdict = detector.update(minuteStart.getTime(), revenueThisMinute);
 * ```
 */
export class EwmaDetector implements Detector<EwmaDetectorState> {
  /** Always `ewma`. */
  readonly kind = 'ewma' as const;
  /** The resolved options. */
  readonly options: ResolvedEwmaDetectorOptions;
  #mean = 0;
  #variance = 0;
  #minutes = 0;

  /**
   * @param options - thresholds and smoothing; see {@link ewmaDetectorOptionsSchema}
   * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when an option is out of range
   */
  constructor(options: EwmaDetectorOptions = {}) {
    this.options = resolveOptions('EwmaDetector', ewmaDetectorOptionsSchema, { ...options, kind: 'ewma' });
  }

  /** {@inheritDoc Detector.update} */
  update(_minuteStartMs: number, value: number): DetectorVerdict {
    const o = this.options;
    if (this.#minutes === 0) {
      this.#mean = value;
      this.#minutes = 1;
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
    const expected = this.#mean;
    const sigma = Math.sqrt(this.#variance);
    const residual = value - expected;
    const z = zScore(residual, sigma);
    const ready = this.#minutes >= o.warmupMinutes;
    const breach = !ready ? null : z > o.threshold ? 'spike' : z < -o.threshold ? 'drop' : null;
    const learned = sigma > 0 ? clamp(residual, -o.clip * sigma, o.clip * sigma) : residual;
    const rate = warmRate(o.alpha, this.#minutes);
    this.#mean += rate * learned;
    this.#variance = (1 - rate) * (this.#variance + rate * learned * learned);
    this.#minutes = this.#minutes < MINUTES_CAP ? this.#minutes + 1 : this.#minutes;
    return {
      observed: value,
      expected,
      bandLow: expected - o.threshold * sigma,
      bandHigh: expected + o.threshold * sigma,
      score: z,
      breach,
      recovered: !ready || Math.abs(z) <= o.recover,
    };
  }

  /** {@inheritDoc Detector.snapshot} */
  snapshot(): EwmaDetectorState {
    return { kind: 'ewma', mean: this.#mean, variance: this.#variance, minutes: this.#minutes };
  }

  /** {@inheritDoc Detector.restore} */
  restore(state: EwmaDetectorState): void {
    const parsed = parseState('EwmaDetector', ewmaStateSchema, state);
    this.#mean = parsed.mean;
    this.#variance = parsed.variance;
    this.#minutes = parsed.minutes;
  }
}
