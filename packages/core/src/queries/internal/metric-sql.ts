import { METRIC_CATALOGUE, type MetricId } from '../../metrics/catalogue.js';
import { centsToDecimal, toCents } from './values.js';

/**
 * The catalogue's metrics as SQL select-list entries: every query, live or history, computes a
 * metric with the catalogue's own expression, so one metric is one number everywhere.
 */

/** A metric's column alias: `activeCustomers` → `active_customers`. */
export function metricColumn(id: MetricId): string {
  return id.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The alias of the average basket's denominator column. */
const BASKET_ORDERS = 'basket_orders';

/**
 * Select-list entries computing metrics over a relation of the catalogue.
 *
 * @param ids - the metrics
 * @param relation - `order` (one row per order) or `item` (one row per order item)
 * @returns `expr AS alias, …`; a ratio adds its numerator and its denominator (`basket_orders`),
 *   a sum its terms
 * @throws TypeError when a metric has no form over that relation
 */
export function metricSelect(ids: readonly MetricId[], relation: 'order' | 'item'): string {
  const entries = new Map<string, string>();
  const add = (id: MetricId): void => {
    const { formula } = METRIC_CATALOGUE[id];
    if (formula.kind === 'sum') {
      for (const term of formula.of) add(term);
      return;
    }
    if (formula.kind === 'ratio') {
      add(formula.numerator);
      if (relation !== 'order') throw new TypeError(`metric ${id} has no per-item form`);
      entries.set(BASKET_ORDERS, formula.denominatorSql);
      return;
    }
    const sql =
      formula.relation === relation ? formula.sql : relation === 'item' ? formula.itemSql : undefined;
    if (sql === undefined) throw new TypeError(`metric ${id} has no form over the ${relation} relation`);
    entries.set(metricColumn(id), sql);
  };
  for (const id of ids) add(id);
  return [...entries].map(([alias, sql]) => `${sql} AS ${alias}`).join(',\n  ');
}

/**
 * A metric's value from a row selected with {@link metricSelect}: counts as numbers, money as an
 * exact decimal string (ratios rounded to the cent; `"0.00"` without a denominator).
 *
 * @param id - the metric
 * @param row - the row
 * @returns the value
 */
export function metricValue(
  id: MetricId,
  row: Readonly<Record<string, unknown>> | undefined,
): number | string {
  const { formula, unit } = METRIC_CATALOGUE[id];
  if (formula.kind === 'sum') {
    const cents = formula.of.reduce((total, term) => total + toCents(row?.[metricColumn(term)]), 0);
    return centsToDecimal(cents);
  }
  if (formula.kind === 'ratio') {
    const denominator = Number(row?.[BASKET_ORDERS] ?? 0);
    const numerator = toCents(row?.[metricColumn(formula.numerator)]);
    return centsToDecimal(denominator > 0 ? numerator / denominator : 0);
  }
  const value = row?.[metricColumn(id)];
  if (unit === 'BRL') return centsToDecimal(toCents(value));
  const n = typeof value === 'number' ? value : Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}
