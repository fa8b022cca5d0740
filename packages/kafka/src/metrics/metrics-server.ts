import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OrderstreamError, resolveOptions } from '@orderstream/core';
import type { Registry } from 'prom-client';
import { type MetricsServerOptions, metricsServerOptionsSchema } from './options.js';
import { registerSinkMetrics } from './sink-metrics.js';

/** A running metrics endpoint. */
export interface MetricsServer {
  /** The scrape URL, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  /** The registry served (add your own metrics to it). */
  readonly registry: Registry;
  /** Stops the server and detaches from the sink. */
  close(): Promise<void>;
}

/**
 * Serves the sink's Prometheus metrics ({@link registerSinkMetrics}) over HTTP on `path`; any
 * other path answers 404.
 *
 * @param options - sink, port, host and path
 * @returns the URL and `close()`
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for invalid options or when the port cannot be bound
 * @example
 * ```ts
 * const metrics = await startMetricsServer({ sink, port: 9464 });
 * console.error(`metrics on ${metrics.url}`);
 * // …
 * await metrics.close();
 * ```
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const o = resolveOptions('MetricsServer', metricsServerOptionsSchema, options);
  const metrics = registerSinkMetrics({ sink: o.sink, ...(o.registry ? { registry: o.registry } : {}) });
  const { registry } = metrics;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== o.path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (error: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`),
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    metrics.dispose();
    throw new OrderstreamError(
      'CORE_INVALID_OPTIONS',
      `Cannot serve metrics on ${o.host}:${o.port}: ${(error as Error).message}`,
      { cause: error, details: { host: o.host, port: o.port } },
    );
  }
  const { port } = server.address() as AddressInfo;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}${o.path}`,
    registry,
    close: () =>
      new Promise<void>((resolve) => {
        metrics.dispose();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
