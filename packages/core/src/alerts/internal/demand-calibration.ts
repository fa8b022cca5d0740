import { z } from 'zod';
import { type Gumbel, gumbelSample, normalMaximum, robustGumbel } from './extremes.js';

/** Minutes per block whose maxima calibrate the windows (eight blocks a day). */
export const BLOCK_MINUTES = 180;
const DAY_MINUTES = 1440;
/** Prior weight, in days, of the model's own law while the series has shown few blocks. */
const PRIOR_DAYS = 3;
/** Without a warm start, a window may only breach beyond its largest block maximum for a week. */
const GUARD_DAYS = 7;
/** A combined score below any real one (JSON has no −∞). */
const NOTHING = -1e9;

const peakSchema = z.tuple([z.int().nonnegative(), z.union([z.literal(0), z.literal(1)]), z.number()]);

/** A day's peak: window index, direction, deviance. */
type Peak = [window: number, dir: Direction, deviance: number];

export const demandCalibrationStateSchema = z
  .object({
    /** Per window, per direction (up, down): the maxima of the last blocks, oldest first. */
    blocks: z.array(z.tuple([z.array(z.number()), z.array(z.number())])),
    /** Per window, per direction: the maximum of the block in progress. */
    current: z.array(z.tuple([z.number(), z.number()])),
    /** Whether the memory was seeded from history (a warm start), not learned from the stream. */
    seeded: z.boolean(),
    /**
     * The peak of each of the last days, oldest first (self-starting only): the window, the
     * direction and the deviance of the day's largest combined score.
     */
    days: z.tuple([z.array(peakSchema), z.array(peakSchema)]),
    today: z.tuple([peakSchema.nullable(), peakSchema.nullable()]),
    /** The standardised score of today's peaks when they were seen. */
    todayScore: z.tuple([z.number(), z.number()]),
  })
  .strict();

export type DemandCalibrationState = z.output<typeof demandCalibrationStateSchema>;

/** 0: above the expectation, 1: below. */
export type Direction = 0 | 1;

/**
 * The limits of the demand detector, learned from the series itself.
 *
 * - Each window's signed deviance is **standardised** by the Gumbel law of its own 3-hour block
 *   maxima over the last `memoryDays` (median and MAD: robust to incidents in a minority of blocks),
 *   per direction. Bursts count (they are part of a series' life: a series that bursts daily should
 *   not page daily); drops count only when they did not breach (a drop is bounded, rare and costly:
 *   one outage must not raise the bar for the next).
 * - **Limit**: a budget of `falseAlarmsPerWeek`, shared (Bonferroni) by the windows × 2 directions ×
 *   blocks of a day; under the Gumbel tail a standardised score beyond `ln(tests ÷ rate)` happens at
 *   that rate on a series that does what it did. A budget of statistical extremes, not of alerts: an
 *   alert also needs the minimum effect and a change still going on, which most extremes lack.
 * - **Warm start** (a reference period): the memory is seeded with the model's own law for as many
 *   days as the history covers, and only live blocks replace it.
 * - **Self-starting** (no history): the prior weighs three days, a window cannot breach below its
 *   largest block maximum in its first week, and the best window must also beat the `k`-th largest
 *   daily peak of the last `memoryDays`, per direction, scored with today's calibration
 *   (k = `maxAlertsPerWeek` × weeks): a series whose ordinary days are heavier-tailed than the Gumbel
 *   law alerts at most about that often.
 */
export class DemandCalibration {
  readonly #memoryBlocks: number;
  readonly #memoryDays: number;
  readonly #rank: number;
  /** Standardised-score limit shared by every window (Bonferroni over windows and directions). */
  readonly limit: number;
  readonly #blockShift: number;
  /** Per slot, the law of its block maxima on a perfect model (the prior, and the seeded memory). */
  readonly #priors: readonly Gumbel[];
  #blocks: number[][][];
  #current: number[][];
  #fits: Gumbel[][];
  #seeded = false;
  #days: [Peak[], Peak[]] = [[], []];
  #today: [Peak | null, Peak | null] = [null, null];
  #todayScore: [number, number] = [NOTHING, NOTHING];
  #rankLimit: [number, number] = [NOTHING, NOTHING];

