import { z } from 'zod';

/** Options of {@link DemandDetector}; every field is optional. */
export const demandDetectorOptionsSchema = z
  .object({
    kind: z.literal('demand'),
    /**
     * Statistical extremes a week the limit is budgeted for, on a series that keeps doing what it did
     * in the last `calibrationDays` (bursts included): a union bound over the windows and directions.
     * An alert also needs the minimum effect and a change still going on, which most extremes of an
     * ordinary week lack, so far fewer alerts result (about 0.15 a week at the default on the
     * synthetic benchmark scenarios; 0.02 at 0.5). Lower means fewer alerts and slower detection.
     * @defaultValue 3 (extremes a week)
     */
    falseAlarmsPerWeek: z.number().positive().max(7).default(3),
    /**
     * Without a warm start, the most alerts a week a series that keeps doing what it did may raise:
     * a new alert must beat the peaks of the last `calibrationDays` but this many a week (bursty
     * series stop paging for their ordinary bursts). With a warm start the history is the reference
     * and only `falseAlarmsPerWeek` applies.
     * @defaultValue 1 (alert a week)
     */
    maxAlertsPerWeek: z.number().positive().max(7).default(1),
    /**
     * The smallest relative change that alerts: a window must also be above `(1 + minEffect) ×`
     * or below `÷ (1 + minEffect)` the baseline. A statistically clear +8 % is not an incident.
     * @defaultValue 0.3 (30 %)
     */
    minEffect: z.number().positive().max(10).default(0.3),
    /**
     * Recovery (hysteresis): resolved once every window is back within this many σ (signed deviance),
     * or within half the minimum effect.
     * @defaultValue 2 (σ)
     */
    recover: z.number().nonnegative().default(2),
    /**
     * The window lengths judged, in minutes, ascending: a scan over how long a change has lasted.
     * Doubling lengths lose at most a factor √2 of evidence against the best window for any change.
     * @defaultValue [1, 2, 4, 8, 16, 32, 64, 128, 256] (minutes)
     */
    windows: z
      .array(z.int().min(1).max(1440))
      .min(1)
      .max(12)
      .refine((w) => w.every((v, i) => i === 0 || v > (w[i - 1] as number)), 'strictly ascending')
      .default([1, 2, 4, 8, 16, 32, 64, 128, 256]),
    /**
     * Days of 3-hour block maxima behind the limits (three weeks: three of each weekday).
     * @defaultValue 21 (days)
     */
    calibrationDays: z.int().min(3).max(60).default(21),
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
     * Minutes of one uninterrupted breach after which the level follows the data (half-life of this
     * many minutes) until the long windows are back within 1 σ: a lasting shift is reported once,
     * and a decaying surge does not leave a baseline stuck at its peak.
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
