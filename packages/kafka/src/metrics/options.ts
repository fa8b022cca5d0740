import { Registry } from 'prom-client';
import { z } from 'zod';
import type { OrderSink } from '../sink/order-sink.js';

/** The defaults of the metrics options. */
export const METRICS_DEFAULTS = {
  /** The port of {@link startMetricsServer} (the OpenTelemetry Prometheus exporter's port). */
  port: 9464,
  host: '127.0.0.1',
  path: '/metrics',
  sinkPrefix: 'orderstream_sink_',
  pipelinePrefix: 'orderstream_',
} as const;

const METRIC_PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

const sinkSchema = z.custom<OrderSink>(
  (v) =>
    typeof (v as OrderSink | undefined)?.metrics === 'function' &&
    typeof (v as OrderSink | undefined)?.on === 'function',
  'an OrderSink',
);

// The registry must come from the same prom-client copy as the metrics registered in it (a peer
// dependency, so the application's and this package's are one).
const registrySchema = z.custom<Registry>(
  (value) => value instanceof Registry,
  'expected a prom-client Registry',
);

/** The zod schema of {@link SinkMetricsOptions}. */
export const sinkMetricsOptionsSchema = z
  .object({
    /** The sink to observe. */
    sink: sinkSchema,
    /**
     * The registry to register in.
     * @defaultValue a new `Registry`
     */
    registry: registrySchema.optional(),
    /**
     * Prefix of every metric name.
     * @defaultValue `'orderstream_sink_'`
     */
    prefix: z.string().regex(METRIC_PREFIX).default(METRICS_DEFAULTS.sinkPrefix),
  })
  .strict();

/**
 * Options of {@link registerSinkMetrics}.
 *
 * @interface
 */
export type SinkMetricsOptions = z.input<typeof sinkMetricsOptionsSchema>;

/** The zod schema of {@link MetricsServerOptions}. */
export const metricsServerOptionsSchema = z
  .object({
    /** The sink whose metrics are served. */
    sink: sinkSchema,
    /**
     * TCP port; `0` picks a free one (read it from `url`).
     * @defaultValue `9464`
     */
    port: z.int().min(0).max(65535).default(METRICS_DEFAULTS.port),
    /**
     * Address to bind. Loopback by default: expose it deliberately (`0.0.0.0`) behind your scraper's network.
     * @defaultValue `'127.0.0.1'`
     */
    host: z.string().min(1).default(METRICS_DEFAULTS.host),
    /**
     * The path served.
     * @defaultValue `'/metrics'`
     */
    path: z.string().startsWith('/').default(METRICS_DEFAULTS.path),
    /**
     * The registry to serve; the sink's metrics are added to it, so other metrics registered
     * there (e.g. `registerPipelineMetrics`) share the endpoint.
     * @defaultValue a new `Registry`
     */
    registry: registrySchema.optional(),
  })
  .strict();

/**
 * Options of {@link startMetricsServer}.
 *
 * @interface
 */
export type MetricsServerOptions = z.input<typeof metricsServerOptionsSchema>;

/** The zod schema of {@link PipelineMetricsOptions}. */
export const pipelineMetricsOptionsSchema = z
  .object({
    /**
     * The registry to register in; pass the sink's to serve everything on one endpoint.
     * @defaultValue a new `Registry`
     */
    registry: registrySchema.optional(),
    /**
     * Prefix of every metric name.
     * @defaultValue `'orderstream_'`
     */
    prefix: z.string().regex(METRIC_PREFIX).default(METRICS_DEFAULTS.pipelinePrefix),
  })
  .strict();

/**
 * Options of {@link registerPipelineMetrics}.
 *
 * @interface
 */
export type PipelineMetricsOptions = z.input<typeof pipelineMetricsOptionsSchema>;
