import { z } from 'zod';
import { hourOfWeekSlot } from '../../time/hour-of-week.js';
import type { HistoryPoint, SeasonalBaselineState } from '../detector.js';
import { MAD_TO_SIGMA, median, warmRate } from './math.js';

/** Hours in a week: the profile has one slot per local hour of the week. */
export const SLOTS_PER_WEEK = 168;
const HOUR_MS = 3_600_000;
const HALF_HOUR_MS = 1_800_000;
const MINUTES_PER_HOUR = 60;

export const seasonalProfileStateSchema = z
  .object({
    /** Per-minute baseline of each hour-of-week slot, before the level factor. */
    values: z.array(z.number()).length(SLOTS_PER_WEEK),
    /** Minutes learned per slot (history counts 60 per hour), capped. */
    seen: z.array(z.number().nonnegative()).length(SLOTS_PER_WEEK),
    /** A multiplicative level correction that follows level shifts within hours. */
    level: z.number().positive(),
    /** A recent per-minute mean, used for slots never seen yet. */
    recent: z.number().nullable(),
    recentSamples: z.number().nonnegative(),
  })
  .strict();

export type SeasonalProfileState = SeasonalBaselineState;

const SEEN_CAP = 1e6;
const RECENT_RATE = 0.05;
const LEVEL_MIN = 0.05;
const LEVEL_MAX = 20;

/**
 * An hour-of-week baseline with a level factor: `expected = values[slot] × level`. Constant memory
 * (168 slots). Shared by the seasonal and the Poisson CUSUM detectors.
 */
export class SeasonalProfile {
  #values: number[] = new Array<number>(SLOTS_PER_WEEK).fill(0);
  #seen: number[] = new Array<number>(SLOTS_PER_WEEK).fill(0);
  #level = 1;
  #recent: number | null = null;
  #recentSamples = 0;
  readonly #profileRate: number;
  readonly #levelRate: number;
  readonly #slotOf: (ms: number) => number;
  // Scratch of the last position computed; not state.
  #slot = 0;
  #next = 0;
  #weight = 0;

  /** @param timeZone - the business time zone of the hour-of-week slots */
  constructor(profileRate: number, levelRate: number, timeZone?: string) {
    this.#profileRate = profileRate;
    this.#levelRate = levelRate;
    this.#slotOf = (ms) => hourOfWeekSlot(ms, timeZone);
  }

  /**
   * The expected per-minute value at an instant: the hourly profile read as a piecewise-linear curve
   * through the slots' centres (no step at the top of each hour), times the level; `null` when
   * nothing has been learned at all.
   */
  expected(ms: number): number | null {
    const base = this.#base(ms);
    return base === null ? this.#recent : base * this.#level;
  }

  #position(ms: number): void {
    // Minutes since the centre of the slot before; weights of that slot and the next.
    const shifted = ms - HALF_HOUR_MS;
    const slot = this.#slotOf(shifted);
    this.#slot = slot;
    this.#next = slot === SLOTS_PER_WEEK - 1 ? 0 : slot + 1;
    const intoHour = shifted - Math.floor(shifted / HOUR_MS) * HOUR_MS;
    this.#weight = intoHour / HOUR_MS;
  }

  #base(ms: number): number | null {
    this.#position(ms);
    const a = (this.#seen[this.#slot] as number) > 0;
    const b = (this.#seen[this.#next] as number) > 0;
    const va = this.#values[this.#slot] as number;
    const vb = this.#values[this.#next] as number;
    if (a && b) return va + this.#weight * (vb - va);
    if (a) return va;
    if (b) return vb;
    return null;
  }

  /**
   * Learns one (already winsorised) minute. With `slots` false only the level learns: detectors
   * pass false while they see an anomaly, so an incident cannot teach next week's baseline.
   */
  learn(ms: number, value: number, slots = true): void {
    const base = this.#base(ms);
    const slot = this.#slot;
    const next = this.#next;
    const w = this.#weight;
    if (base !== null && base > 0) {
      this.#level += this.#levelRate * (value / base - this.#level);
      if (this.#level < LEVEL_MIN) this.#level = LEVEL_MIN;
      else if (this.#level > LEVEL_MAX) this.#level = LEVEL_MAX;
    }
    if (slots || base === null) {
      const deleveled = value / this.#level;
      const error = deleveled - (base ?? deleveled);
      this.#learnSlot(slot, deleveled, error * (1 - w), 1 - w);
      this.#learnSlot(next, deleveled, error * w, w);
    }
    if (this.#recent === null) this.#recent = value;
    else this.#recent += warmRate(RECENT_RATE, this.#recentSamples) * (value - this.#recent);
    this.#recentSamples = this.#recentSamples < SEEN_CAP ? this.#recentSamples + 1 : this.#recentSamples;
  }

  #learnSlot(slot: number, deleveled: number, error: number, weight: number): void {
    const seen = this.#seen[slot] as number;
    if (seen === 0) {
      if (weight >= 0.5) {
        this.#values[slot] = deleveled;
        this.#seen[slot] = 1;
      }
      return;
    }
    this.#values[slot] = (this.#values[slot] as number) + warmRate(this.#profileRate, seen) * error;
    this.#seen[slot] = seen < SEEN_CAP ? seen + weight : seen;
  }

  /**
   * Seeds every slot with the median over the weeks of its hourly totals (÷ 60 to get per-minute
   * values) and returns a robust dispersion estimate: the normal-consistent MAD of
   * `(hour − slot median) / √(slot median)`, which for count-like series estimates √φ in
   * `variance = φ × mean` and does not depend on the aggregation window.
   */
  warmStart(points: readonly HistoryPoint[]): number | null {
    const bySlot: number[][] = Array.from({ length: SLOTS_PER_WEEK }, () => []);
    for (const point of points) {
      if (!Number.isFinite(point.value)) continue;
      (bySlot[this.#slotOf(point.at.getTime())] as number[]).push(point.value);
    }
    const medians: (number | null)[] = bySlot.map((values) => (values.length > 0 ? median(values) : null));
    const ratios: number[] = [];
    let total = 0;
    let hours = 0;
    bySlot.forEach((values, slot) => {
      const m = medians[slot];
      if (m === null || m === undefined) return;
      this.#values[slot] = m / MINUTES_PER_HOUR;
      this.#seen[slot] = values.length * MINUTES_PER_HOUR;
      total += m / MINUTES_PER_HOUR;
      hours += 1;
      if (m > 0) for (const value of values) ratios.push(Math.abs(value - m) / Math.sqrt(m));
    });
    this.#level = 1;
    if (hours > 0) {
      this.#recent = total / hours;
      this.#recentSamples = MINUTES_PER_HOUR;
    }
    return ratios.length > 0 ? median(ratios) * MAD_TO_SIGMA : null;
  }

  snapshot(): SeasonalProfileState {
    return {
      values: [...this.#values],
      seen: [...this.#seen],
      level: this.#level,
      recent: this.#recent,
      recentSamples: this.#recentSamples,
    };
  }

  restore(state: SeasonalProfileState): void {
    this.#values = [...state.values];
    this.#seen = [...state.seen];
    this.#level = state.level;
    this.#recent = state.recent;
    this.#recentSamples = state.recentSamples;
  }
}
