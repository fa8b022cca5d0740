import type { Clock } from '../clock/clock.js';

/**
 * A token bucket: `ratePerSecond` tokens a second, at most `capacity` saved up. `take(n)` waits
 * until `n` tokens are there, so a caller sending `n` records at a time never exceeds the rate
 * over any window longer than `capacity / ratePerSecond` seconds.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #capacity: number;
  readonly #clock: Clock;
  #tokens: number;
  #updatedAt: number;

  constructor(ratePerSecond: number, capacity: number, clock: Clock) {
    this.#rate = ratePerSecond;
    this.#capacity = capacity;
    this.#clock = clock;
    this.#tokens = capacity;
    this.#updatedAt = clock.now();
  }

  /** Tokens available now (fractional). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Waits until `count` tokens are available and takes them; larger counts go in slices. */
  async take(count: number, signal?: AbortSignal): Promise<void> {
    let remaining = count;
    while (remaining > 0) {
      const slice = Math.min(remaining, this.#capacity);
      this.#refill();
      if (this.#tokens >= slice) {
        this.#tokens -= slice;
        remaining -= slice;
        continue;
      }
      const waitMs = Math.ceil(((slice - this.#tokens) / this.#rate) * 1000);
      await this.#clock.sleep(waitMs, signal);
    }
  }

  #refill(): void {
    const now = this.#clock.now();
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#updatedAt = now;
    this.#tokens = Math.min(this.#capacity, this.#tokens + (elapsed * this.#rate) / 1000);
  }
}
