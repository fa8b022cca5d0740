/** Median of the standard Gumbel distribution: −ln ln 2. */
export const GUMBEL_MEDIAN = -Math.log(Math.LN2);
/** Median absolute deviation of the standard Gumbel distribution. */
export const GUMBEL_MAD = 0.767049251325708;

/** Location and scale of a Gumbel distribution. */
export interface Gumbel {
  readonly location: number;
  readonly scale: number;
}

/** The smallest scale a fit may have: a block maximum always varies a little. */
const MIN_SCALE = 0.05;

/**
 * The Gumbel law of the maximum of `n` independent standard normal values (extreme-value theory's
 * normalising constants): what the largest of `n` ordinary deviance residuals looks like when the
 * model is right.
 */
export function normalMaximum(n: number): Gumbel {
  const m = Math.max(n, 2);
  const root = Math.sqrt(2 * Math.log(m));
  const location = root - (Math.log(Math.log(m)) + Math.log(4 * Math.PI)) / (2 * root);
  return { location: Math.max(location, 1), scale: 1 / root };
}

/**
 * A Gumbel fitted to a sample of block maxima by its median and median absolute deviation: robust,
 * so that incidents in a minority of blocks do not move it.
 */
export function robustGumbel(values: readonly number[]): Gumbel {
  const sorted = [...values].sort((a, b) => a - b);
  const med = quantile(sorted, 0.5);
  const deviations = sorted.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
  const scale = Math.max(quantile(deviations, 0.5) / GUMBEL_MAD, MIN_SCALE);
  return { location: med - GUMBEL_MEDIAN * scale, scale };
}

/** The Gumbel quantile of probability `(i + 1) ÷ (n + 1)`: an evenly spread sample of `n` values. */
export function gumbelSample(law: Gumbel, n: number): number[] {
  return Array.from(
    { length: n },
    (_, i) => law.location - law.scale * Math.log(-Math.log((i + 1) / (n + 1))),
  );
}

/**
 * The `z` with `P(|Z| > z) = p` for a standard normal `Z`, from the Mills-ratio tail
 * `2·φ(z) ÷ z` (within a few percent of `p` for `p` below 10⁻³, which is where it is used).
 */
export function normalTwoSidedQuantile(p: number): number {
  let z = 4;
  for (let i = 0; i < 8; i++) z = Math.sqrt(2 * Math.log(2 / (p * z * Math.sqrt(2 * Math.PI))));
  return z;
}

/** Linear-interpolated quantile of an ascending array. */
function quantile(sorted: readonly number[], p: number): number {
  const at = p * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const low = sorted[lo] as number;
  return low + (at - lo) * ((sorted[hi] as number) - low);
}
