import type { AlertRule } from './options.js';

/**
 * The default configuration, tuned on the labelled scenarios of `bench/detectors.ts` (see
 * `bench/results/detectors.md` for how it does):
 *
 * - `orders-cusum` — Poisson CUSUM on the shop's order count, both directions: count-aware, so it
 *   works at 2 orders a minute as well as at 50;
 * - `orders-seasonal` — seasonal baseline on the order count, for fast detection of sharp changes at
 *   high volume;
 * - `revenue-seasonal` — seasonal baseline on revenue (scale-free, so cents are fine);
 * - `orders-silence` — no orders for at least 3 minutes when a dozen were expected: critical.
 *
 * Warm-start the seasonal and CUSUM rules with {@link AlertEngine.warmStart} from hourly history to
 * have them alert from the first minute; otherwise they learn for two hours first.
 *
 * @example
 * ```ts
 * // the defaults plus a per-state drop rule
 * const engine = createAlertEngine({
 *   rules: [...DEFAULT_ALERT_RULES, { name: 'state-drop', metric: 'orders', by: 'customer_state', detector: { kind: 'poisson-cusum' }, direction: 'drop' }],
 * });
 * ```
 */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = Object.freeze([
  {
    name: 'orders-cusum',
    metric: 'orders',
    detector: { kind: 'poisson-cusum' },
    forMinutes: 0,
    cooldownMinutes: 30,
    severity: 'warning',
  },
  {
    name: 'orders-seasonal',
    metric: 'orders',
    detector: { kind: 'seasonal' },
    forMinutes: 1,
    cooldownMinutes: 30,
    severity: 'warning',
  },
  {
    name: 'revenue-seasonal',
    metric: 'revenue',
    detector: { kind: 'seasonal' },
    forMinutes: 1,
    cooldownMinutes: 30,
    severity: 'info',
  },
  {
    name: 'orders-silence',
    metric: 'orders',
    detector: { kind: 'silence' },
    forMinutes: 0,
    cooldownMinutes: 10,
    severity: 'critical',
  },
] satisfies AlertRule[]);
