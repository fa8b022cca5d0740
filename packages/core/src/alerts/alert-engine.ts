import { EventEmitter } from 'eventemitter3';
import { z } from 'zod';
import { OrderstreamError } from '../errors/orderstream-error.js';
import type { OrderEvent } from '../events/order-event.js';
import { resolveOptions } from '../options/resolve-options.js';
import type { Alert } from './alert.js';
import { explainAlert } from './alert.js';
import type { AlertLifecycleState } from './alert-lifecycle.js';
import { AlertLifecycle } from './alert-lifecycle.js';
import { createDetector } from './create-detector.js';
import type { Detector, DetectorKind, DetectorVerdict, HistoryPoint } from './detector.js';
import { DETECTOR_KINDS, isWarmStartable } from './detector.js';
import type { AlertEngineEvents } from './events.js';
import { parseState } from './internal/parse-state.js';
import type { IngestOutcome, MinuteSums } from './minute-aggregator.js';
import { MinuteAggregator, minuteAggregatorStateSchema, WHOLE_SHOP } from './minute-aggregator.js';
import type { AlertEngineOptions, ResolvedAlertEngineOptions, ResolvedAlertRule } from './options.js';
import { alertEngineOptionsSchema } from './options.js';
import type { AlertDimension, AlertMetric } from './series.js';
import { seriesName } from './series.js';

/** The version of the snapshot format {@link AlertEngine.snapshot} writes and restore reads. */
export const ALERT_ENGINE_SNAPSHOT_VERSION = 1;

const firingSchema = z
  .object({
    direction: z.enum(['spike', 'drop']),
    startedAtMs: z.number(),
    firedAtMs: z.number(),
    observed: z.number(),
    expected: z.number().nullable(),
    bandLow: z.number().nullable(),
    bandHigh: z.number().nullable(),
    score: z.number(),
    peakScore: z.number(),
    explanation: z.string(),
  })
  .strict();

const snapshotSchema = z
  .object({
    version: z.literal(ALERT_ENGINE_SNAPSHOT_VERSION),
    aggregator: minuteAggregatorStateSchema,
    instances: z.array(
      z
        .object({
          rule: z.string(),
          scope: z.string(),
          kind: z.enum(DETECTOR_KINDS),
          detector: z.unknown(),
          lifecycle: z.unknown(),
          firing: firingSchema.nullable(),
        })
        .strict(),
    ),
  })
  .strict();

/**
 * The engine's whole state as plain JSON data: write it with `JSON.stringify` on shutdown and give
 * it to {@link AlertEngine.restore} on start. Versioned by {@link ALERT_ENGINE_SNAPSHOT_VERSION}.
 */
export interface AlertEngineSnapshot {
  readonly version: typeof ALERT_ENGINE_SNAPSHOT_VERSION;
  /** Open minutes, watermark, late count and keys; treat as opaque. */
  readonly aggregator: object;
  /** One entry per rule and series. */
  readonly instances: readonly AlertEngineSnapshotEntry[];
}

/** The saved state of one rule on one series, inside an {@link AlertEngineSnapshot}. */
export interface AlertEngineSnapshotEntry {
  /** The rule's name. */
  readonly rule: string;
  /** `''` for the whole shop, else `dimension=key`. */
  readonly scope: string;
  /** The rule's detector kind when saved; a changed kind discards the entry on restore. */
  readonly kind: DetectorKind;
  /** The detector's state (see the detectors' `…State` types). */
  readonly detector: unknown;
  /** The alert lifecycle's state. */
  readonly lifecycle: AlertLifecycleState;
  /** The firing alert's facts, or `null`; treat as opaque. */
  readonly firing: object | null;
}

type Firing = z.output<typeof firingSchema>;

interface Instance {
  readonly rule: ResolvedAlertRule;
  readonly scope: string;
  readonly series: string;
  readonly detector: Detector;
  readonly lifecycle: AlertLifecycle;
  firing: Firing | null;
}

const METRIC_INDEX: Record<AlertMetric, 0 | 1 | 2> = { orders: 0, revenue: 1, items: 2 };
const SERIES_PATTERN =
  /^(orders|revenue|items)(?:\{(customer_state|product_category)="((?:[^"\\]|\\.)*)"\})?$/;

