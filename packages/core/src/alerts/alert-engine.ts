import { EventEmitter } from 'eventemitter3';
import { OrderstreamError } from '../errors/orderstream-error.js';
import { resolveOptions } from '../options/resolve-options.js';
import type { OrderEvent } from '../schema/order-event.js';
import type { Alert } from './alert.js';
import { alertOf, finite, firingOf } from './alert-builder.js';
import type { AlertEngineSnapshot, Firing } from './alert-engine-snapshot.js';
import { ALERT_ENGINE_SNAPSHOT_VERSION, snapshotSchema } from './alert-engine-snapshot.js';
import { AlertLifecycle } from './alert-lifecycle.js';
import type { ResolvedAlertRule } from './alert-rule.js';
import { createDetector } from './create-detector.js';
import type { Detector, HistoryPoint } from './detector.js';
import { isWarmStartable } from './detector.js';
import { EventIdDedup } from './event-id-dedup.js';
import type { AlertEngineEvents, PipelineGap } from './events.js';
import { parseState } from './internal/parse-state.js';
import type { IngestOutcome, MinuteSums } from './minute-aggregator.js';
import { MinuteAggregator, WHOLE_SHOP } from './minute-aggregator.js';
import type { AlertEngineOptions, ResolvedAlertEngineOptions } from './options.js';
import { alertEngineOptionsSchema } from './options.js';
import type { AlertDimension, AlertMetric } from './series.js';
import { seriesName } from './series.js';

interface Instance {
  readonly rule: ResolvedAlertRule;
  readonly scope: string;
  readonly series: string;
  readonly detector: Detector;
  readonly lifecycle: AlertLifecycle;
  firing: Firing | null;
}

const MINUTE_MS = 60_000;
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
  #dedup: EventIdDedup;
  /** The gap of unknown minutes in progress (reported once it ends), or `null`. */
  #gap: { from: number; to: number; minutes: number; reason: PipelineGap['reason'] } | null = null;

  /**
   * @param options - rules, lateness and limits; see {@link alertEngineOptionsSchema}
   * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when an option or rule is invalid
   */
  constructor(options: AlertEngineOptions = {}) {
    super();
    this.options = resolveOptions('AlertEngine', alertEngineOptionsSchema, options);
    this.#aggregator = this.#newAggregator();
    this.#dedup = new EventIdDedup(this.options.dedupCapacity);
  }

  #newAggregator(): MinuteAggregator {
    const dimensions = [
      ...new Set(this.options.rules.flatMap((rule) => (rule.by === undefined ? [] : [rule.by]))),
    ];
    return new MinuteAggregator({
      latenessMs: this.options.allowedLatenessMs,
      maxKeys: this.options.maxKeysPerDimension,
      maxGapMinutes: this.options.maxGapMinutes,
      unconfirmedGapMinutes: this.options.unconfirmedGapMinutes,
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
   * watermark (they show that event time goes on). An `event_id` already seen (among the last
   * `dedupCapacity`) is a duplicate and counts nothing. Closes, judges and reports every minute the
   * new watermark passes.
   *
   * @param event - a parsed order event
   * @returns `added`, `late` (its minute had closed: counted and reported, not added), `ignored`
   *   (not an `order_created` event) or `duplicate` (its `event_id` was seen already)
   */
  ingest(event: OrderEvent): IngestOutcome {
    if (!this.#dedup.add(event.event_id, event.event_time.getTime())) return 'duplicate';
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
   * Tells the engine that the data up to `until` is **unknown** — our pipeline was stopped, lagging
   * or replaying — not that the shop was silent. The minutes up to `until` that are still open close
   * without being judged (detectors do not learn zeros, silence is not counted, and runs restart after
   * the gap); once known minutes resume, one `gap` event reports the gap. Events that later arrive
   * for those minutes are `late`.
   *
   * Without this call the engine also treats as unknown a jump of event time over more than
   * `unconfirmedGapMinutes` event-less minutes that no {@link AlertEngine.advance} confirmed — what a
   * consumer sees when it resumes after a pause.
   *
   * @param until - the end of the unknown data (e.g. now − allowed lateness while the consumer is
   *   not caught up)
   * @example
   * ```ts
   * setInterval(() => {
   *   const watermark = new Date(Date.now() - engine.options.allowedLatenessMs);
   *   if (consumerCaughtUp()) engine.advance(watermark);
   *   else engine.markUnknown(watermark);
   * }, 5_000);
   * ```
   */
  markUnknown(until: Date): void {
    this.#aggregator.markUnknown(until.getTime());
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
      if (instance.firing !== null) alerts.push(alertOf(instance, instance.firing, null));
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
      eventIds: this.#dedup.since(this.#aggregator.openSince()),
      gap: this.#gap === null ? null : { ...this.#gap },
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
    const dedup = new EventIdDedup(this.options.dedupCapacity);
    for (const [id, time] of parsed.eventIds) dedup.add(id, time);
    this.#aggregator = aggregator;
    this.#instances = instances;
    this.#dedup = dedup;
    this.#gap = parsed.gap === null ? null : { ...parsed.gap };
  }

  #build(rule: ResolvedAlertRule, scope: string, key: string | undefined): Instance {
    return {
      rule,
      scope,
      series: seriesName(rule.metric, rule.by, key),
      detector: createDetector(rule.detector, { businessTimeZone: this.options.businessTimeZone }),
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
    this.#aggregator.close((minute, sums, status) => {
      if (status !== 'known') {
        this.#unknown(minute, status);
        return;
      }
      if (this.#gap !== null) {
        const gap = this.#gap;
        this.#gap = null;
        this.emit('gap', {
          from: new Date(gap.from),
          to: new Date(gap.to),
          minutes: gap.minutes,
          reason: gap.reason,
        });
      }
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

  /** A minute of unknown data: nothing is judged; detectors restart their runs once per gap. */
  #unknown(minute: number, reason: PipelineGap['reason']): void {
    if (this.#gap === null) {
      this.#gap = { from: minute, to: minute + MINUTE_MS, minutes: 1, reason };
      for (const instance of this.#instances.values()) instance.detector.interrupt?.();
      return;
    }
    this.#gap.to = minute + MINUTE_MS;
    this.#gap.minutes += 1;
    if (reason === 'marked') this.#gap.reason = 'marked';
  }

  #judge(instance: Instance, minute: number, sums: MinuteSums | undefined, index: 0 | 1 | 2): void {
    const verdict = instance.detector.update(minute, sums === undefined ? 0 : sums[index]);
    const transition = instance.lifecycle.step(minute, verdict);
    if (transition === 'fired' || transition === 'reversed') {
      if (transition === 'reversed' && instance.firing !== null) {
        this.emit('resolved', alertOf(instance, instance.firing, { minute: minute - MINUTE_MS, verdict }));
      }
      instance.firing = firingOf(instance, verdict, this.options.businessTimeZone);
      this.emit('alert', alertOf(instance, instance.firing, null));
    } else if (transition === 'resolved' && instance.firing !== null) {
      const firing = instance.firing;
      instance.firing = null;
      this.emit('resolved', alertOf(instance, firing, { minute, verdict }));
    } else if (instance.firing !== null && Math.abs(verdict.score) > Math.abs(instance.firing.peakScore)) {
      instance.firing.peakScore = finite(verdict.score);
    }
  }
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
