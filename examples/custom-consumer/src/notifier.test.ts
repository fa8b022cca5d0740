import type { Alert } from '@orderstream/core';
import { ALERTS } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import { alertPayload, createNotifier } from './notifier.js';

const alert: Alert = {
  id: 'orders-silence:orders:2018-03-05T10:32:00.000Z',
  rule: 'orders-silence',
  series: 'orders',
  metric: 'orders',
  detector: 'silence',
  severity: 'critical',
  state: 'firing',
  direction: 'drop',
  startedAt: new Date('2018-03-05T10:32:00Z'),
  firedAt: new Date('2018-03-05T10:33:00Z'),
  resolvedAt: null,
  observed: 0,
  expected: 20,
  bandLow: null,
  bandHigh: null,
  score: 3,
  explanation: 'orders dropped to zero: no orders for 3 minutes since 2018-03-05 10:30 UTC',
  details: { forMinutes: 0 },
};

function fakeFetch(statuses: (number | 'network')[]) {
  const calls: { url: string; body: unknown }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, body: JSON.parse(String(init.body)) });
    const status = statuses[Math.min(calls.length - 1, statuses.length - 1)];
    if (status === 'network') throw new TypeError('fetch failed');
    return new Response(null, { status });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('notifier', () => {
  it('builds the ALERTS row as JSON, with a chat-friendly text', () => {
    const payload = alertPayload(alert);
    for (const column of ALERTS.columns) expect(payload).toHaveProperty(column.name);
    expect(payload.started_at).toBe('2018-03-05T10:32:00.000Z');
    expect(payload.text).toBe(`[CRITICAL] ${alert.explanation}`);
    expect(alertPayload({ ...alert, state: 'resolved' }).text).toMatch(/^\[RESOLVED\] /);
  });

  it('prints alerts when no webhook is configured', async () => {
    const lines: string[] = [];
    await createNotifier({ log: (line) => lines.push(line) })(alert);
    expect(lines).toEqual([`[CRITICAL] ${alert.explanation}`]);
  });

  it('POSTs to the webhook, retrying network errors and 5xx', async () => {
    const { fetch, calls } = fakeFetch(['network', 503, 204]);
    const lines: string[] = [];
    await createNotifier({
      webhookUrl: 'http://hooks.test/alerts',
      fetch,
      retryDelayMs: 1,
      log: (l) => lines.push(l),
    })(alert);
    expect(calls).toHaveLength(3);
    expect(calls[2]?.url).toBe('http://hooks.test/alerts');
    expect(calls[2]?.body).toMatchObject({ alert_id: alert.id, state: 'firing' });
    expect(lines).toEqual([]);
  });

  it('gives up on a 4xx at once and logs it instead of throwing', async () => {
    const { fetch, calls } = fakeFetch([400]);
    const lines: string[] = [];
    await createNotifier({
      webhookUrl: 'http://hooks.test/alerts',
      fetch,
      retryDelayMs: 1,
      log: (l) => lines.push(l),
    })(alert);
    expect(calls).toHaveLength(1);
    expect(lines).toEqual([`Could not deliver alert ${alert.id}: The alert webhook answered 400`]);
  });
});
