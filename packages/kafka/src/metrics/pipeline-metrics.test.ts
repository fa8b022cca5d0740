import type { Alert } from '@orderstream/core';
import { createAlertEngine } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import type { HealthFinding } from '../health/health-finding.js';
import { createOrderProducer } from '../producer/order-producer.js';
import { fakeSink, sample } from './metrics-fixture.js';
import { startMetricsServer } from './metrics-server.js';
import { registerPipelineMetrics } from './pipeline-metrics.js';

const finding = (rule: HealthFinding['rule'], failing: boolean, observed: number): HealthFinding => ({
  rule,
  failing,
  observed,
  limit: 0,
  explanation: '',
});

describe('registerPipelineMetrics', () => {
  it('counts producer sends, fired alerts, dbt runs and health results', async () => {
    const metrics = registerPipelineMetrics();
    const producer = createOrderProducer({ brokers: ['127.0.0.1:1'] });
    const engine = createAlertEngine();
    metrics.observeProducer(producer);
    metrics.observeAlerts(engine);

    producer.emit('sent', { topic: 'orders', count: 3, bytes: 300, total: 3 });
    producer.emit('sent', { topic: 'orders', count: 2, bytes: 250, total: 5 });
    const alert = { rule: 'orders-spike', severity: 'critical' } as unknown as Alert;
    engine.emit('alert', alert);
    engine.emit('alert', alert);
    metrics.recordDbtRun({ kind: 'build', ok: true, seconds: 12 });
    metrics.recordDbtRun({ kind: 'incremental build', ok: false, seconds: 3 });
    metrics.recordHealth(
      [finding('health.freshness', false, 4), finding('health.lag', true, 70_000)],
      new Date('2026-01-02T03:04:05Z'),
    );

    const text = await metrics.registry.metrics();
    expect(sample(text, 'orderstream_producer_events_sent_total')).toBe(5);
    expect(sample(text, 'orderstream_producer_bytes_sent_total')).toBe(550);
    expect(sample(text, 'orderstream_alerts_fired_total{rule="orders-spike",severity="critical"}')).toBe(2);
    expect(sample(text, 'orderstream_dbt_runs_total{kind="build",result="success"}')).toBe(1);
    expect(sample(text, 'orderstream_dbt_runs_total{kind="incremental build",result="failure"}')).toBe(1);
    expect(sample(text, 'orderstream_dbt_run_duration_seconds_sum{kind="build"}')).toBe(12);
    expect(sample(text, 'orderstream_dbt_last_run_success{kind="incremental build"}')).toBe(0);
    expect(sample(text, 'orderstream_health_status{rule="health.freshness"}')).toBe(1);
    expect(sample(text, 'orderstream_health_status{rule="health.lag"}')).toBe(0);
    expect(sample(text, 'orderstream_health_observed{rule="health.lag"}')).toBe(70_000);
    expect(sample(text, 'orderstream_health_last_check_timestamp_seconds')).toBe(
      Date.parse('2026-01-02T03:04:05Z') / 1000,
    );

    metrics.dispose();
    producer.emit('sent', { topic: 'orders', count: 1, bytes: 1, total: 6 });
    expect(await metrics.registry.metrics()).not.toContain('orderstream_producer_events_sent_total');
  });

  it('shares one /metrics endpoint with the sink metrics', async () => {
    const metrics = registerPipelineMetrics();
    metrics.recordDbtRun({ kind: 'build', ok: true, seconds: 1.5 });
    const server = await startMetricsServer({ sink: fakeSink().sink, port: 0, registry: metrics.registry });
    try {
      const response = await fetch(server.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(sample(text, 'orderstream_dbt_runs_total{kind="build",result="success"}')).toBe(1);
      expect(text).toContain('# TYPE orderstream_sink_records_total counter');
      expect(text).toContain('# TYPE orderstream_producer_events_sent_total counter');
    } finally {
      await server.close();
      metrics.dispose();
    }
  });

  it('rejects a prefix Prometheus cannot name', () => {
    expect(() => registerPipelineMetrics({ prefix: 'bad-prefix' })).toThrow(/PipelineMetrics/);
  });
});
