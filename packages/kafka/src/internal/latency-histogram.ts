/**
 * A log-bucketed histogram of non-negative durations (milliseconds) with about 1% relative
 * precision: constant memory whatever the number of samples.
 */
export class LatencyHistogram {
  static readonly #GROWTH = 1.01;
  static readonly #LOG_GROWTH = Math.log(LatencyHistogram.#GROWTH);
  readonly #counts = new Map<number, number>();
  #samples = 0;
  #max = 0;

  /** Adds one duration; negative values (clock skew) count as 0. */
  record(ms: number): void {
    const value = Math.max(0, ms);
    const bucket = value < 1 ? 0 : 1 + Math.floor(Math.log(value) / LatencyHistogram.#LOG_GROWTH);
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + 1);
    this.#samples++;
    if (value > this.#max) this.#max = value;
  }

  /** How many durations were recorded. */
  get samples(): number {
    return this.#samples;
  }

  /** The largest duration recorded, or `null` when empty. */
  get max(): number | null {
    return this.#samples === 0 ? null : this.#max;
  }

  /**
   * The duration at quantile `q` (0..1), as the upper edge of its bucket, or `null` when empty.
   */
  quantile(q: number): number | null {
    if (this.#samples === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.#samples));
    const buckets = [...this.#counts.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const bucket of buckets) {
      seen += this.#counts.get(bucket) ?? 0;
      if (seen >= rank) {
        const upper = bucket === 0 ? 1 : LatencyHistogram.#GROWTH ** bucket;
        return Math.min(upper, this.#max);
      }
    }
    return this.#max;
  }
}
