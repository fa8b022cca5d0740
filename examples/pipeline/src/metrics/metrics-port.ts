/** The port `--metrics-port` uses when given without a value (the OpenTelemetry Prometheus port). */
export const DEFAULT_METRICS_PORT = 9464;
