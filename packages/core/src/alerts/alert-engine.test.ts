import { describe, expect, it } from 'vitest';
import { ALERTS } from '../schema/raw-schema.js';
import type { Alert } from './alert.js';
import { toAlertRow } from './alert.js';
import type { AlertEngine } from './alert-engine.js';
import { createAlertEngine } from './alert-engine.js';
import type { AlertRule } from './alert-rule.js';
import { DEFAULT_ALERT_RULES } from './default-rules.js';
import type { HistoryPoint } from './detector.js';
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
const MONDAY = Date.parse('2018-03-05T00:00:00Z');
const wobble = (i: number): number => ((i * 7) % 5) - 2;

function hourly(perMinute: number, scale = 1): HistoryPoint[] {
  return Array.from({ length: 4 * 168 }, (_, h) => ({
    at: new Date(MONDAY - (4 * 168 - h) * HOUR),
    value: (perMinute * 60 + wobble(h) * Math.sqrt(perMinute * 60)) * scale,
  }));
}

/** Streams `counts[i]` orders of R$ 100 in minute i (from `start`) and advances the watermark like a timer. */
function stream(engine: AlertEngine, start: number, counts: readonly number[], state = 'SP'): void {
  counts.forEach((count, m) => {
    for (let i = 0; i < count; i++) {
      engine.ingest(
        event({
          at: start + m * MIN + Math.floor((i * MIN) / count),
          state,
          id: (start / MIN + m) * 1000 + i,
        }),
      );
    }
    engine.advance(new Date(start + (m + 1) * MIN - engine.options.allowedLatenessMs));
  });
}

function collect(engine: AlertEngine): { fired: Alert[]; resolved: Alert[] } {
  const fired: Alert[] = [];
  const resolved: Alert[] = [];
  engine.on('alert', (alert) => fired.push(alert));
  engine.on('resolved', (alert) => resolved.push(alert));
  return { fired, resolved };
}

const normal = (minutes: number, offset = 0) =>
  Array.from({ length: minutes }, (_, i) => 20 + wobble(i + offset));