/**
 * The alert engine users embed in their own consumers: it aggregates order events into per-minute
 * series in event time, runs every rule's detector on each closed minute, drives each alert
 * through pending → firing → resolved, and reports on its events (`alert`, `resolved`, `late`).
 * It never reads the clock: call {@link AlertEngine.advance} so that minutes close, and outages
 * show, even when no event arrives.
 *
 * @example
 * ```ts
 * const engine = createAlertEngine();
 * engine.on('alert', (alert) => console.log(alert.explanation));
 * engine.on('resolved', (alert) => console.log(`resolved: ${alert.series} (${alert.rule})`));
 * for await (const event of orderEvents) engine.ingest(event);
 * setInterval(() => engine.advance(new Date(Date.now() - 120_000)), 10_000);
 * ```
 */
export class AlertEngine extends EventEmitter<AlertEngineEvents> {
  /** The resolved options. */
  readonly options: ResolvedAlertEngineOptions;
  #aggregator: MinuteAggregator;
  #instances = new Map<string, Instance>();

  /**
   * @param options - rules, lateness and limits; see {@link alertEngineOptionsSchema}
   * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when an option or rule is invalid
   */
  constructor(options: AlertEngineOptions = {}) {
    super();
    this.options = resolveOptions('AlertEngine', alertEngineOptionsSchema, options);
    this.#aggregator = this.#newAggregator();
  }

