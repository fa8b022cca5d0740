/** The per-minute metrics the aggregator builds from `order_created` events. */
export const ALERT_METRICS = ['orders', 'revenue', 'items'] as const;

/**
 * One of {@link ALERT_METRICS}: `orders` (count of `order_created`), `revenue` (sum of item price +
 * freight, in cents), `items` (number of order items).
 */
export type AlertMetric = (typeof ALERT_METRICS)[number];

/** Dimensions a rule can split its metric by, one series per value. */
export const ALERT_DIMENSIONS = ['customer_state', 'product_category'] as const;

/** One of {@link ALERT_DIMENSIONS}. */
export type AlertDimension = (typeof ALERT_DIMENSIONS)[number];

/**
 * The name of a series, Prometheus style: `orders`, `revenue{customer_state="SP"}`.
 *
 * @param metric - the metric
 * @param dimension - the dimension the series is keyed by, if any
 * @param key - the dimension's value
 * @returns the series name used in alerts and in `ALERTS.series`
 * @example
 * ```ts
 * seriesName('orders', 'customer_state', 'SP'); // 'orders{customer_state="SP"}'
 * engine.warmStart(seriesName('orders', 'customer_state', 'SP'), hourlyOrdersInSaoPaulo);
 * ```
 */
export function seriesName(metric: AlertMetric, dimension?: AlertDimension, key?: string): string {
  if (dimension === undefined) return metric;
  return `${metric}{${dimension}=${JSON.stringify(key ?? '')}}`;
}
