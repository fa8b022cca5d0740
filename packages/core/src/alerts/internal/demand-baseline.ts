import { z } from 'zod';
import { HOURS_PER_WEEK } from '../../time/hour-of-week.js';
import type { HistoryPoint } from '../detector.js';

export const demandBaselineStateSchema = z
  .object({
    /** Deseasonalised rate per minute, or `null` before the first minute. */
    level: z.number().nonnegative().nullable(),
    levelSamples: z.number().nonnegative(),
    /** Multiplicative factor per hour-of-week slot (1 = the level). */
    factors: z.array(z.number().nonnegative()).length(HOURS_PER_WEEK),
    /** Whole hours learned per slot. */
    seen: z.array(z.number().nonnegative()).length(HOURS_PER_WEEK),
    /** The hour being accumulated: its slot, sum of values, sum of levels, and whether it stayed clean. */
    hourSlot: z
      .int()
      .min(-1)
      .max(HOURS_PER_WEEK - 1),
    hourValue: z.number(),
    hourLevel: z.number(),
    hourMinutes: z.number().nonnegative(),
    hourClean: z.boolean(),
  })
  .strict();

export type DemandBaselineState = z.output<typeof demandBaselineStateSchema>;

const SEEN_CAP = 1e6;
const HOUR_MS = 3_600_000;
const HALF_HOUR_MS = 1_800_000;
const HALF_MINUTE_MS = 30_000;
const HOLIDAY_CLIP = 2;
const MIN_HOUR_MINUTES = 45;

/**
 * `expected = level × factor[hour-of-week slot]`: a level that follows trends (EWMA of the
 * deseasonalised rate) and one factor per local hour of the week, learned once per hour from clean
 * hours, each move clipped to ×2 / ÷2 (a holiday moves a slot, it does not rewrite it).
 */
export class DemandBaseline {
  readonly #slotOf: (ms: number) => number;
  readonly #levelRate: number;
  readonly #profileRate: number;
  #level: number | null = null;
  #levelSamples = 0;
  #factors: number[] = new Array<number>(HOURS_PER_WEEK).fill(1);
  #seen: number[] = new Array<number>(HOURS_PER_WEEK).fill(0);
  #hourSlot = -1;
  #hourValue = 0;
  #hourLevel = 0;
  #hourMinutes = 0;
  #hourClean = true;

  constructor(slotOf: (ms: number) => number, levelRate: number, profileRate: number) {
    this.#slotOf = slotOf;
    this.#levelRate = levelRate;
    this.#profileRate = profileRate;
  }

