/**
 * `@orderstream/kafka/metrics`: Prometheus metrics for a streaming pipeline, on prom-client (a peer
 * dependency: install `prom-client` beside this package). {@link registerSinkMetrics} observes an
 * `OrderSink` (rows, rejects, flushes, dead letters, errors, lag, latency, buffers);
 * {@link startMetricsServer} serves them over HTTP; {@link registerPipelineMetrics} adds what
 * surrounds the sink (the producer's sends, dbt runs, fired alerts, health checks);
 * {@link readSinkLastWrite} reads a running sink's newest write back from its endpoint.
 *
 * @example
 * ```ts
 * import { createOrderSink } from '@orderstream/kafka';
 * import { registerPipelineMetrics, startMetricsServer } from '@orderstream/kafka/metrics';
 *
 * const sink = createOrderSink({ brokers: ['localhost:9092'], groupId: 'orderstream-sink', warehouse });
 * const server = await startMetricsServer({ sink, port: 9464 });
 * const pipeline = registerPipelineMetrics({ registry: server.registry });
 * pipeline.recordDbtRun({ kind: 'build', ok: true, seconds: 12.5 });
 * console.log(`scrape ${server.url}`); // http://127.0.0.1:9464/metrics
 * // … on shutdown
 * pipeline.dispose();
 * await server.close();
 * ```
 *
 * @packageDocumentation
 */

export type { MetricsServer } from './metrics-server.js';
export { startMetricsServer } from './metrics-server.js';
export type { MetricsServerOptions, PipelineMetricsOptions, SinkMetricsOptions } from './options.js';
export {
  METRICS_DEFAULTS,
  metricsServerOptionsSchema,
  pipelineMetricsOptionsSchema,
  sinkMetricsOptionsSchema,
} from './options.js';
export type { DbtRunOutcome, PipelineMetrics } from './pipeline-metrics.js';
export { registerPipelineMetrics } from './pipeline-metrics.js';
export { readSinkLastWrite } from './read-sink-last-write.js';
export type { RegisteredSinkMetrics } from './sink-metrics.js';
export { registerSinkMetrics } from './sink-metrics.js';
