/** The two ways a series can leave its normal band. */
export type AlertDirection = 'spike' | 'drop';

/** The detector kinds orderstream ships; see {@link createDetector}. */
export const DETECTOR_KINDS = [
  'threshold',
  'ewma',
  'mad',
  'seasonal',
  'poisson-cusum',
  'silence',
  'demand',
] as const;

/** What the engine tells every detector it builds. */
export interface DetectorContext {
  /**
   * The IANA time zone of the hour-of-week slots.
   * @defaultValue `'America/Sao_Paulo'`
   */
  readonly businessTimeZone?: string;
}

/** One of {@link DETECTOR_KINDS}. */
export type DetectorKind = (typeof DETECTOR_KINDS)[number];

/**
 * What a detector concludes from one closed minute of a series. Detectors only judge; the
 * pending → firing → resolved lifecycle (`for`, cooldown) is {@link AlertLifecycle}'s job.
 */
export interface DetectorVerdict {
  /** The value the detector judged (for CUSUM-style detectors, the mean per minute of the current run). */
  readonly observed: number;
  /** What the detector expected instead, or `null` while it is still learning. */
  readonly expected: number | null;
  /** The lower edge of the normal band, or `null` when the detector has none. */
  readonly bandLow: number | null;
  /** The upper edge of the normal band, or `null` when the detector has none. */
  readonly bandHigh: number | null;
  /** How far from normal, in the detector's own unit (a z-score, a CUSUM statistic, empty minutes). */
  readonly score: number;
  /** `spike` or `drop` when the trigger threshold is crossed this minute, else `null`. */
  readonly breach: AlertDirection | null;
  /** Whether the value is back inside the recovery threshold (looser than the trigger: hysteresis). */
  readonly recovered: boolean;
}

/**
 * A streaming detector of one series: it receives one value per closed minute, in event-time order,
 * with empty minutes as `0`, and keeps a constant amount of state.
 *
 * @typeParam S - the JSON-serialisable state returned by {@link Detector.snapshot}
 */
export interface Detector<S = unknown> {
  /** Which kind of detector this is. */
  readonly kind: DetectorKind;
  /**
   * Judges one closed minute, then learns from it.
   *
   * @param minuteStartMs - the start of the minute, in epoch milliseconds
   * @param value - the series' value for that minute (`0` for an empty minute)
   * @returns the verdict for that minute
   */
  update(minuteStartMs: number, value: number): DetectorVerdict;
  /**
   * The detector's whole state, as plain JSON-serialisable data of constant size.
   *
   * @returns a copy of the state
   */
  snapshot(): S;
  /**
   * Replaces the state with one taken by {@link Detector.snapshot}.
   *
   * @param state - a state of the same kind
   * @throws {@link OrderstreamError} `CORE_DETECTOR_STATE_INVALID` when `state` does not fit
   */
  restore(state: S): void;
  /**
   * Optional: the stream was interrupted — minutes of unknown data (the pipeline was down) that the
   * detector will not see. Runs and windows spanning the gap restart.
   */
  interrupt?(): void;
}

/**
 * A detector that can be warm-started from hourly history (for example hourly order counts read
 * from the warehouse), so it is useful from its first minute.
 */
export interface WarmStartable {
  /**
   * Seeds the baseline from hourly history.
   *
   * @param points - one point per hour: its start and the series' **total over that hour**
   *   (e.g. orders per hour, revenue in cents per hour), ideally several weeks
   */
  warmStart(points: readonly HistoryPoint[]): void;
}

/** One hour of history for {@link WarmStartable.warmStart}. */
export interface HistoryPoint {
  /** The start of the hour. */
  readonly at: Date;
  /** The series' total over that hour. */
  readonly value: number;
}

/**
 * Tells whether a detector can be warm-started from history.
 *
 * @param detector - any detector
 * @returns `true` for detectors with a `warmStart` method (`seasonal`, `poisson-cusum`, `silence`)
 * @example
 * ```ts
 * const detector = createDetector(rule.detector);
 * if (isWarmStartable(detector)) detector.warmStart(hourlyOrders);
 * ```
 */
export function isWarmStartable(detector: Detector): detector is Detector & WarmStartable {
  return typeof (detector as Partial<WarmStartable>).warmStart === 'function';
}

/**
 * The state of the hour-of-week baseline shared by the `seasonal`, `poisson-cusum` and `silence`
 * detectors: 168 slots (Monday 00:00 UTC first) and a level factor.
 */
export interface SeasonalBaselineState {
  /** Per-minute baseline of each hour-of-week slot, before the level factor. */
  readonly values: readonly number[];
  /** Minutes learned per slot (history counts 60 per hour). */
  readonly seen: readonly number[];
  /** The multiplicative level correction that follows level shifts. */
  readonly level: number;
  /** A recent per-minute mean, used for slots never seen yet; `null` before the first minute. */
  readonly recent: number | null;
  /** Minutes behind `recent`. */
  readonly recentSamples: number;
}