  /** The factor of a slot: learned, else the mean of the same local hour on other days, else 1. */
  factor(slot: number): number {
    if ((this.#seen[slot] as number) > 0) return this.#factors[slot] as number;
    const hour = slot % 24;
    let sum = 0;
    let n = 0;
    for (let s = hour; s < HOURS_PER_WEEK; s += 24) {
      if ((this.#seen[s] as number) > 0) {
        sum += this.#factors[s] as number;
        n += 1;
      }
    }
    return n > 0 ? sum / n : 1;
  }

  /**
   * The expected value of the minute starting at `ms`, or `null` before the first minute: the
   * hourly factors read as a piecewise-linear curve through the hours' middles (no step at the top
   * of each hour), times the level.
   */
  expected(ms: number): number | null {
    if (this.#level === null) return null;
    const middle = ms + HALF_MINUTE_MS;
    const before = this.factor(this.#slotOf(middle - HALF_HOUR_MS));
    const after = this.factor(this.#slotOf(middle + HALF_HOUR_MS));
    const shifted = middle - HALF_HOUR_MS;
    const weight = (shifted - Math.floor(shifted / HOUR_MS) * HOUR_MS) / HOUR_MS;
    return this.#level * (before + weight * (after - before));
  }

  /**
   * Learns one minute; `clean` false (a breach) freezes level and profile, unless `followRate` (per
   * minute) is given: then the level follows the data at least that fast (after a long breach).
   */
  learn(ms: number, value: number, clean: boolean, followRate = 0): void {
    const slot = this.#slotOf(ms);
    if (slot !== this.#hourSlot) this.#closeHour(slot);
    const factor = this.factor(slot);
    const deseasonalised = factor > 0 ? value / factor : value;
    if (this.#level === null) {
      this.#level = deseasonalised;
    } else if (clean || followRate > 0) {
      const rate = Math.max(1 / (this.#levelSamples + 1), this.#levelRate, followRate);
      this.#level += rate * (deseasonalised - this.#level);
    }
    this.#levelSamples = Math.min(this.#levelSamples + 1, SEEN_CAP);
    this.#hourValue += value;
    this.#hourLevel += this.#level;
    this.#hourMinutes += 1;
    if (!clean) this.#hourClean = false;
  }

  #closeHour(next: number): void {
    const slot = this.#hourSlot;
    if (slot >= 0 && this.#hourClean && this.#hourMinutes >= MIN_HOUR_MINUTES && this.#hourLevel > 0) {
      const seen = this.#seen[slot] as number;
      let ratio = this.#hourValue / this.#hourLevel;
      const current = this.factor(slot);
      if (seen > 0 || current !== 1) {
        ratio = Math.min(Math.max(ratio, current / HOLIDAY_CLIP), current * HOLIDAY_CLIP);
      }
      const rate = Math.max(1 / (seen + 1), this.#profileRate);
      this.#factors[slot] = seen > 0 ? current + rate * (ratio - current) : ratio;
      this.#seen[slot] = Math.min(seen + 1, SEEN_CAP);
    }
    this.#hourSlot = next;
    this.#hourValue = 0;
    this.#hourLevel = 0;
    this.#hourMinutes = 0;
    this.#hourClean = true;
  }

  /** Multiplies the level (a lasting shift adopted as the new normal). */
  rescale(factor: number): void {
    if (this.#level !== null && Number.isFinite(factor) && factor > 0) this.#level *= factor;
  }

  /**
   * Seeds factors and level from hourly totals: each slot's median-free mean ratio to the overall
   * mean. Returns whether anything was learned.
   */
  warmStart(points: readonly HistoryPoint[]): boolean {
    const sums = new Array<number>(HOURS_PER_WEEK).fill(0);
    const counts = new Array<number>(HOURS_PER_WEEK).fill(0);
    let total = 0;
    let hours = 0;
    for (const point of points) {
      if (!Number.isFinite(point.value) || point.value < 0) continue;
      const slot = this.#slotOf(point.at.getTime());
      sums[slot] = (sums[slot] as number) + point.value / 60;
      counts[slot] = (counts[slot] as number) + 1;
      total += point.value / 60;
      hours += 1;
    }
    if (hours === 0 || total <= 0) return false;
    const level = total / hours;
    for (let slot = 0; slot < HOURS_PER_WEEK; slot++) {
      const n = counts[slot] as number;
      if (n === 0) continue;
      this.#factors[slot] = (sums[slot] as number) / n / level;
      this.#seen[slot] = n;
    }
    // The latest week's level, so a growing shop starts where it is now.
    const recent = points.slice(-168).filter((p) => Number.isFinite(p.value) && p.value >= 0);
    let recentValue = 0;
    let recentFactor = 0;
    for (const point of recent) {
      recentValue += point.value / 60;
      recentFactor += this.factor(this.#slotOf(point.at.getTime()));
    }
    this.#level = recentFactor > 0 ? recentValue / recentFactor : level;
    this.#levelSamples = Math.max(this.#levelSamples, 1 / this.#levelRate);
    return true;
  }

  snapshot(): DemandBaselineState {
    return {
      level: this.#level,
      levelSamples: this.#levelSamples,
      factors: [...this.#factors],
      seen: [...this.#seen],
      hourSlot: this.#hourSlot,
      hourValue: this.#hourValue,
      hourLevel: this.#hourLevel,
      hourMinutes: this.#hourMinutes,
      hourClean: this.#hourClean,
    };
  }

  restore(state: DemandBaselineState): void {
    this.#level = state.level;
    this.#levelSamples = state.levelSamples;
    this.#factors = [...state.factors];
    this.#seen = [...state.seen];
    this.#hourSlot = state.hourSlot;
    this.#hourValue = state.hourValue;
    this.#hourLevel = state.hourLevel;
    this.#hourMinutes = state.hourMinutes;
    this.#hourClean = state.hourClean;
  }
}
