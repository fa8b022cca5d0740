/** A rate over a sliding time window, from cumulative counts sampled when they change. */
export class RateWindow {
  readonly #windowMs: number;
  readonly #points: Array<{ at: number; total: number }> = [];

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Records the cumulative `total` at time `at` (ms). */
  add(at: number, total: number): void {
    this.#points.push({ at, total });
    this.#trim(at);
  }

  /** Units per second over the window ending at `now`; 0 with fewer than two samples in it. */
  perSecond(now: number, total: number): number {
    this.#trim(now);
    const first = this.#points[0];
    if (first === undefined) return 0;
    const elapsed = now - first.at;
    return elapsed <= 0 ? 0 : ((total - first.total) * 1000) / elapsed;
  }

  #trim(now: number): void {
    // Keep one point older than the window as the baseline.
    while (this.#points.length > 1 && (this.#points[1]?.at ?? now) <= now - this.#windowMs)
      this.#points.shift();
  }
}