describe('AlertEngine', () => {
  it('alerts on an outage with the default rules, explains it, and resolves when orders return', () => {
    const engine = createAlertEngine(WITH_SILENCE);
    expect(engine.warmStart('orders', hourly(20))).toBe(2); // demand and silence
    expect(engine.warmStart('revenue', hourly(20, 10_000))).toBe(0);
    const { fired, resolved } = collect(engine);
    const start = MONDAY + 10 * HOUR;
    stream(engine, start, [...normal(30), ...Array.from({ length: 10 }, () => 0), ...normal(30, 3)]);

    const silence = fired.find((a) => a.rule === 'orders-silence');
    expect(silence).toMatchObject({
      series: 'orders',
      severity: 'critical',
      state: 'firing',
      direction: 'drop',
      observed: 0,
      startedAt: new Date(start + 32 * MIN), // the first breaching minute: the third empty one
      resolvedAt: null,
    });
    expect(silence?.firedAt.getTime()).toBeLessThanOrEqual(start + 33 * MIN);
    expect(silence?.explanation).toMatch(
      /^orders dropped to zero: no orders for \d+ minutes since 2018-03-05 07:30 America\/Sao_Paulo/,
    );
    expect(fired.filter((a) => a.startedAt.getTime() < start + 30 * MIN)).toEqual([]);

    const back = resolved.find((a) => a.rule === 'orders-silence');
    expect(back?.id).toBe(silence?.id);
    expect(back?.state).toBe('resolved');
    expect(back?.resolvedAt).toEqual(new Date(start + 41 * MIN));
  });

  it('maps an alert onto the ALERTS table, every column and no other', () => {
    const engine = createAlertEngine(WITH_SILENCE);
    engine.warmStart('orders', hourly(20));
    const { fired } = collect(engine);
    stream(engine, MONDAY + 10 * HOUR, [...normal(20), 0, 0, 0, 0, 0]);
    const alert = fired[0] as Alert;
    const row = toAlertRow(alert);
    expect(Object.keys(row).sort()).toEqual(ALERTS.columns.map((c) => c.name).sort());
    for (const column of ALERTS.columns.filter((c) => !c.nullable)) expect(row[column.name]).not.toBeNull();
    expect(row.alert_id).toBe(alert.id);
    expect(row.state).toBe('firing');
    expect(JSON.parse(row.details as string)).toMatchObject({ metric: 'orders', direction: 'drop' });
  });

  it('counts and reports events that arrive after their minute closed', () => {
    const engine = createAlertEngine({ allowedLatenessMs: 30_000 });
    const late: number[] = [];
    engine.on('late', (info) => late.push(info.lateEvents));
    engine.ingest(event({ at: MONDAY }));
    engine.ingest(event({ at: MONDAY + 5 * MIN }));
    // the watermark is 4:30, so minute 3 has closed and minute 4 is still open
    expect(engine.ingest(event({ at: MONDAY + 3 * MIN + 59_000 }))).toBe('late');
    expect(engine.ingest(event({ at: MONDAY + 4 * MIN }))).toBe('added');
    expect(late).toEqual([1]);
    expect(engine.lateEvents).toBe(1);
    expect(engine.watermark).toEqual(new Date(MONDAY + 5 * MIN - 30_000));
  });

  it('keys alerts per customer state', () => {
    const rules: AlertRule[] = [
      {
        name: 'state-silence',
        metric: 'orders',
        by: 'customer_state',
        detector: { kind: 'silence', minExpected: 5 },
      },
    ];
    const engine = createAlertEngine({ rules });
    expect(engine.warmStart('orders{customer_state="RJ"}', hourly(10))).toBe(1);
    const { fired } = collect(engine);
    stream(engine, MONDAY + 10 * HOUR, [10, 10, 0, 0, 0, 0, 0, 0], 'RJ');
    expect(fired.map((a) => a.series)).toEqual(['orders{customer_state="RJ"}']);
    expect(() => engine.warmStart('orders{state=RJ}', [])).toThrow(
      expect.objectContaining({ code: 'CORE_INVALID_OPTIONS' }),
    );
  });

  it('continues identically after snapshot → JSON → restore into a new engine', () => {
    const first = createAlertEngine(WITH_SILENCE);
    first.warmStart('orders', hourly(20));
    first.warmStart('revenue', hourly(20, 10_000));
    const start = MONDAY + 10 * HOUR;
    stream(first, start, [...normal(30), 0, 0, 0, 0]); // mid-outage: alerts firing
    const saved = JSON.parse(JSON.stringify(first.snapshot()));
    const second = createAlertEngine(WITH_SILENCE);
    second.restore(saved);
    expect(second.firingAlerts()).toEqual(first.firingAlerts());
    const a = collect(first);
    const b = collect(second);
    const rest = [0, 0, ...normal(20), 60, 70, 80, 60, ...normal(30, 2)];
    stream(first, start + 34 * MIN, rest);
    stream(second, start + 34 * MIN, rest);
    expect(a.fired.length + a.resolved.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(second.snapshot()).toEqual(first.snapshot());
  });

  it('snapshots a firing alert with an infinite z-score (zero spread) as valid JSON', () => {
    const engine = createAlertEngine({
      rules: [{ name: 'flat', metric: 'orders', detector: { kind: 'ewma', warmupMinutes: 5 } }],
    });
    const { fired } = collect(engine);
    stream(engine, MONDAY, [...Array.from({ length: 10 }, () => 3), 9, 9, 9, 9]);
    expect(fired[0]?.explanation).toMatch(/score \+∞/);
    const copy = createAlertEngine({ rules: engine.options.rules });
    copy.restore(JSON.parse(JSON.stringify(engine.snapshot())));
    expect(copy.firingAlerts().map((a) => a.id)).toEqual([fired[0]?.id]);
  });

  it('rejects a bad snapshot with CORE_DETECTOR_STATE_INVALID and keeps its state', () => {
    const engine = createAlertEngine(WITH_SILENCE);
    stream(engine, MONDAY, normal(5));
    const before = engine.snapshot();
    expect(() => engine.restore({ ...before, version: 99 })).toThrow(
      expect.objectContaining({ code: 'CORE_DETECTOR_STATE_INVALID' }),
    );
    const broken = structuredClone(before);
    (broken.instances[0] as { detector: unknown }).detector = { kind: 'poisson-cusum', minutes: -1 };
    expect(() => engine.restore(broken)).toThrow(
      expect.objectContaining({ code: 'CORE_DETECTOR_STATE_INVALID' }),
    );
    expect(() => engine.restore('not a snapshot')).toThrow(
      expect.objectContaining({ code: 'CORE_DETECTOR_STATE_INVALID' }),
    );
    expect(engine.snapshot()).toEqual(before);
  });

  it('drops saved state of rules that no longer exist', () => {
    const engine = createAlertEngine(WITH_SILENCE);
    stream(engine, MONDAY, normal(5));
    const only = createAlertEngine({
      rules: [{ name: 'orders-silence', metric: 'orders', detector: { kind: 'silence' } }],
    });
    only.restore(engine.snapshot());
    expect(only.snapshot().instances.map((i) => i.rule)).toEqual(['orders-silence']);
  });

  it('validates options: unique rule names, known metrics', () => {
    const rule: AlertRule = { name: 'a', metric: 'orders', detector: { kind: 'silence' } };
    expect(() => createAlertEngine({ rules: [rule, rule] })).toThrow(
      expect.objectContaining({ code: 'CORE_INVALID_OPTIONS' }),
    );
    expect(() => createAlertEngine({ rules: [{ ...rule, metric: 'visits' as never }] })).toThrow(
      expect.objectContaining({ code: 'CORE_INVALID_OPTIONS' }),
    );
  });
});
