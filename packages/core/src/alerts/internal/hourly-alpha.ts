import type { HistoryPoint } from '../detector.js';

/** |z| a normal value exceeds half the time: α is set so that half the blocks are beyond it. */
export const HALF_NORMAL_MEDIAN = 0.6744897501960817;
/** The smallest α: a series is never assumed more regular than this. */
export const ALPHA_FLOOR = 1e-4;

/**
 * α of hourly sums in warm-start history: each hour against its slot's mean (inflated by n ÷ (n − 1)
 * for the mean's own fit), α set so that half of the hours fall beyond ±0.674 σ; `null` without
 * slots seen twice.
 */
export function hourlyAlpha(points: readonly HistoryPoint[], slotOf: (ms: number) => number): number | null {
  const sums = new Map<number, { sum: number; n: number }>();
  const valid = points.filter((p) => Number.isFinite(p.value) && p.value >= 0);
  for (const p of valid) {
    const slot = slotOf(p.at.getTime());
    const s = sums.get(slot) ?? { sum: 0, n: 0 };
    s.sum += p.value;
    s.n += 1;
    sums.set(slot, s);
  }
  const residuals: { residual: number; expected: number }[] = [];
  for (const p of valid) {
    const s = sums.get(slotOf(p.at.getTime())) as { sum: number; n: number };
    const expected = s.sum / s.n;
    if (s.n < 2 || expected <= 0) continue;
    residuals.push({ residual: Math.abs(p.value - expected) * Math.sqrt(s.n / (s.n - 1)), expected });
  }
  if (residuals.length === 0) return null;
  const beyond = (alpha: number) =>
    residuals.filter((r) => r.residual > HALF_NORMAL_MEDIAN * Math.sqrt(r.expected + alpha * r.expected ** 2))
      .length / residuals.length;
  let low = ALPHA_FLOOR;
  let high = 10;
  if (beyond(low) <= 0.5) return low;
  for (let i = 0; i < 60; i++) {
    const mid = Math.sqrt(low * high);
    if (beyond(mid) > 0.5) low = mid;
    else high = mid;
  }
  return high;
}
