import { describe, expect, it } from 'vitest';
import type { Alert } from './alert.js';
import type { AlertEngine } from './alert-engine.js';
import { createAlertEngine } from './alert-engine.js';
import { DEFAULT_ALERT_RULES } from './default-rules.js';
import type { HistoryPoint } from './detector.js';
import type { PipelineGap } from './events.js';
import { orderEventFixture as event } from './internal/order-event-fixture.js';

/** The default rules plus the critical silence rule (the one that paged about our own downtime). */
const WITH_SILENCE = {
  rules: [
    ...DEFAULT_ALERT_RULES,
    {
      name: 'orders-silence',
      metric: 'orders',
      detector: { kind: 'silence' },
      cooldownMinutes: 10,
      severity: 'critical',
    },
  ] as never,
};

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Monday 2018-03-05 13:00 UTC (10:00 in São Paulo). */
const START = Date.parse('2018-03-05T13:00:00Z');
const wobble = (i: number): number => ((i * 7) % 5) - 2;

function hourly(perMinute: number): HistoryPoint[] {
  return Array.from({ length: 4 * 168 }, (_, h) => ({
    at: new Date(START - (4 * 168 - h) * HOUR),
    value: perMinute * 60 + wobble(h) * Math.sqrt(perMinute * 60),
  }));
}

/**
 * A consumer on a fixed clock: minute `m` delivers 20 ± 2 orders, then the tick of the end of the
 * minute runs `tick(engine, m)` (advance when caught up, markUnknown while down, or nothing).
 */
function run(
  engine: AlertEngine,
  from: number,
  to: number,
  deliver: (m: number) => boolean,
  tick: (watermark: Date, m: number) => void,
): void {
  for (let m = from; m < to; m++) {
    if (deliver(m)) {
      const n = 20 + wobble(m);
      for (let i = 0; i < n; i++)
        engine.ingest(event({ at: START + m * MIN + Math.floor((i * MIN) / n), id: m * 100 + i }));
    }
    tick(new Date(START + (m + 1) * MIN - engine.options.allowedLatenessMs), m);
  }
}

function watch(engine: AlertEngine) {
  const alerts: Alert[] = [];
  const gaps: PipelineGap[] = [];
  engine.on('alert', (a) => alerts.push(a));
  engine.on('gap', (g) => gaps.push(g));
  return { alerts, gaps };
}

const down = (m: number) => m >= 60 && m < 90;

describe('AlertEngine: our downtime is not the shop’s silence', () => {
  it('a 30-minute stop (no events, no ticks) and a restart raise no business alert, one gap notice', () => {
    const engine = createAlertEngine(WITH_SILENCE);
    engine.warmStart('orders', hourly(20));
    const { alerts, gaps } = watch(engine);
    // While the pipeline is down nothing runs: no events and no timer.
    run(
      engine,
      0,
      150,
      (m) => !down(m),
      (wm, m) => (down(m) ? undefined : engine.advance(wm)),
    );
    expect(alerts).toEqual([]);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ reason: 'no-progress', from: new Date(START + 60 * MIN) });
    expect(gaps[0]?.minutes).toBe(30);
  });

  it('a sink down for 30 minutes, marked unknown by the consumer’s timer, raises no business alert', () => {
    const engine = createAlertEngine(WITH_SILENCE);
    engine.warmStart('orders', hourly(20));
    const { alerts, gaps } = watch(engine);
    run(
      engine,
      0,
      150,
      (m) => !down(m),
      (wm, m) => (down(m) ? engine.markUnknown(wm) : engine.advance(wm)),
    );
    expect(alerts).toEqual([]);
    expect(gaps).toEqual([
      { from: expect.any(Date), to: expect.any(Date), minutes: expect.any(Number), reason: 'marked' },
    ]);
    expect(gaps[0]?.minutes).toBe(30);
  });

  it('the same 30 silent minutes confirmed by advance (the shop went quiet) do alert', () => {
    const engine = createAlertEngine(WITH_SILENCE);
    engine.warmStart('orders', hourly(20));
    const { alerts, gaps } = watch(engine);
    run(
      engine,
      0,
      150,
      (m) => !down(m),
      (wm) => engine.advance(wm),
    );
    expect(alerts.map((a) => a.rule)).toContain('orders-silence');
    expect(gaps).toEqual([]);
  });

  it('treats an unconfirmed jump of event time as unknown only beyond unconfirmedGapMinutes', () => {
    const engine = createAlertEngine({
      rules: [{ name: 'quiet', metric: 'orders', detector: { kind: 'silence', minutes: 3, minExpected: 1 } }],
      unconfirmedGapMinutes: 10,
    });
    engine.warmStart('orders', hourly(20));
    const { alerts, gaps } = watch(engine);
    // 8 quiet minutes between events (no timer): a short quiet spell, judged, and silence alerts.
    run(
      engine,
      0,
      30,
      (m) => m < 10 || m >= 18,
      () => undefined,
    );
    expect(alerts.map((a) => a.rule)).toEqual(['quiet']);
    expect(gaps).toEqual([]);
  });
});

