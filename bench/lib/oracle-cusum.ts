// The oracle of the low-volume comparison: a Poisson CUSUM that knows each minute's pre-change rate
// and the anomaly's factor (the best a detector can do, by Lorden's optimality of CUSUM), with its
// threshold set so that it raises at most as many false alarms on the clean scenario as ours did.

/** The log-likelihood ratio of one minute: post-change rate `factor × base` against `base`. */
function increment(orders: number, base: number, factor: number): number {
  if (factor <= 0) return orders > 0 ? Number.NEGATIVE_INFINITY : base;
  return orders * Math.log(factor) - base * (factor - 1);
}

/** False alarms of the oracle on anomaly-free minutes (restarting after each alarm). */
export function oracleFalseAlarms(
  base: Float64Array,
  orders: Int32Array,
  factor: number,
  threshold: number,
): number {
  let statistic = 0;
  let alarms = 0;
  for (let m = 0; m < orders.length; m++) {
    statistic = Math.max(0, statistic + increment(orders[m] as number, base[m] as number, factor));
    if (statistic > threshold) {
      alarms += 1;
      statistic = 0;
    }
  }
  return alarms;
}

/** The smallest threshold (to 0.05) with at most `allowed` false alarms on the clean minutes. */
export function calibrateOracle(
  base: Float64Array,
  orders: Int32Array,
  factor: number,
  allowed: number,
): number {
  let low = 0;
  let high = 1;
  while (oracleFalseAlarms(base, orders, factor, high) > allowed) high *= 2;
  while (high - low > 0.05) {
    const mid = (low + high) / 2;
    if (oracleFalseAlarms(base, orders, factor, mid) > allowed) low = mid;
    else high = mid;
  }
  return high;
}

/**
 * Minutes from `start` to the end of the minute at which the oracle, started fresh at `start`,
 * passes `threshold`; `null` if it does not within `limit` minutes.
 */
export function oracleDelay(
  base: Float64Array,
  orders: Int32Array,
  start: number,
  factor: number,
  threshold: number,
  limit: number,
): number | null {
  let statistic = 0;
  for (let m = start; m < Math.min(orders.length, start + limit); m++) {
    statistic = Math.max(0, statistic + increment(orders[m] as number, base[m] as number, factor));
    if (statistic > threshold) return m - start + 1;
  }
  return null;
}