  #newAggregator(): MinuteAggregator {
    const dimensions = [
      ...new Set(this.options.rules.flatMap((rule) => (rule.by === undefined ? [] : [rule.by]))),
    ];
    return new MinuteAggregator({
      latenessMs: this.options.allowedLatenessMs,
      maxKeys: this.options.maxKeysPerDimension,
      maxGapMinutes: this.options.maxGapMinutes,
      dimensions,
    });
  }

  /** The watermark: minutes ending at or before it are closed; `null` before any event. */
  get watermark(): Date | null {
    const watermark = this.#aggregator.watermark;
    return watermark === null ? null : new Date(watermark);
  }

  /** How many events arrived too late to count. */
  get lateEvents(): number {
    return this.#aggregator.late;
  }

  /**
   * Adds one order event. Only `order_created` events count; other event types only move the
   * watermark (they show that event time goes on). Closes, judges and reports every minute the new
   * watermark passes.
   *
   * @param event - a parsed order event
   * @returns `added`, `late` (its minute had closed: counted and reported, not added) or `ignored`
   *   (not an `order_created` event)
   */
  ingest(event: OrderEvent): IngestOutcome {
    const outcome = this.#aggregator.add(event);
    if (outcome === 'late') {
      const watermark = this.#aggregator.watermark;
      this.emit('late', {
        eventId: event.event_id,
        eventTime: event.event_time,
        watermark: watermark === null ? null : new Date(watermark),
        lateEvents: this.#aggregator.late,
      });
    } else {
      this.#close();
    }
    return outcome;
  }

  /**
   * Moves the watermark to at least `watermark` (never backwards) and closes the minutes it
   * passes, as empty minutes if no event arrived. Call it on a timer with `now − allowedLatenessMs`
   * so that an outage, when no event arrives at all, is still seen.
   *
   * @param watermark - an event time up to which all events are assumed to have arrived
   */
  advance(watermark: Date): void {
    this.#aggregator.advance(watermark.getTime());
    this.#close();
  }

  /**
   * Seeds the baselines of every warm-startable rule (`seasonal`, `poisson-cusum`) on a series from
   * hourly history, e.g. hourly order counts read from the warehouse.
   *
   * @param series - a series name: `orders`, `revenue`, or keyed like `orders{customer_state="SP"}`
   * @param points - one point per hour: its start and the series' total over the hour
   * @returns how many rule instances were seeded (0 when no rule uses that series)
   * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when `series` is not a series name
   * @example
   * ```ts
   * const rows = await warehouse.query(
   *   "select date_trunc('hour', event_time) as hour, count(*) as orders from raw_order_events" +
   *     " where event_type = 'order_created' group by 1 order by 1",
   * );
   * engine.warmStart('orders', rows.map((r) => ({ at: r.hour as Date, value: Number(r.orders) })));
   * ```
   */
  warmStart(series: string, points: readonly HistoryPoint[]): number {
    const match = SERIES_PATTERN.exec(series);
    if (match === null) {
      throw new OrderstreamError('CORE_INVALID_OPTIONS', `Not a series name: ${JSON.stringify(series)}`, {
        details: { series },
      });
    }
    const metric = match[1] as AlertMetric;
    const dimension = match[2] as AlertDimension | undefined;
    const key = match[3] === undefined ? undefined : (JSON.parse(`"${match[3]}"`) as string);
    let seeded = 0;
    for (const rule of this.options.rules) {
      if (rule.metric !== metric || rule.by !== dimension) continue;
      let scope = WHOLE_SHOP;
      if (dimension !== undefined && key !== undefined) {
        if (!this.#aggregator.track(dimension, key)) continue;
        scope = `${dimension}=${key}`;
      }
      const instance = this.#instance(rule, scope, key);
      if (isWarmStartable(instance.detector)) {
        instance.detector.warmStart(points);
        seeded += 1;
      }
    }
    return seeded;
  }

  /**
   * The alerts firing now.
   *
   * @returns one alert per rule and series in the firing state
   */
  firingAlerts(): Alert[] {
    const alerts: Alert[] = [];
    for (const instance of this.#instances.values()) {
      if (instance.firing !== null) alerts.push(this.#alert(instance, instance.firing, null));
    }
    return alerts;
  }

  /**
   * The engine's whole state: open minutes, watermark, keys, and every detector's baseline and
   * alert lifecycle. Its size depends on the rules and keys, not on how many events were seen.
   *
   * @returns a JSON-serialisable snapshot
   */
  snapshot(): AlertEngineSnapshot {
    return {
      version: ALERT_ENGINE_SNAPSHOT_VERSION,
      aggregator: this.#aggregator.snapshot(),
      instances: [...this.#instances.values()].map((instance) => ({
        rule: instance.rule.name,
        scope: instance.scope,
        kind: instance.detector.kind,
        detector: instance.detector.snapshot(),
        lifecycle: instance.lifecycle.snapshot(),
        firing: instance.firing === null ? null : { ...instance.firing },
      })),
    };
  }

  /**
   * Replaces the state with a snapshot, e.g. read back from a file after a restart. All or nothing:
   * on error the engine is unchanged. States of rules that no longer exist, or whose detector kind
   * changed, are dropped; those rules start fresh.
   *
   * @param snapshot - what {@link AlertEngine.snapshot} returned (possibly via JSON)
   * @throws {@link OrderstreamError} `CORE_DETECTOR_STATE_INVALID` when the snapshot is not a valid
   *   snapshot of this version (zod's issues in `details.issues`)
   * @example
   * ```ts
   * // on shutdown
   * await writeFile('alert-state.json', JSON.stringify(engine.snapshot()));
   * // on start
   * engine.restore(JSON.parse(await readFile('alert-state.json', 'utf8')));
   * ```
   */
  restore(snapshot: unknown): void {
    const parsed = parseState('AlertEngine snapshot', snapshotSchema, snapshot);
    const aggregator = this.#newAggregator();
    aggregator.restore(parsed.aggregator);
    const rules = new Map(this.options.rules.map((rule) => [rule.name, rule]));
    const instances = new Map<string, Instance>();
    for (const saved of parsed.instances) {
      const rule = rules.get(saved.rule);
      if (rule === undefined || rule.detector.kind !== saved.kind) continue;
      const key = saved.scope === WHOLE_SHOP ? undefined : saved.scope.slice(saved.scope.indexOf('=') + 1);
      if (key === undefined ? rule.by !== undefined : !saved.scope.startsWith(`${rule.by}=`)) continue;
      const instance = this.#build(rule, saved.scope, key);
      instance.detector.restore(saved.detector);
      instance.lifecycle.restore(saved.lifecycle as never);
      instance.firing = saved.firing === null ? null : { ...saved.firing };
      instances.set(`${rule.name}\u0000${saved.scope}`, instance);
    }
    this.#aggregator = aggregator;
    this.#instances = instances;
  }

  #build(rule: ResolvedAlertRule, scope: string, key: string | undefined): Instance {
    return {
      rule,
      scope,
      series: seriesName(rule.metric, rule.by, key),
      detector: createDetector(rule.detector),
      lifecycle: new AlertLifecycle({
        forMinutes: rule.forMinutes,
        cooldownMinutes: rule.cooldownMinutes,
        direction: rule.direction,
      }),
      firing: null,
    };
  }

  #instance(rule: ResolvedAlertRule, scope: string, key: string | undefined): Instance {
    const id = `${rule.name}\u0000${scope}`;
    let instance = this.#instances.get(id);
    if (instance === undefined) {
      instance = this.#build(rule, scope, key);
      this.#instances.set(id, instance);
    }
    return instance;
  }

  #close(): void {
    this.#aggregator.close((minute, sums) => {
      for (const rule of this.options.rules) {
        const index = METRIC_INDEX[rule.metric];
        if (rule.by === undefined) {
          this.#judge(this.#instance(rule, WHOLE_SHOP, undefined), minute, sums?.get(WHOLE_SHOP), index);
          continue;
        }
        for (const key of this.#aggregator.keys(rule.by)) {
          const scope = `${rule.by}=${key}`;
          this.#judge(this.#instance(rule, scope, key), minute, sums?.get(scope), index);
        }
      }
    });
  }

  #judge(instance: Instance, minute: number, sums: MinuteSums | undefined, index: 0 | 1 | 2): void {
    const verdict = instance.detector.update(minute, sums === undefined ? 0 : sums[index]);
    const transition = instance.lifecycle.step(minute, verdict);
    if (transition === 'fired') {
      instance.firing = this.#firing(instance, verdict);
      this.emit('alert', this.#alert(instance, instance.firing, null));
    } else if (transition === 'resolved' && instance.firing !== null) {
      const firing = instance.firing;
      instance.firing = null;
      this.emit('resolved', this.#alert(instance, firing, { minute, verdict }));
    } else if (instance.firing !== null && Math.abs(verdict.score) > Math.abs(instance.firing.peakScore)) {
      instance.firing.peakScore = finite(verdict.score);
    }
  }

  #firing(instance: Instance, verdict: DetectorVerdict): Firing {
    const { rule, lifecycle } = instance;
    return {
      direction: lifecycle.direction ?? 'spike',
      startedAtMs: lifecycle.startedAt ?? 0,
      firedAtMs: lifecycle.firedAt ?? 0,
      observed: verdict.observed,
      expected: verdict.expected,
      bandLow: verdict.bandLow,
      bandHigh: verdict.bandHigh,
      score: finite(verdict.score),
      peakScore: finite(verdict.score),
      explanation: explainAlert({
        rule: rule.name,
        series: instance.series,
        metric: rule.metric,
        detector: rule.detector.kind,
        direction: lifecycle.direction ?? 'spike',
        startedAt: new Date(lifecycle.startedAt ?? 0),
        firedAt: new Date(lifecycle.firedAt ?? 0),
        observed: verdict.observed,
        expected: verdict.expected,
        bandLow: verdict.bandLow,
        bandHigh: verdict.bandHigh,
        score: verdict.score,
      }),
    };
  }

  #alert(
    instance: Instance,
    firing: Firing,
    resolution: { minute: number; verdict: DetectorVerdict } | null,
  ): Alert {
    const { rule } = instance;
    return {
      id: `${rule.name}:${instance.series}:${new Date(firing.startedAtMs).toISOString()}`,
      rule: rule.name,
      series: instance.series,
      metric: rule.metric,
      detector: rule.detector.kind,
      severity: rule.severity,
      state: resolution === null ? 'firing' : 'resolved',
      direction: firing.direction,
      startedAt: new Date(firing.startedAtMs),
      firedAt: new Date(firing.firedAtMs),
      resolvedAt: resolution === null ? null : new Date(resolution.minute + 60_000),
      observed: firing.observed,
      expected: firing.expected,
      bandLow: firing.bandLow,
      bandHigh: firing.bandHigh,
      score: firing.score,
      explanation: firing.explanation,
      details: {
        forMinutes: rule.forMinutes,
        peakScore: firing.peakScore,
        ...(resolution === null ? {} : { resolvedObserved: resolution.verdict.observed }),
      },
    };
  }
}

/** A zero spread makes z-scores infinite; JSON has no infinity, so keep the largest finite number. */
function finite(value: number): number {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 0;
  return value > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
}

/**
 * Creates an {@link AlertEngine}. With no options it runs {@link DEFAULT_ALERT_RULES} with
 * 2 minutes of allowed lateness.
 *
 * @param options - rules, lateness and limits; see {@link alertEngineOptionsSchema}
 * @returns a new engine with empty state
 * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when an option or rule is invalid
 * @example
 * ```ts
 * const engine = createAlertEngine({
 *   rules: [
 *     { name: 'orders-silence', metric: 'orders', detector: { kind: 'silence', minutes: 5 }, severity: 'critical' },
 *     { name: 'sp-orders', metric: 'orders', by: 'customer_state', detector: { kind: 'poisson-cusum' } },
 *   ],
 *   allowedLatenessMs: 60_000,
 * });
 * ```
 */
export function createAlertEngine(options: AlertEngineOptions = {}): AlertEngine {
  return new AlertEngine(options);
}
