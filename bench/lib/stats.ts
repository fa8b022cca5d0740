/** Summary of repeated measurements: the median with its spread. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** First and third quartile (linear interpolation; equal to min/max for fewer than 4 samples). */
  readonly q1: number;
  readonly q3: number;
  readonly n: number;
}

/**
 * The `q` quantile of sorted values by linear interpolation between closest ranks.
 *
 * @param sorted - values in ascending order
 * @param q - between 0 and 1
 * @returns the quantile, `NaN` for no values
 */
export function interpolatedQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const low = sorted[below] as number;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return low + (high - low) * (position - below);
}

/**
 * The nearest-rank `q` quantile (a value that was observed), as latency percentiles are usually stated.
 *
 * @param sorted - values in ascending order
 * @param q - between 0 and 1
 * @returns the quantile, `NaN` for no values
 */
export function nearestRankQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/**
 * Median, min, max and quartiles of repeated measurements.
 *
 * @param samples - one value per repeat
 * @returns the summary (`NaN` fields for no samples)
 */
export function spreadOf(samples: readonly number[]): Spread {
  const sorted = samples.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  return {
    median: interpolatedQuantile(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    q1: interpolatedQuantile(sorted, 0.25),
    q3: interpolatedQuantile(sorted, 0.75),
    n: sorted.length,
  };
}

/**
 * How a cost grows per tenfold of the input: fitted on a log-log scale through the points,
 * `factor = 10 ** slope`; a linear cost gives a slope of 1 and a factor of 10.
 *
 * @param points - (size, cost) pairs with positive values
 * @returns the least-squares slope and the per-decade factor, `NaN` for fewer than two usable points
 */
export function growthPerDecade(points: readonly { x: number; y: number }[]): {
  slope: number;
  factor: number;
} {
  const usable = points.filter((p) => p.x > 0 && p.y > 0 && Number.isFinite(p.y));
  if (usable.length < 2) return { slope: Number.NaN, factor: Number.NaN };
  const xs = usable.map((p) => Math.log10(p.x));
  const ys = usable.map((p) => Math.log10(p.y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  const slope = den === 0 ? Number.NaN : num / den;
  return { slope, factor: 10 ** slope };
}
