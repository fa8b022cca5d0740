import { z } from 'zod';
import type { OrderEvent } from '../schema/order-event.js';
import { parseState } from './internal/parse-state.js';
import type { AlertDimension } from './series.js';
import { ALERT_DIMENSIONS } from './series.js';

const MINUTE_MS = 60_000;

/** What the alert engine did with an ingested event: counted it, or counted it as late. */
export type IngestOutcome = 'added' | 'late' | 'ignored' | 'duplicate';

/** The whole-shop scope's id; keyed scopes are `dimension=key`. */
export const WHOLE_SHOP = '';

/**
 * Whether a closed minute's data is known (`known`: it may be judged, zeros included) or unknown
 * because the caller marked it so (`marked`) or because event time jumped over it unconfirmed
 * (`no-progress`).
 */
export type MinuteStatus = 'known' | 'marked' | 'no-progress';

/** Per-minute sums of one scope: `[orders, revenue in cents, items]`. */
export type MinuteSums = [orders: number, revenue: number, items: number];

const sumsSchema = z.tuple([z.number(), z.number(), z.number()]);

export const minuteAggregatorStateSchema = z
  .object({
    nextMinute: z.number().nullable(),
    maxEventTime: z.number().nullable(),
    forcedWatermark: z.number().nullable(),
    unknownUntil: z.number().nullable().default(null),
    activity: z.array(z.number()).default([]),
    runStart: z.number().nullable().default(null),
    gapStatus: z.enum(['marked', 'no-progress']).nullable().default(null),
    late: z.number().nonnegative(),
    keys: z.partialRecord(z.enum(ALERT_DIMENSIONS), z.array(z.string())),
    buckets: z.array(z.tuple([z.number(), z.array(z.tuple([z.string(), sumsSchema]))])),
  })
  .strict();

export type MinuteAggregatorState = z.output<typeof minuteAggregatorStateSchema>;

/**
 * Event-time aggregation of `order_created` events into per-minute sums, for the whole shop and per
 * key of the dimensions in use, with a watermark (`max event time − allowed lateness`, or later when
 * advanced by hand). A minute closes when the watermark passes its end; every minute is closed, in
 * order, empty ones included. Bounded: at most `lateness / 1 min + 1` open minutes and
 * `maxKeysPerDimension` keys per dimension.
 */
export class MinuteAggregator {
  readonly #latenessMs: number;
  readonly #maxKeys: number;
  readonly #maxGapMinutes: number;
  readonly #dimensions: readonly AlertDimension[];
  #keys = new Map<AlertDimension, string[]>();
  #knownKeys = new Map<AlertDimension, Set<string>>();
  #buckets = new Map<number, Map<string, MinuteSums>>();
  #nextMinute: number | null = null;
  #maxEventTime: number | null = null;
  #forcedWatermark: number | null = null;
  #unknownUntil: number | null = null;
  /** Minutes (not yet closed) in which any event arrived: evidence that data was flowing. */
  #activity = new Set<number>();
  /** How the last closed minute was unknown (until a minute with an event closes), or `null`. */
  #gapStatus: Exclude<MinuteStatus, 'known'> | null = null;
  /** The first minute of the current run of closed minutes without any event, or `null`. */
  #runStart: number | null = null;
  readonly #unconfirmedGapMinutes: number;
  #late = 0;

  constructor(options: {
    latenessMs: number;
    maxKeys: number;
    maxGapMinutes: number;
    unconfirmedGapMinutes: number;
    dimensions: readonly AlertDimension[];
  }) {
    this.#unconfirmedGapMinutes = options.unconfirmedGapMinutes;
    this.#latenessMs = options.latenessMs;
    this.#maxKeys = options.maxKeys;
    this.#maxGapMinutes = options.maxGapMinutes;
    this.#dimensions = options.dimensions;
    for (const dimension of this.#dimensions) {
      this.#keys.set(dimension, []);
      this.#knownKeys.set(dimension, new Set());
    }
  }

  /** Late events counted so far. */
  get late(): number {
    return this.#late;
  }

