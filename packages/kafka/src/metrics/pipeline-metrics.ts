import type { AlertEngine } from '@orderstream/core';
import { resolveOptions } from '@orderstream/core';
import { Registry } from 'prom-client';
import type { HealthFinding } from '../health/health-finding.js';
import type { OrderProducer } from '../producer/order-producer.js';
import { metricFactory } from './internal/metric-factory.js';
import { type PipelineMetricsOptions, pipelineMetricsOptionsSchema } from './options.js';

/** The outcome of one dbt invocation, as {@link PipelineMetrics.recordDbtRun} takes it. */
export interface DbtRunOutcome {
  /** What ran: `build`, `incremental build`, `full build`. */
  readonly kind: string;
  /** Whether dbt succeeded. */
  readonly ok: boolean;
  /** Wall time, in seconds. */
  readonly seconds: number;
}

/** The pipeline's own metrics, next to the sink's. */
export interface PipelineMetrics {
  /** The registry holding them. */
  readonly registry: Registry;
  /** Counts the events and bytes a producer gets acknowledged (its `sent` events). */
  observeProducer(producer: OrderProducer): void;
  /** Counts the alerts an engine fires (its `alert` events), by rule and severity. */
  observeAlerts(engine: AlertEngine): void;
  /** Records one dbt invocation: duration histogram, result counter, last-result gauge. */
  recordDbtRun(outcome: DbtRunOutcome): void;
  /** Records the findings of one health check: one status gauge per rule, and the check time. */
  recordHealth(findings: readonly HealthFinding[], at?: Date): void;
  /** Stops listening to what it observes and removes its metrics from the registry. */
  dispose(): void;
}

/**
 * Registers the pipeline's metrics beside the sink's ({@link registerSinkMetrics}): what the
 * producer sent, how dbt builds went, which alerts the detectors fired and what the last health
 * check found.
 *
 * | metric | type | source |
 * | --- | --- | --- |
 * | `producer_events_sent_total`, `producer_bytes_sent_total` | counter | producer `sent` events |
 * | `dbt_runs_total{kind,result}` | counter | {@link PipelineMetrics.recordDbtRun} |
 * | `dbt_run_duration_seconds{kind}` | histogram | {@link PipelineMetrics.recordDbtRun} |
 * | `dbt_last_run_success{kind}` | gauge | 1 when the last run of that kind succeeded, else 0 |
 * | `alerts_fired_total{rule,severity}` | counter | alert engine `alert` events |
 * | `health_status{rule}` | gauge | 1 healthy, 0 failing, per health rule |
 * | `health_observed{rule}` | gauge | the value the rule compared with its limit |
 * | `health_last_check_timestamp_seconds` | gauge | Unix time of the last health check |
 *
 * @param options - registry and prefix
 * @returns the metrics and the recorders that feed them
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for a bad prefix
 * @example
 * ```ts
 * const metrics = registerPipelineMetrics({ registry: sinkMetrics.registry });
 * metrics.observeProducer(producer);
 * metrics.recordDbtRun({ kind: 'build', ok: true, seconds: 12.5 });
 * ```
 */
export function registerPipelineMetrics(options: PipelineMetricsOptions = {}): PipelineMetrics {
  const { prefix, registry = new Registry() } = resolveOptions(
    'PipelineMetrics',
    pipelineMetricsOptionsSchema,
    options,
  );
  const m = metricFactory(prefix, registry);

  const eventsSent = m.counter('producer_events_sent_total', 'Order events the producer got acknowledged.');
  const bytesSent = m.counter(
    'producer_bytes_sent_total',
    'Bytes of order event values the producer got acknowledged.',
  );
  const dbtRuns = m.counter('dbt_runs_total', 'dbt invocations, by kind and result (success or failure).', [
    'kind',
    'result',
  ]);
  const dbtDuration = m.histogram('dbt_run_duration_seconds', 'Wall seconds of a dbt invocation, by kind.', {
    labelNames: ['kind'] as const,
    buckets: [1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600],
  });
  const dbtLastSuccess = m.gauge(
    'dbt_last_run_success',
    '1 when the last dbt run of that kind succeeded, 0 when it failed.',
    ['kind'],
  );
  const alertsFired = m.counter(
    'alerts_fired_total',
    'Alerts fired by the detectors, by rule and severity.',
    ['rule', 'severity'],
  );
  const healthStatus = m.gauge('health_status', 'Last health check per rule: 1 healthy, 0 failing.', [
    'rule',
  ]);
  const healthObserved = m.gauge(
    'health_observed',
    'Last health check per rule: the observed value (seconds of staleness, new dead letters, records of lag).',
    ['rule'],
  );
  const healthCheckedAt = m.gauge(
    'health_last_check_timestamp_seconds',
    'Unix time of the last health check.',
  );

  const detach: Array<() => void> = [];
  return {
    registry,
    observeProducer(producer) {
      const onSent = (info: { count: number; bytes: number }) => {
        eventsSent.inc(info.count);
        bytesSent.inc(info.bytes);
      };
      producer.on('sent', onSent);
      detach.push(() => producer.off('sent', onSent));
    },
    observeAlerts(engine) {
      const onAlert = (alert: { rule: string; severity: string }) =>
        alertsFired.inc({ rule: alert.rule, severity: alert.severity });
      engine.on('alert', onAlert);
      detach.push(() => engine.off('alert', onAlert));
    },
    recordDbtRun({ kind, ok, seconds }) {
      dbtRuns.inc({ kind, result: ok ? 'success' : 'failure' });
      dbtDuration.observe({ kind }, seconds);
      dbtLastSuccess.set({ kind }, ok ? 1 : 0);
    },
    recordHealth(findings, at = new Date()) {
      for (const finding of findings) {
        healthStatus.set({ rule: finding.rule }, finding.failing ? 0 : 1);
        healthObserved.set({ rule: finding.rule }, finding.observed);
      }
      healthCheckedAt.set(at.getTime() / 1000);
    },
    dispose() {
      for (const off of detach.splice(0)) off();
      m.removeAll();
    },
  };
}
