import { kafkaError } from '../errors/kafka-error-codes.js';

/**
 * Reads the newest write of a running sink from its Prometheus endpoint
 * (`orderstream_sink_last_write_timestamp_seconds`, see {@link registerSinkMetrics}), for when the
 * warehouse cannot be opened beside it (a DuckDB file admits one process).
 *
 * @param url - the sink's metrics URL, e.g. `http://127.0.0.1:9464/metrics`
 * @returns the time of the newest write, `null` when the sink has written nothing yet
 * @throws `OrderstreamError` `KAFKA_METRICS_UNREADABLE` when the endpoint does not answer (within
 *   5 s) or serves no sink metrics
 * @example
 * ```ts
 * const newestRowAt = await readSinkLastWrite('http://127.0.0.1:9464/metrics');
 * ```
 */
export async function readSinkLastWrite(url: string): Promise<Date | null> {
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
    text = await response.text();
  } catch (error) {
    throw kafkaError('KAFKA_METRICS_UNREADABLE', (error as Error).message, {
      cause: error,
      details: { url },
    });
  }
  if (!/^orderstream_sink_records_total\b/m.test(text))
    throw kafkaError('KAFKA_METRICS_UNREADABLE', `${url} serves no orderstream sink metrics`, {
      details: { url },
    });
  const match = /^orderstream_sink_last_write_timestamp_seconds\s+([0-9.e+]+)/m.exec(text);
  return match?.[1] === undefined ? null : new Date(Number(match[1]) * 1000);
}