  /** The watermark in epoch ms, or `null` before the first event or advance. */
  get watermark(): number | null {
    const fromEvents = this.#maxEventTime === null ? null : this.#maxEventTime - this.#latenessMs;
    if (fromEvents === null) return this.#forcedWatermark;
    if (this.#forcedWatermark === null) return fromEvents;
    return Math.max(fromEvents, this.#forcedWatermark);
  }

  /** The keys seen so far for a dimension, in order of first appearance. */
  keys(dimension: AlertDimension): readonly string[] {
    return this.#keys.get(dimension) ?? [];
  }

  /** Registers a key (e.g. for warm start) if there is room; returns whether it is tracked. */
  track(dimension: AlertDimension, key: string): boolean {
    const known = this.#knownKeys.get(dimension);
    if (known === undefined) return false;
    if (known.has(key)) return true;
    if (known.size >= this.#maxKeys) return false;
    known.add(key);
    this.#keys.get(dimension)?.push(key);
    return true;
  }

  /** Adds an event to its minute, or counts it as late. */
  add(event: OrderEvent): IngestOutcome {
    const time = event.event_time.getTime();
    if (!Number.isFinite(time)) return 'ignored';
    const minute = Math.floor(time / MINUTE_MS) * MINUTE_MS;
    if (this.#nextMinute === null || minute >= this.#nextMinute) this.#activity.add(minute);
    if (event.event_type !== 'order_created') {
      // Status changes count for nothing, but they show that event time goes on (during an outage
      // of new orders, shipments still flow), so they move the watermark.
      const begun = this.#maxEventTime !== null;
      if (
        begun &&
        time > (this.#maxEventTime as number) &&
        (this.#nextMinute === null || minute >= this.#nextMinute)
      ) {
        this.#maxEventTime = time;
      }
      return 'ignored';
    }
    if (this.#nextMinute !== null && minute < this.#nextMinute) {
      this.#late += 1;
      return 'late';
    }
    let bucket = this.#buckets.get(minute);
    if (bucket === undefined) {
      bucket = new Map();
      this.#buckets.set(minute, bucket);
    }
    const { order } = event;
    let revenue = 0;
    for (const item of order.items) revenue += item.price + item.freight_value;
    addTo(bucket, WHOLE_SHOP, 1, revenue, order.items.length);
    for (const dimension of this.#dimensions) {
      if (dimension === 'customer_state') {
        const key = order.customer.customer_state;
        if (this.track(dimension, key)) addTo(bucket, `${dimension}=${key}`, 1, revenue, order.items.length);
      } else {
        // One order counts once per category it contains; revenue and items split by category.
        const seen = new Set<string>();
        for (const item of order.items) {
          const key = item.product_category_name ?? 'unknown';
          if (!this.track(dimension, key)) continue;
          const scope = `${dimension}=${key}`;
          addTo(bucket, scope, seen.has(scope) ? 0 : 1, item.price + item.freight_value, 1);
          seen.add(scope);
        }
      }
    }
    if (this.#maxEventTime === null || time > this.#maxEventTime) this.#maxEventTime = time;
    return 'added';
  }

  /** Moves the watermark to at least `watermarkMs` (never backwards). */
  advance(watermarkMs: number): void {
    if (this.#forcedWatermark === null || watermarkMs > this.#forcedWatermark)
      this.#forcedWatermark = watermarkMs;
  }

  /** Closes every minute the watermark has passed, in order, calling `onMinute` for each. */
  /** The earliest event time still counted (start of the first open minute), or −∞ before the first. */
  openSince(): number {
    return this.#nextMinute ?? Number.NEGATIVE_INFINITY;
  }

  markUnknown(untilMs: number): void {
    if (this.#unknownUntil === null || untilMs > this.#unknownUntil) this.#unknownUntil = untilMs;
    this.advance(untilMs);
  }

  /**
   * Whether a closing minute's data is known: it had an event, or `advance` confirmed it, or it lies
   * in a run of event-less minutes no longer than `unconfirmedGapMinutes` (a quiet spell, not our
   * downtime). Minutes before a `markUnknown` time are unknown unless they had events.
   */
  #status(minute: number, active: boolean): MinuteStatus {
    if (active) return 'known';
    if (this.#unknownUntil !== null && minute < this.#unknownUntil) return 'marked';
    if (this.#forcedWatermark !== null && minute + MINUTE_MS <= this.#forcedWatermark) return 'known';
    // The run of event-less minutes around this one: from the last active minute before it (the
    // last closed one counts as known) to the next minute with an event.
    let next = this.#maxEventTime === null ? minute : Math.floor(this.#maxEventTime / MINUTE_MS) * MINUTE_MS;
    for (const a of this.#activity) if (a > minute && a < next) next = a;
    const start = this.#runStart ?? minute;
    return (next - start) / MINUTE_MS <= this.#unconfirmedGapMinutes ? 'known' : 'no-progress';
  }

  close(
    onMinute: (
      minuteStartMs: number,
      sums: ReadonlyMap<string, MinuteSums> | undefined,
      status: MinuteStatus,
    ) => void,
  ): void {
    const watermark = this.watermark;
    if (watermark === null) return;
    if (this.#nextMinute === null) {
      // The stream starts at its earliest event, fixed when the first minute closes: events within
      // the lateness of the first one still count, and no zeros are invented before the stream.
      let first =
        this.#buckets.size > 0 ? Number.POSITIVE_INFINITY : Math.floor(watermark / MINUTE_MS) * MINUTE_MS;
      for (const minute of this.#buckets.keys()) if (minute < first) first = minute;
      if (first + MINUTE_MS > watermark) return;
      this.#nextMinute = first;
    }
    const lastOpen = Math.floor(watermark / MINUTE_MS) * MINUTE_MS;
    if ((lastOpen - this.#nextMinute) / MINUTE_MS > this.#maxGapMinutes) {
      const resume = lastOpen - this.#maxGapMinutes * MINUTE_MS;
      for (const minute of [...this.#buckets.keys()]) if (minute < resume) this.#buckets.delete(minute);
      for (const minute of [...this.#activity]) if (minute < resume) this.#activity.delete(minute);
      this.#nextMinute = resume;
    }
    let minute: number = this.#nextMinute;
    while (minute + MINUTE_MS <= watermark) {
      const bucket = this.#buckets.get(minute);
      if (bucket !== undefined) this.#buckets.delete(minute);
      const active = this.#activity.delete(minute);
      if (active) this.#runStart = null;
      else if (this.#runStart === null) this.#runStart = minute;
      this.#nextMinute = minute + MINUTE_MS;
      let status = this.#status(minute, active);
      // Once data is unknown it stays unknown until an event arrives again: a restart's first
      // tick does not confirm the minutes just before its first event.
      if (status === 'known' && !active && this.#gapStatus !== null) status = this.#gapStatus;
      this.#gapStatus = status === 'known' ? null : status;
      onMinute(minute, bucket, status);
      minute += MINUTE_MS;
    }
  }

  snapshot(): MinuteAggregatorState {
    const keys: MinuteAggregatorState['keys'] = {};
    for (const [dimension, list] of this.#keys) keys[dimension] = [...list];
    return {
      nextMinute: this.#nextMinute,
      maxEventTime: this.#maxEventTime,
      forcedWatermark: this.#forcedWatermark,
      unknownUntil: this.#unknownUntil,
      activity: [...this.#activity],
      runStart: this.#runStart,
      gapStatus: this.#gapStatus,
      late: this.#late,
      keys,
      buckets: [...this.#buckets].map(([minute, bucket]) => [
        minute,
        [...bucket].map(([scope, sums]) => [scope, [...sums] as MinuteSums]),
      ]),
    };
  }

  restore(state: unknown): void {
    const parsed = parseState('MinuteAggregator', minuteAggregatorStateSchema, state);
    this.#nextMinute = parsed.nextMinute;
    this.#maxEventTime = parsed.maxEventTime;
    this.#forcedWatermark = parsed.forcedWatermark;
    this.#unknownUntil = parsed.unknownUntil;
    this.#activity = new Set(parsed.activity);
    this.#runStart = parsed.runStart;
    this.#gapStatus = parsed.gapStatus;
    this.#late = parsed.late;
    for (const dimension of this.#dimensions) {
      this.#keys.set(dimension, []);
      this.#knownKeys.set(dimension, new Set());
      for (const key of parsed.keys[dimension] ?? []) this.track(dimension, key);
    }
    this.#buckets = new Map(
      parsed.buckets.map(([minute, scopes]) => [
        minute,
        new Map(scopes.map(([scope, sums]) => [scope, [...sums] as MinuteSums])),
      ]),
    );
  }
}

function addTo(
  bucket: Map<string, MinuteSums>,
  scope: string,
  orders: number,
  revenue: number,
  items: number,
): void {
  const sums = bucket.get(scope);
  if (sums === undefined) bucket.set(scope, [orders, revenue, items]);
  else {
    sums[0] += orders;
    sums[1] += revenue;
    sums[2] += items;
  }
}
