import { z } from 'zod';
import { resolveOptions } from '../options/resolve-options.js';
import type { Detector, DetectorVerdict } from './detector.js';
import { parseState } from './internal/parse-state.js';

/** Options of {@link ThresholdDetector}; give `above`, `below` or both. */
export const thresholdDetectorOptionsSchema = z
  .object({
    kind: z.literal('threshold'),
    /**
     * Spike when a minute's value is strictly above this.
     * @defaultValue none (no upper limit)
     */
    above: z.number().optional(),
    /**
     * Drop when a minute's value is strictly below this.
     * @defaultValue none (no lower limit)
     */
    below: z.number().optional(),
    /**
     * Recovered from a spike once the value is at or below this (hysteresis).
     * @defaultValue `above`
     */
    recoverAbove: z.number().optional(),
    /**
     * Recovered from a drop once the value is at or above this (hysteresis).
     * @defaultValue `below`
     */
    recoverBelow: z.number().optional(),
  })
  .strict()
  .refine((o) => o.above !== undefined || o.below !== undefined, 'give `above`, `below` or both');

/** What callers pass to {@link ThresholdDetector}. */
export type ThresholdDetectorOptions = Omit<z.input<typeof thresholdDetectorOptionsSchema>, 'kind'>;
/** {@link ThresholdDetectorOptions} after validation. */
export type ResolvedThresholdDetectorOptions = z.output<typeof thresholdDetectorOptionsSchema>;

const thresholdStateSchema = z.object({ kind: z.literal('threshold') }).strict();

/** The JSON state of a {@link ThresholdDetector} (it has none beyond its kind). */
export interface ThresholdDetectorState {
  readonly kind: 'threshold';
}

/**
 * Static threshold: a minute above `above` is a spike, below `below` a drop.
 *
 * **When to use it:** hard business limits that do not depend on history ("more than 500 orders a
 * minute means a bot", "revenue under R$ 10 a minute at noon is broken"), and as a safety net next to
 * adaptive detectors. It knows no seasonality; a threshold good at noon is wrong at 04:00.
 *
 * State: none.
 *
 * @example
 * ```ts
 * const detector = new ThresholdDetector({ above: 500, recoverAbove: 400 });
 * ```
 */
export class ThresholdDetector implements Detector<ThresholdDetectorState> {
  /** Always `threshold`. */
  readonly kind = 'threshold' as const;
  /** The resolved options. */
  readonly options: ResolvedThresholdDetectorOptions;
  readonly #above: number;
  readonly #below: number;
  readonly #recoverAbove: number;
  readonly #recoverBelow: number;

  /**
   * @param options - the limits; see {@link thresholdDetectorOptionsSchema}
   * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when neither limit is given
   */
  constructor(options: ThresholdDetectorOptions) {
    this.options = resolveOptions('ThresholdDetector', thresholdDetectorOptionsSchema, {
      ...options,
      kind: 'threshold',
    });
    this.#above = this.options.above ?? Number.POSITIVE_INFINITY;
    this.#below = this.options.below ?? Number.NEGATIVE_INFINITY;
    this.#recoverAbove = this.options.recoverAbove ?? this.#above;
    this.#recoverBelow = this.options.recoverBelow ?? this.#below;
  }

  /** {@inheritDoc Detector.update} */
  update(_minuteStartMs: number, value: number): DetectorVerdict {
    const breach = value > this.#above ? 'spike' : value < this.#below ? 'drop' : null;
    const score = value > this.#above ? value - this.#above : value < this.#below ? value - this.#below : 0;
    return {
      observed: value,
      expected: null,
      bandLow: this.options.below ?? null,
      bandHigh: this.options.above ?? null,
      score,
      breach,
      recovered: value <= this.#recoverAbove && value >= this.#recoverBelow,
    };
  }

  /** {@inheritDoc Detector.snapshot} */
  snapshot(): ThresholdDetectorState {
    return { kind: 'threshold' };
  }

  /** {@inheritDoc Detector.restore} */
  restore(state: ThresholdDetectorState): void {
    parseState('ThresholdDetector', thresholdStateSchema, state);
  }
}
