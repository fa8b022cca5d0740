import type { AlertRule } from './alert-rule.js';

/**
 * The default configuration (see `docs/benchmarks.md` for how it does on the synthetic scenarios
 * and on ten real, labelled count series):
 *
 * - `orders-demand` — the {@link DemandDetector} on the shop's order count, both directions: a
 *   baseline of level × hour-of-week factor (business time zone), negative-binomial noise learned
 *   from the series, a scan of windows from one minute (outages, surges at high volume) to four hours
 *   (sustained shifts, low volume), limits calibrated on the series' own extremes for a budget of
 *   three statistical extremes a week — with the minimum effect of 30 %, about 0.15 false alerts a
 *   week on the synthetic scenarios (at most about one alert a week on a series without warm start
 *   that keeps doing what it did) — and alerts that resolve when the change is over.
 *
 * One incident, one alert: no default revenue rule (revenue moves with orders and would page twice for
 * the same incident; add `{ metric: 'revenue', detector: { kind: 'demand' } }` to watch basket size)
 * and no default `silence` rule: it assumes Poisson counts, and on real, bursty series (ten NAB
 * series in `docs/benchmarks.md`) empty spells of a dozen expected orders are ordinary — it fired up
 * to 60 times a week there. A total outage is a 100 % drop, which `orders-demand` reports. Add
 * `{ name: 'orders-silence', metric: 'orders', detector: { kind: 'silence' }, severity: 'critical' }`
 * for a faster, critical page at steady volume.
 *
 * Warm-start them with {@link AlertEngine.warmStart} from hourly history to have them alert from the
 * first minute; otherwise they learn for two hours first.
 *
 * @example
 * ```ts
 * // the defaults plus a per-state drop rule
 * const engine = createAlertEngine({
 *   rules: [...DEFAULT_ALERT_RULES, { name: 'state-drop', metric: 'orders', by: 'customer_state', detector: { kind: 'demand' }, direction: 'drop' }],
 * });
 * ```
 */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = Object.freeze([
  {
    name: 'orders-demand',
    metric: 'orders',
    detector: { kind: 'demand' },
    forMinutes: 0,
    cooldownMinutes: 30,
    severity: 'warning',
  },
] satisfies AlertRule[]);
