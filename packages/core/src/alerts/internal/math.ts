/** Limits `value` to `[low, high]`. */
export function clamp(value: number, low: number, high: number): number {
  return value < low ? low : Math.min(value, high);
}

/** A z-score that treats a zero spread as "any difference is infinitely unusual". */
export function zScore(residual: number, spread: number): number {
  if (spread > 0) return residual / spread;
  if (residual === 0) return 0;
  return residual > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

/** The median of a non-empty array (copied, not sorted in place). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The learning rate of an exponentially weighted mean that is an exact mean over its first samples. */
export function warmRate(rate: number, samples: number): number {
  const exact = 1 / (samples + 1);
  return Math.max(exact, rate);
}

/** σ ≈ 1.2533 × mean absolute deviation, for a normal distribution. */
export const MEAN_ABS_TO_SIGMA = Math.sqrt(Math.PI / 2);
/** σ ≈ 1.4826 × median absolute deviation, for a normal distribution. */
export const MAD_TO_SIGMA = 1.482602218505602;