describe('AlertEngine: counted once', () => {
  it('ignores an event_id it has already seen, within its bounded memory', () => {
    const rules = [
      { name: 'many', metric: 'orders' as const, detector: { kind: 'threshold' as const, above: 1.5 } },
    ];
    const engine = createAlertEngine({ rules, dedupCapacity: 2 });
    const alerts: Alert[] = [];
    engine.on('alert', (a) => alerts.push(a));
    expect(engine.ingest(event({ at: START, id: 1 }))).toBe('added');
    expect(engine.ingest(event({ at: START + 1_000, id: 1 }))).toBe('duplicate');
    engine.advance(new Date(START + MIN));
    expect(alerts).toEqual([]); // one order, not two
    expect(engine.ingest(event({ at: START + MIN, id: 2 }))).toBe('added');
    expect(engine.ingest(event({ at: START + MIN + 1, id: 3 }))).toBe('added');
    // capacity 2: id 1 was forgotten (oldest first) and counts again
    expect(engine.ingest(event({ at: START + MIN + 2, id: 1 }))).toBe('added');
    engine.advance(new Date(START + 2 * MIN));
    expect(alerts.map((a) => a.observed)).toEqual([3]);
  });

  it('keeps the ids of open minutes across snapshot and restore', () => {
    const engine = createAlertEngine(WITH_SILENCE);
    engine.ingest(event({ at: START, id: 7 }));
    const copy = createAlertEngine(WITH_SILENCE);
    copy.restore(JSON.parse(JSON.stringify(engine.snapshot())));
    expect(copy.ingest(event({ at: START + 1, id: 7 }))).toBe('duplicate');
  });
});

describe('AlertEngine: alerts that end', () => {
  it('resolves after the incident with hysteresis and says how long it lasted', () => {
    const engine = createAlertEngine(WITH_SILENCE);
    engine.warmStart('orders', hourly(20));
    const resolved: Alert[] = [];
    engine.on('resolved', (a) => resolved.push(a));
    const { alerts } = watch(engine);
    // 12 minutes without orders while the pipeline runs: a real outage.
    run(
      engine,
      0,
      120,
      (m) => m < 30 || m >= 42,
      (wm) => engine.advance(wm),
    );
    const silence = resolved.find((a) => a.rule === 'orders-silence');
    expect(alerts.map((a) => a.rule)).toContain('orders-silence');
    // from the start of minute 32 (the third empty one) to the end of minute 42 (the first with orders)
    expect(silence?.startedAt).toEqual(new Date(START + 32 * MIN));
    expect(silence?.resolvedAt).toEqual(new Date(START + 43 * MIN));
    expect(silence?.durationMinutes).toBe(11);
    expect(silence?.explanation).toMatch(/Resolved after 11 minutes\.$/);
    expect(engine.firingAlerts()).toEqual([]);
  });
});