  constructor(
    windows: readonly number[],
    memoryDays: number,
    falseAlarmsPerWeek: number,
    maxAlertsPerWeek: number,
    extraSlots: readonly Gumbel[] = [],
  ) {
    this.#priors = [...windows.map((w) => normalMaximum(BLOCK_MINUTES / w)), ...extraSlots];
    this.#memoryDays = memoryDays;
    this.#memoryBlocks = Math.round((memoryDays * DAY_MINUTES) / BLOCK_MINUTES);
    this.#rank = Math.max(1, Math.round((maxAlertsPerWeek * memoryDays) / 7));
    const tests = 2 * windows.length;
    this.limit = Math.log(tests / (falseAlarmsPerWeek / 7));
    this.#blockShift = Math.log(DAY_MINUTES / BLOCK_MINUTES);
    this.#blocks = this.#priors.map(() => [[], []]);
    this.#current = this.#priors.map(() => [0, 0]);
    this.#fits = this.#priors.map((_, i) => this.#fit(i));
  }

  /** Whether the memory was seeded from history. */
  get seeded(): boolean {
    return this.#seeded;
  }

  /**
   * The standardised score of `|deviance|` in window `i` and direction `dir`: how far beyond the
   * window's ordinary block maxima it is, in Gumbel units for a whole day (a score above
   * {@link DemandCalibration.limit} happens about `falseAlarmsPerWeek` times a week).
   */
  score(i: number, dir: Direction, deviance: number): number {
    let u = this.#raw(i, dir, deviance);
    if (!this.#seeded) {
      const seen = (this.#blocks[i] as number[][])[dir] as number[];
      if (seen.length < (GUARD_DAYS * DAY_MINUTES) / BLOCK_MINUTES && deviance <= Math.max(0, ...seen)) {
        u = Math.min(u, this.limit);
      }
    }
    return u;
  }

  /** The deviance window `i` needs in direction `dir` to reach the standardised score `u`. */
  devianceAt(i: number, dir: Direction, u: number): number {
    const fit = (this.#fits[i] as Gumbel[])[dir] as Gumbel;
    return fit.location + (u + this.#blockShift) * fit.scale;
  }

  /** The Gumbel-standardised score of a deviance, per day. */
  #raw(i: number, dir: Direction, deviance: number): number {
    const fit = (this.#fits[i] as Gumbel[])[dir] as Gumbel;
    return (deviance - fit.location) / fit.scale - this.#blockShift;
  }

  /** The limit the combined score must pass now, per direction. */
  bar(dir: Direction): number {
    return Math.max(this.limit, this.#rankLimit[dir]);
  }

  /** Records a window's deviance in the block in progress. */
  record(i: number, dir: Direction, deviance: number): void {
    const current = this.#current[i] as number[];
    if (deviance > (current[dir] as number)) current[dir] = deviance;
  }

  /** Records the minute's combined score: the largest standardised score of the eligible windows. */
  recordCombined(i: number, dir: Direction, deviance: number, u: number): void {
    if (u > this.#todayScore[dir]) {
      this.#todayScore[dir] = u;
      this.#today[dir] = [i, dir, deviance];
    }
  }

  /** Closes blocks and days; call once per minute with the count of minutes seen. */
  tick(minutes: number): void {
    if (minutes % BLOCK_MINUTES === 0) {
      this.#priors.forEach((_, i) => {
        for (const dir of [0, 1] as const) {
          const list = (this.#blocks[i] as number[][])[dir] as number[];
          list.push((this.#current[i] as number[])[dir] as number);
          if (list.length > this.#memoryBlocks) list.shift();
          (this.#current[i] as number[])[dir] = 0;
        }
        (this.#fits as Gumbel[][])[i] = this.#fit(i);
      });
    }
    if (minutes % DAY_MINUTES === 0 && !this.#seeded) {
      for (const dir of [0, 1] as const) {
        const peak = this.#today[dir];
        if (peak !== null) this.#days[dir].push(peak);
        if (this.#days[dir].length > this.#memoryDays) this.#days[dir].shift();
      }
      this.#today = [null, null];
      this.#todayScore = [NOTHING, NOTHING];
    }
    if (minutes % BLOCK_MINUTES === 0)
      this.#rankLimit = [this.#rankOf(this.#days[0]), this.#rankOf(this.#days[1])];
  }

  /** Seeds the memory with `days` days of the model's own law (a warm start). */
  seed(days: number): void {
    const n = Math.min(this.#memoryBlocks, Math.floor((days * DAY_MINUTES) / BLOCK_MINUTES));
    if (n <= 0) return;
    this.#seeded = true;
    this.#priors.forEach((prior, i) => {
      const sample = gumbelSample(prior, n);
      this.#blocks[i] = [[...sample], [...sample]];
      (this.#fits as Gumbel[][])[i] = this.#fit(i);
    });
    this.#days = [[], []];
    this.#today = [null, null];
    this.#todayScore = [NOTHING, NOTHING];
    this.#rankLimit = [NOTHING, NOTHING];
  }

  /**
   * The `k`-th largest of the last days' peaks, each scored with today's calibration (a peak is
   * compared with today's, not with what the calibration said then).
   */
  #rankOf(days: readonly Peak[]): number {
    if (this.#seeded) return NOTHING;
    const scores = days.map(([i, dir, deviance]) => this.#raw(i, dir, deviance)).sort((a, b) => b - a);
    return scores[Math.min(this.#rank, scores.length) - 1] ?? NOTHING;
  }

  #fit(i: number): Gumbel[] {
    const prior = this.#priors[i] as Gumbel;
    return ([0, 1] as const).map((dir) => {
      const list = (this.#blocks[i] as number[][])[dir] as number[];
      if (list.length < 2) return prior;
      const data = robustGumbel(list);
      const weight = this.#seeded ? 0 : (PRIOR_DAYS * DAY_MINUTES) / BLOCK_MINUTES;
      const n = list.length;
      return {
        location: (weight * prior.location + n * data.location) / (weight + n),
        scale: (weight * prior.scale + n * data.scale) / (weight + n),
      };
    });
  }

  snapshot(): DemandCalibrationState {
    return {
      blocks: this.#blocks.map((pair) => [[...(pair[0] as number[])], [...(pair[1] as number[])]]),
      current: this.#current.map((pair) => [pair[0] as number, pair[1] as number]),
      seeded: this.#seeded,
      days: [this.#days[0].map((p) => [...p]), this.#days[1].map((p) => [...p])],
      today: [copy(this.#today[0]), copy(this.#today[1])],
      todayScore: [...this.#todayScore],
    };
  }

  /** @returns false when the state does not fit these windows */
  restore(state: DemandCalibrationState): boolean {
    // A state of one slot fewer predates the last extra slot: that slot starts from its prior.
    const missing = this.#priors.length - state.blocks.length;
    if ((missing !== 0 && missing !== 1) || state.current.length !== state.blocks.length) return false;
    const peaks = [...state.days[0], ...state.days[1], ...state.today].filter((p) => p !== null);
    // Checked before anything is taken over: a state refused leaves this calibration as it was.
    if (peaks.some(([i]) => i >= this.#priors.length)) return false;
    this.#blocks = state.blocks.map(([up, down]) => [[...up], [...down]]);
    this.#current = state.current.map(([up, down]) => [up, down]);
    if (missing === 1) {
      this.#blocks.push([[], []]);
      this.#current.push([0, 0]);
    }
    this.#seeded = state.seeded;
    this.#days = [state.days[0].map((p) => [...p]), state.days[1].map((p) => [...p])];
    this.#today = [copy(state.today[0]), copy(state.today[1])];
    this.#fits = this.#priors.map((_, i) => this.#fit(i));
    this.#todayScore = [...state.todayScore];
    this.#rankLimit = [this.#rankOf(this.#days[0]), this.#rankOf(this.#days[1])];
    return true;
  }
}

function copy(peak: Peak | null): Peak | null {
  return peak === null ? null : [...peak];
}
