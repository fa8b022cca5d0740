import { BLOCK_MINUTES } from './demand-calibration.js';
import type { Gumbel } from './extremes.js';

const WEEK_MINUTES = 10_080;

/**
 * The shortest run the shortfall CUSUM may alert on: shorter changes are the short windows' to
 * judge (their floors count the many independent tests a week that short windows make).
 */
export const SHORTFALL_MIN_MINUTES = 16;

/**
 * The law of the CUSUM's 3-hour block maxima on a perfect Poisson model, in log-likelihood-ratio
 * units, by Wald's bound: at most one excursion starts a minute and each passes x with probability
 * ≤ e^−x, a Gumbel of location ln 180 and scale 1 (the prior, and a warm start's seeded memory).
 */
export const SHORTFALL_PRIOR: Gumbel = { location: Math.log(BLOCK_MINUTES), scale: 1 };

/**
 * The CUSUM's floor by the same bound: on a perfect Poisson model it passes h at most
 * `WEEK_MINUTES · e^−h` times a week; h allows `falseAlarmsPerWeek` of them.
 */
export function shortfallFloor(falseAlarmsPerWeek: number): number {
  return Math.log(WEEK_MINUTES / falseAlarmsPerWeek);
}

/**
 * A one-sided CUSUM of the Poisson log-likelihood ratio "the rate is `factor` × the expectation"
 * against "it is the expectation", minute by minute, with the run it covers (the minutes since it
 * last was at zero): their expected and observed counts. The caller scales it by the dispersion of a
 * window as long as the run (quasi-likelihood), so an overdispersed series needs more evidence.
 */
export class ShortfallCusum {
  readonly #logFactor: number;
  readonly #factor: number;
  #raw = 0;
  #expected = 0;
  #observed = 0;
  #minutes = 0;

  /** @param factor - the rate ratio tested (below 1: a shortfall) */
  constructor(factor: number) {
    this.#factor = factor;
    this.#logFactor = Math.log(factor);
  }

  /** The log-likelihood ratio of the run under Poisson counts. */
  get raw(): number {
    return this.#raw;
  }

  /** Minutes, expected and observed counts of the run (0 when the statistic is at zero). */
  get minutes(): number {
    return this.#minutes;
  }
  get expected(): number {
    return this.#expected;
  }
  get observed(): number {
    return this.#observed;
  }

  /** Adds one minute; the run restarts when the statistic falls to zero. */
  add(value: number, expected: number): void {
    if (!(expected > 0)) return;
    this.#raw += value * this.#logFactor - expected * (this.#factor - 1);
    if (this.#raw <= 0) {
      this.reset();
      return;
    }
    this.#expected += expected;
    this.#observed += value;
    this.#minutes += 1;
  }

  reset(): void {
    this.#raw = 0;
    this.#expected = 0;
    this.#observed = 0;
    this.#minutes = 0;
  }

  snapshot(): [raw: number, expected: number, observed: number, minutes: number] {
    return [this.#raw, this.#expected, this.#observed, this.#minutes];
  }

  restore(state: readonly [number, number, number, number]): void {
    [this.#raw, this.#expected, this.#observed, this.#minutes] = state;
  }
}
