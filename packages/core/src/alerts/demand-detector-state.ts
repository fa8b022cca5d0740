import { z } from 'zod';
import { demandBaselineStateSchema } from './internal/demand-baseline.js';
import { demandCalibrationStateSchema } from './internal/demand-calibration.js';

/** The schema of {@link DemandDetectorState}, checked on restore. */
export const demandStateSchema = z
  .object({
    kind: z.literal('demand'),
    baseline: demandBaselineStateSchema,
    values: z.array(z.number()),
    expected: z.array(z.number()),
    alpha: z.array(z.number().positive()),
    alphaBlocks: z.array(z.number().nonnegative()),
    phi: z.number().positive(),
    phiSamples: z.number().nonnegative(),
    previous: z.number().nullable(),
    minutes: z.number().nonnegative(),
    breachMinutes: z.number().nonnegative(),
    adapting: z.number().nonnegative(),
    episode: z.int().min(-1),
    episodeMinutes: z.number().nonnegative(),
    calibration: demandCalibrationStateSchema,
    /** The shortfall CUSUM: log-likelihood ratio, expected and observed counts, minutes of its run. */
    shortfall: z
      .tuple([
        z.number().nonnegative(),
        z.number().nonnegative(),
        z.number().nonnegative(),
        z.number().nonnegative(),
      ])
      .optional(),
  })
  .strict();

/** The JSON state of a {@link DemandDetector}; treat the baseline and calibration as opaque. */
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
  /** Minutes the level has been following the data after a lasting shift (0: not). */
  readonly adapting: number;
  /** Index of the window that raised the current episode, or −1, and the episode's minutes. */
  readonly episode: number;
  readonly episodeMinutes: number;
  /** Block maxima per window and direction, and the daily maxima of the combined score. */
  readonly calibration: object;
  /** The shortfall CUSUM's statistic and run (absent in states of earlier versions). */
  readonly shortfall?: readonly [number, number, number, number];
}
