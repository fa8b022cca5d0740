import { z } from 'zod';
import { resolveOptions } from '../options/resolve-options.js';
import type { Detector, DetectorVerdict } from './detector.js';
import { MAD_TO_SIGMA, median, zScore } from './internal/math.js';
import { parseState } from './internal/parse-state.js';

/** Options of {@link MadDetector}; every field is optional. */
export const madDetectorOptionsSchema = z
  .object({
    kind: z.literal('mad'),
    /**
     * Trigger: fire when a minute is this many robust σ (1.4826 × MAD) from the running median.
     * @defaultValue 6 (σ)
     */
    threshold: z.number().positive().default(6),
    /**
     * Recovery threshold (hysteresis), in robust σ.
     * @defaultValue 2.5 (σ)
     */
    recover: z.number().nonnegative().default(2.5),
    /**
     * Step size of the streaming median and MAD, relative to the current MAD.
     * @defaultValue 0.05 (per minute)
     */
    learningRate: z.number().gt(0).lt(1).default(0.05),
    /**
     * Minutes buffered to compute an exact starting median and MAD; then the detector may breach.
     * @defaultValue 30 (minutes, at most 240)
     */
    warmupMinutes: z.int().min(3).max(240).default(30),
  })
  .strict();

/** What callers pass to {@link MadDetector}. */
export type MadDetectorOptions = Omit<z.input<typeof madDetectorOptionsSchema>, 'kind'>;
/** {@link MadDetectorOptions} with every default filled in. */
export type ResolvedMadDetectorOptions = z.output<typeof madDetectorOptionsSchema>;

const madStateSchema = z
  .object({
    kind: z.literal('mad'),
    median: z.number(),
    mad: z.number().nonnegative(),
    warmup: z.array(z.number()).max(240),
    ready: z.boolean(),
  })
  .strict();

/** The JSON state of a {@link MadDetector}. */
export interface MadDetectorState {
  readonly kind: 'mad';
  /** The running median. */
  readonly median: number;
  /** The running median absolute deviation. */
  readonly mad: number;
  /** Values buffered until the warm-up is complete; empty afterwards. */
  readonly warmup: readonly number[];
  /** Whether the warm-up is complete. */
  readonly ready: boolean;
}

/**
 * Robust median / MAD detector in constant memory. It starts from the exact median and MAD of its
 * first `warmupMinutes` minutes, then tracks both with a streaming quantile estimator (stochastic
 * approximation, "frugal" style): the median moves by `learningRate × MAD` towards each value and the
 * MAD grows or shrinks by the factor `1 ± learningRate` depending on whether `|value − median|` is
 * above or below it. Sign-based steps make one outlier move the estimates no more than any other
 * value, which is what "robust" means here.
 *
 * **When to use it:** busy series with heavy-tailed noise or frequent outliers (revenue with big
 * baskets), without a strong daily rhythm. Scale-free. Not for low counts (a MAD of 0 or 1 makes
 * every blip extreme) and not for seasonal series without history (use `seasonal`).
 *
 * State: two numbers, plus the warm-up buffer until it is full.
 *
 * @example
 * ```ts
 * const detector = new MadDetector({ threshold: 6 });
 * const verdict = detector.update(minuteStart.getTime(), revenueThisMinute);
 * ```
 */
export class MadDetector implements Detector<MadDetectorState> {
  /** Always `mad`. */
  readonly kind = 'mad' as const;
  /** The resolved options. */
  readonly options: ResolvedMadDetectorOptions;
  #median = 0;
  #mad = 0;
  #warmup: number[] = [];
  #ready = false;

  /**
   * @param options - thresholds and step size; see {@link madDetectorOptionsSchema}
   * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when an option is out of range
   */
  constructor(options: MadDetectorOptions = {}) {
    this.options = resolveOptions('MadDetector', madDetectorOptionsSchema, { ...options, kind: 'mad' });
  }

  /** {@inheritDoc Detector.update} */
  update(_minuteStartMs: number, value: number): DetectorVerdict {
    const o = this.options;
    if (!this.#ready) {
      this.#warmup.push(value);
      if (this.#warmup.length >= o.warmupMinutes) {
        this.#median = median(this.#warmup);
        this.#mad = median(this.#warmup.map((v) => Math.abs(v - this.#median)));
        this.#warmup = [];
        this.#ready = true;
      }
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
    const expected = this.#median;
    const sigma = MAD_TO_SIGMA * this.#mad;
    const residual = value - expected;
    const z = zScore(residual, sigma);
    const breach = z > o.threshold ? 'spike' : z < -o.threshold ? 'drop' : null;
    // Streaming median and MAD: sign steps, scaled by the MAD (or by the residual while it is 0).
    const eta = o.learningRate;
    const distance = Math.abs(residual);
    const stepSize = this.#mad > 0 ? eta * this.#mad : eta * distance;
    if (residual > 0) this.#median += stepSize;
    else if (residual < 0) this.#median -= stepSize;
    if (this.#mad === 0) this.#mad = eta * distance;
    else if (distance > this.#mad) this.#mad *= 1 + eta;
    else if (distance < this.#mad) this.#mad *= 1 - eta;
    return {
      observed: value,
      expected,
      bandLow: expected - o.threshold * sigma,
      bandHigh: expected + o.threshold * sigma,
      score: z,
      breach,
      recovered: Math.abs(z) <= o.recover,
    };
  }

  /** {@inheritDoc Detector.snapshot} */
  snapshot(): MadDetectorState {
    return {
      kind: 'mad',
      median: this.#median,
      mad: this.#mad,
      warmup: [...this.#warmup],
      ready: this.#ready,
    };
  }

  /** {@inheritDoc Detector.restore} */
  restore(state: MadDetectorState): void {
    const parsed = parseState('MadDetector', madStateSchema, state);
    this.#median = parsed.median;
    this.#mad = parsed.mad;
    this.#warmup = [...parsed.warmup];
    this.#ready = parsed.ready;
  }
}
