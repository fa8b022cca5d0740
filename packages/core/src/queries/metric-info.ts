import { METRIC_CATALOGUE, type MetricId } from '../metrics/catalogue.js';

/** What a page shows about a metric beside its value: its label, its definition and its unit. */
export interface MetricInfo {
  readonly label: string;
  readonly definition: string;
  readonly unit: string;
}

/**
 * The label and definition of one metric, for a payload (a page's tooltip).
 *
 * @param id - the metric
 * @returns its label, definition and unit
 */
export function metricInfoOf(id: MetricId): MetricInfo {
  const { label, definition, unit } = METRIC_CATALOGUE[id];
  return { label, definition, unit };
}

/**
 * The labels and definitions of metrics, for a payload (a page's tooltips).
 *
 * @param ids - the metrics
 * @returns label, definition and unit by metric id
 */
export function metricInfo(ids: readonly MetricId[]): Readonly<Record<string, MetricInfo>> {
  return Object.fromEntries(ids.map((id) => [id, metricInfoOf(id)]));
}
