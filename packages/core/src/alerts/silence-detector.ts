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

/** Options of {@link SilenceDetector}; every field is optional. */
export const silenceDetectorOptionsSchema = z
  .object({
    kind: z.literal('silence'),
    /**
     * Fewest consecutive empty minutes that can fire.
     * @defaultValue 3 (minutes)
     */
    minutes: z.int().positive().default(3),
    /**
     * Also require that the silence "should" have held this many orders by the seasonal rate profile,
     * so a quiet night at 0.2 orders a minute does not page anyone (P(no order) = e^-minExpected).
     * @defaultValue 12 (orders; e^-12 ≈ 6 × 10⁻⁶)
     */
    minExpected: z.number().nonnegative().default(12),
    /**
     * Learning rate of the hour-of-week rate profile, per minute observed in a slot.
     * @defaultValue 0.02 (per minute; about one week of memory per slot)
     */
    profileLearningRate: z.number().gt(0).lte(1).default(0.02),
    /**
     * Learning rate of the profile's level factor.
     * @defaultValue 0.005 (per minute; about 3 hours of memory)
     */
    levelLearningRate: z.number().gte(0).lte(1).default(0.005),
  })
  .strict();

/** What callers pass to {@link SilenceDetector}. */
export type SilenceDetectorOptions = Omit<z.input<typeof silenceDetectorOptionsSchema>, 'kind'>;
/** {@link SilenceDetectorOptions} with every default filled in. */
export type ResolvedSilenceDetectorOptions = z.output<typeof silenceDetectorOptionsSchema>;

const silenceStateSchema = z
  .object({
    kind: z.literal('silence'),
    profile: seasonalProfileStateSchema,
    emptyMinutes: z.number().nonnegative(),
    expectedInSilence: z.number().nonnegative(),
  })
  .strict();

/** The JSON state of a {@link SilenceDetector}. */
export interface SilenceDetectorState {
  readonly kind: 'silence';
  /** The hour-of-week rate profile. */
  readonly profile: SeasonalBaselineState;
  /** Consecutive empty minutes so far. */
  readonly emptyMinutes: number;
  /** Orders the profile expected during them. */
  readonly expectedInSilence: number;
}

/**
 * "No orders for N minutes": fires when the last `minutes` minutes or more were all empty **and**
 * the expected rate (an hour-of-week profile, as in {@link SeasonalDetector}) says they should
 * together have held at least `minExpected` orders. An outage of the shop, the payment provider or
 * the pipeline looks exactly like this — which is why the engine emits empty minutes as zeros and
 * why consumers call `advance()` when no events arrive at all.
 *
 * **When to use it:** on the order count of the whole shop, always; it is the cheapest and the most
 * certain alert. Warm-start it so that it knows quiet nights from busy afternoons. Per state or
 * category only where volume is high.
 *
 * State: the 2 × 168-slot profile and two numbers.
 *
 * @example
 * ```ts
 * const detector = new SilenceDetector({ minutes: 3, minExpected: 12 });
 * detector.warmStart(hourlyOrders);
 * ```
 */
export class SilenceDetector implements Detector<SilenceDetectorState>, WarmStartable {
  /** Always `silence`. */
  readonly kind = 'silence' as const;
  /** The resolved options. */
  readonly options: ResolvedSilenceDetectorOptions;
  readonly #profile: SeasonalProfile;
  #emptyMinutes = 0;
  #expectedInSilence = 0;

  /**
   * @param options - run length and expected volume; see {@link silenceDetectorOptionsSchema}
   * @param context - the business time zone of the hour-of-week slots
   * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when an option is out of range
   */
  constructor(options: SilenceDetectorOptions = {}, context: DetectorContext = {}) {
    this.options = resolveOptions('SilenceDetector', silenceDetectorOptionsSchema, {
      ...options,
      kind: 'silence',
    });
    this.#profile = new SeasonalProfile(
      this.options.profileLearningRate,
      this.options.levelLearningRate,
      context.businessTimeZone,
    );
  }

  /**
   * Seeds the rate profile from hourly history (order counts per hour).
   *
   * @param points - hourly totals, ideally 2–8 weeks
   */
  warmStart(points: readonly HistoryPoint[]): void {
    this.#profile.warmStart(points);
  }

  /** {@inheritDoc Detector.update} */
  update(minuteStartMs: number, value: number): DetectorVerdict {
    const o = this.options;
    const expected = this.#profile.expected(minuteStartMs);
    if (value > 0) {
      this.#emptyMinutes = 0;
      this.#expectedInSilence = 0;
      this.#profile.learn(minuteStartMs, value);
      return {
        observed: value,
        expected,
        bandLow: null,
        bandHigh: null,
        score: 0,
        breach: null,
        recovered: true,
      };
    }
    this.#emptyMinutes += 1;
    this.#expectedInSilence += expected ?? 0;
    const breach =
      this.#emptyMinutes >= o.minutes &&
      this.#expectedInSilence >= o.minExpected &&
      this.#expectedInSilence > 0
        ? 'drop'
        : null;
    // Quiet minutes teach the profile; the minutes of an incident do not (nor its level, much).
    if (breach === null) this.#profile.learn(minuteStartMs, 0);
    return {
      observed: 0,
      expected,
      bandLow: null,
      bandHigh: null,
      score: this.#emptyMinutes,
      breach,
      recovered: false,
    };
  }

  /** {@inheritDoc Detector.snapshot} */
  snapshot(): SilenceDetectorState {
    return {
      kind: 'silence',
      profile: this.#profile.snapshot(),
      emptyMinutes: this.#emptyMinutes,
      expectedInSilence: this.#expectedInSilence,
    };
  }

  /** {@inheritDoc Detector.restore} */
  restore(state: SilenceDetectorState): void {
    const parsed = parseState('SilenceDetector', silenceStateSchema, state);
    this.#profile.restore(parsed.profile);
    this.#emptyMinutes = parsed.emptyMinutes;
    this.#expectedInSilence = parsed.expectedInSilence;
  }
}
