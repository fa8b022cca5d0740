import {
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  type Registry,
} from 'prom-client';

/** A metric's configuration less what the factory takes apart: its name, help and registry. */
type Declared<C> = Omit<C, 'name' | 'help' | 'registers'>;

/**
 * What a metric takes beside its name and help: its label names alone, or the rest of its
 * configuration.
 */
type Extra<T extends string, C> = readonly T[] | Declared<C>;

/** Declares metrics with one name prefix in one registry, and removes them again. */
export interface MetricFactory {
  /** The registry the metrics are registered in. */
  readonly registry: Registry;
  counter<T extends string = string>(
    name: string,
    help: string,
    config?: Extra<T, CounterConfiguration<T>>,
  ): Counter<T>;
  gauge<T extends string = string>(
    name: string,
    help: string,
    config?: Extra<T, GaugeConfiguration<T>>,
  ): Gauge<T>;
  histogram<T extends string = string>(
    name: string,
    help: string,
    config?: Extra<T, HistogramConfiguration<T>>,
  ): Histogram<T>;
  /** Removes every metric declared so far from the registry. */
  removeAll(): void;
}

/**
 * The one place the metric sets (`registerSinkMetrics`, `registerPipelineMetrics`) prefix their
 * names, register in their registry and remember what they registered for `dispose()`.
 *
 * @param prefix - put before every name (`orderstream_sink_`)
 * @param registry - where the metrics are registered
 * @returns the factory
 */
export function metricFactory(prefix: string, registry: Registry): MetricFactory {
  const names: string[] = [];
  const named = <T extends string, C>(name: string, help: string, extra: Extra<T, C> | undefined) => {
    names.push(prefix + name);
    const config = isLabelNames(extra) ? { labelNames: extra } : extra;
    return { ...config, name: prefix + name, help, registers: [registry] };
  };
  return {
    registry,
    counter: (name, help, config) => new Counter(named(name, help, config)),
    gauge: (name, help, config) => new Gauge(named(name, help, config)),
    histogram: (name, help, config) => new Histogram(named(name, help, config)),
    removeAll() {
      for (const name of names.splice(0)) registry.removeSingleMetric(name);
    },
  };
}

function isLabelNames<T extends string, C>(extra: Extra<T, C> | undefined): extra is readonly T[] {
  return Array.isArray(extra);
}
