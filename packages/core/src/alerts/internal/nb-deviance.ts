/**
 * The signed deviance residual of a window's count under a negative binomial with mean `expected`
 * and variance `φ·expected + α·expected²`: `sign(observed − expected) · √deviance`. Unlike a z-score
 * it stays close to a standard normal at low counts (a zero where 18 were expected is −6, where a
 * z-score says −4.2) and does not explode for bursts of a heavy-tailed series (the α term grows with
 * the square of the mean). φ ≥ 1 scales the counts (quasi-likelihood); α → 0 gives the Poisson
 * deviance.
 */
export function signedDeviance(observed: number, expected: number, phi: number, alpha: number): number {
  if (!(expected > 0)) return 0;
  const y = Math.max(0, observed) / phi;
  const mu = expected / phi;
  const term = y > 0 ? y * Math.log(y / mu) : 0;
  let deviance: number;
  if (alpha * mu < 1e-9) {
    deviance = 2 * (term - (y - mu));
  } else {
    const size = 1 / alpha;
    deviance = 2 * (term - (y + size) * Math.log((y + size) / (mu + size)));
  }
  const root = Math.sqrt(Math.max(0, deviance));
  return y >= mu ? root : -root;
}

/**
 * The window count at which {@link signedDeviance} reaches `target` (positive: above `expected`,
 * negative: below; 0 when even no order at all does not reach it). Bisection to a thousandth of
 * an order; for the bands of a verdict.
 */
export function countAtDeviance(target: number, expected: number, phi: number, alpha: number): number {
  if (!(expected > 0)) return 0;
  if (target < 0 && signedDeviance(0, expected, phi, alpha) > target) return 0;
  let low = target >= 0 ? expected : 0;
  let high = expected;
  if (target >= 0) {
    high = expected * 2 + 10;
    while (signedDeviance(high, expected, phi, alpha) < target && high < 1e15) high *= 2;
  }
  for (let i = 0; i < 100 && high - low > 1e-3; i++) {
    const mid = (low + high) / 2;
    if (signedDeviance(mid, expected, phi, alpha) < target) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
