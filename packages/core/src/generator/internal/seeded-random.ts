import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

const TWO_POW_32 = 0x1_0000_0000;

/**
 * The independent random streams of one seed. Each part of the generator draws from its own
 * stream, so adding a draw in one part (or switching defects on) never shifts another part.
 */
export const RANDOM_STREAMS = {
  places: 1,
  sellers: 2,
  products: 3,
  people: 4,
  catalogDefects: 5,
  orders: 6,
  orderDefects: 7,
  geolocation: 8,
  malformed: 9,
  eventStream: 10,
} as const;

/**
 * A seeded pseudo-random source built on pure-rand's xoroshiro128+ (fast, well tested, and
 * jumpable: `jump()` moves 2^64 draws ahead, which gives cheap independent sub-streams).
 * Integers come from one 32-bit draw scaled to the range; the bias (under range / 2^32) does not
 * matter for synthetic data and keeps the hot path at one draw.
 */
export class SeededRandom {
  readonly #rng: JumpableRandomGenerator;
  #spareNormal: number | null = null;

  private constructor(rng: JumpableRandomGenerator) {
    this.#rng = rng;
  }

  /**
   * The stream `stream` of `seed`: the seed's generator jumped `stream` times.
   *
   * @param seed - a 32-bit unsigned seed
   * @param stream - the stream number, see {@link RANDOM_STREAMS}
   */
  static stream(seed: number, stream: number): SeededRandom {
    const rng = xoroshiro128plus(seed | 0);
    for (let i = 0; i < stream; i++) rng.jump();
    // The first outputs after seeding are poorly mixed; skip them.
    for (let i = 0; i < 16; i++) rng.next();
    return new SeededRandom(rng);
  }

  /** A float in [0, 1). */
  float(): number {
    return (this.#rng.next() >>> 0) / TWO_POW_32;
  }

  /** An unsigned 32-bit integer. */
  uint32(): number {
    return this.#rng.next() >>> 0;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer in [min, max]. */
  intBetween(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A standard normal deviate (Marsaglia's polar method, caching the spare). */
  normal(): number {
    const spare = this.#spareNormal;
    if (spare !== null) {
      this.#spareNormal = null;
      return spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = this.float() * 2 - 1;
      v = this.float() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spareNormal = v * factor;
    return u * factor;
  }

  /** A lognormal deviate with the given median and log-scale spread `sigma`. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** A 32-character lowercase hex id, as Olist uses. */
  hexId(): string {
    return hex8(this.uint32()) + hex8(this.uint32()) + hex8(this.uint32()) + hex8(this.uint32());
  }

  /** A random (version 4, RFC 9562 variant) UUID. */
  uuid(): string {
    const a = hex8(this.uint32());
    const b = hex8(this.uint32());
    const c = hex8(this.uint32());
    const d = hex8(this.uint32());
    const variant = '89ab'[this.int(4)] as string;
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
  }

  /** An element of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

function hex8(value: number): string {
  const text = value.toString(16);
  return text.length === 8 ? text : '00000000'.slice(text.length) + text;
}

/**
 * A discrete distribution over indices 0..n-1, sampled in O(log n) from a cumulative table.
 */
export class WeightedIndex {
  readonly #cumulative: Float64Array;
  readonly #total: number;

  /** @param weights - non-negative weights, at least one positive */
  constructor(weights: ArrayLike<number>) {
    this.#cumulative = new Float64Array(weights.length);
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      total += weights[i] as number;
      this.#cumulative[i] = total;
    }
    this.#total = total;
  }

  /** The number of indices. */
  get size(): number {
    return this.#cumulative.length;
  }

  /** An index drawn with probability proportional to its weight. */
  sample(random: SeededRandom): number {
    const target = random.float() * this.#total;
    const cumulative = this.#cumulative;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
