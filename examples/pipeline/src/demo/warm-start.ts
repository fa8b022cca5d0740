import type { AlertEngine, HistoryPoint, OrderEventStreamOptions, Warehouse } from '@orderstream/core';
import {
  createOrderEventStream,
  DEFAULT_BUSINESS_TIME_ZONE,
  localDateTime,
  localToInstant,
} from '@orderstream/core';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HOURS_PER_WEEK = 168;

/** Where the hour-of-week shape came from. */
export type WarmStartSource = 'raw_order_events' | 'olist_orders' | 'flat';

/** What {@link warmStartDetectors} did. */
export interface WarmStartSummary {
  readonly source: WarmStartSource;
  /** The expected `order_created` events per minute at the live rate. */
  readonly ordersPerMinute: number;
  /** Hourly points given to each series. */
  readonly points: number;
  /** Rule instances seeded over all series. */
  readonly seeded: number;
}

/** Options of {@link warmStartDetectors}. */
export interface WarmStartOptions {
  /** Where the history is read. */
  readonly warehouse: Warehouse;
  /** The producer's rate: every event, status changes included, per second. */
  readonly ratePerSecond: number;
  /**
   * The options of the live stream, for its share of `order_created` events.
   * @defaultValue the stream's defaults
   */
  readonly stream?: Pick<OrderEventStreamOptions, 'statusChangeShare' | 'meanStatusDelayEvents'>;
  /** @defaultValue the current time */
  readonly now?: Date;
  /** @defaultValue 4 weeks of hours before `now` */
  readonly weeks?: number;
  /**
   * The business time zone: the hour-of-week slots are its local hours, and the Olist history's
   * naive `order_purchase_timestamp` is read as its local time.
   * @defaultValue `'America/Sao_Paulo'`
   */
  readonly timeZone?: string;
}

/**
 * The hour-of-week slot of an instant in the business time zone: local Monday 00:00 is slot 0, as
 * in the detectors' seasonal baseline.
 *
 * @param at - the instant
 * @param timeZone - the business time zone
 * @returns 0…167
 */
export const hourOfWeek = (at: Date, timeZone: string = DEFAULT_BUSINESS_TIME_ZONE): number => {
  const local = localDateTime(at, timeZone);
  return ((local.weekday + 6) % 7) * 24 + local.hour;
};

/**
 * The share of `order_created` among a stream's events, measured on the generator itself (the
 * others are status changes of earlier orders), after its start-up, when only creations exist.
 *
 * @param stream - the stream's shape options
 * @param sample - events measured, after as many again skipped
 * @returns a share in (0, 1]
 */
export function createdShareOf(
  stream: Pick<OrderEventStreamOptions, 'statusChangeShare' | 'meanStatusDelayEvents'> = {},
  sample = 10_000,
): number {
  const clock = new Date(Date.UTC(2024, 0, 1));
  let seen = 0;
  let created = 0;
  for (const event of createOrderEventStream({ ...stream, seed: 1, now: () => clock, limit: 2 * sample })) {
    seen += 1;
    if (seen > sample && event.event_type === 'order_created') created += 1;
  }
  return created / sample;
}

/**
 * Orders expected per minute when the producer sends `ratePerSecond` events of which `createdShare`
 * create an order.
 */
export const expectedOrdersPerMinute = (ratePerSecond: number, createdShare: number): number =>
  ratePerSecond * 60 * createdShare;

/**
 * The hour-of-week shape of hourly order counts: 168 weights of mean 1. Day-of-week and
 * hour-of-day are estimated apart and multiplied (with one pseudo-order each), so a small history
 * — a few hundred orders — still gives a smooth shape with no empty slot.
 *
 * @param hours - orders per hour, any span
 * @param timeZone - the business time zone of the slots
 * @returns weights indexed by {@link hourOfWeek}
 */
export function hourOfWeekShape(
  hours: readonly HistoryPoint[],
  timeZone: string = DEFAULT_BUSINESS_TIME_ZONE,
): number[] {
  const days = new Array<number>(7).fill(1);
  const hoursOfDay = new Array<number>(24).fill(1);
  for (const { at, value } of hours) {
    const slot = hourOfWeek(at, timeZone);
    days[Math.floor(slot / 24)] = (days[Math.floor(slot / 24)] ?? 0) + value;
    hoursOfDay[slot % 24] = (hoursOfDay[slot % 24] ?? 0) + value;
  }
  const shape = Array.from({ length: HOURS_PER_WEEK }, (_, slot) => {
    return (days[Math.floor(slot / 24)] ?? 1) * (hoursOfDay[slot % 24] ?? 1);
  });
  const mean = shape.reduce((sum, w) => sum + w, 0) / HOURS_PER_WEEK;
  return shape.map((w) => w / mean);
}

/**
 * Hourly history points for the `weeks` before `now`, shaped like `shape` and scaled so that the
 * hour of `now` expects `ordersPerMinute` — the demo's producer is flat, so the level it runs at
 * is the level of the current hour; the detectors' level factor follows it from there.
 *
 * @param shape - 168 hour-of-week weights
 * @param ordersPerMinute - the live level
 * @param now - the end of the history (exclusive: the hour before now's hour is the last one)
 * @param weeks - the span
 * @param timeZone - the business time zone of the slots
 * @returns one point per hour, oldest first, `value` in orders per hour
 */
export function scaledHistory(
  shape: readonly number[],
  ordersPerMinute: number,
  now: Date,
  weeks = 4,
  timeZone: string = DEFAULT_BUSINESS_TIME_ZONE,
): HistoryPoint[] {
  const currentHour = Math.floor(now.getTime() / HOUR) * HOUR;
  const factor = (ordersPerMinute * 60) / (shape[hourOfWeek(new Date(currentHour), timeZone)] ?? 1);
  const points: HistoryPoint[] = [];
  for (let at = currentHour - weeks * 7 * DAY; at < currentHour; at += HOUR) {
    points.push({ at: new Date(at), value: (shape[hourOfWeek(new Date(at), timeZone)] ?? 1) * factor });
  }
  return points;
}

const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

/**
 * Hourly order counts from the warehouse: the live table when it spans at least 7 days, else the
 * Olist orders, whose naive purchase times are local times of the business time zone (not UTC).
 *
 * @param warehouse - the warehouse
 * @param timeZone - the business time zone
 * @returns the source and one point per hour, `at` the hour's first instant
 */
export async function readHourlyOrders(
  warehouse: Warehouse,
  timeZone: string = DEFAULT_BUSINESS_TIME_ZONE,
): Promise<{ source: WarmStartSource; hours: HistoryPoint[] }> {
  const read = async (sql: string) =>
    (await warehouse.query(sql)).map((row) => ({ at: toDate(row.hour), value: Number(row.orders) }));
  const live = await read(
    `select date_trunc('hour', event_time) as hour, count(*) as orders from ${warehouse.qualify('raw_order_events')}` +
      ` where event_type = 'order_created' group by 1 order by 1`,
  );
  const first = live[0];
  const last = live.at(-1);
  if (first !== undefined && last !== undefined && last.at.getTime() - first.at.getTime() >= 7 * DAY) {
    return { source: 'raw_order_events', hours: live };
  }
  // A naive TIMESTAMP comes back with its wall clock in the Date's UTC fields.
  const olist = (
    await read(
      `select date_trunc('hour', order_purchase_timestamp) as hour, count(*) as orders from ${warehouse.qualify('olist_orders')}` +
        ' group by 1 order by 1',
    )
  ).map(({ at, value }) => ({ at: localToInstant(at, timeZone), value }));
  return { source: olist.length > 0 ? 'olist_orders' : 'flat', hours: olist };
}

/** The mean revenue of an Olist order in cents (items' price plus freight, as the detectors count it). */
async function meanOrderRevenueCents(warehouse: Warehouse): Promise<number | null> {
  const [row] = await warehouse.query(
    `select cast(sum(price + freight_value) as double) * 100 / count(distinct order_id) as cents from ${warehouse.qualify('olist_order_items')}`,
  );
  const cents = Number(row?.cents);
  return Number.isFinite(cents) && cents > 0 ? cents : null;
}

/**
 * Seeds the engine's warm-startable rules on `orders` (and `revenue`, at the history's mean order
 * value) with four weeks of hourly history shaped like the warehouse's orders and scaled to the
 * producer's live rate, so the detectors judge the first live minutes against a baseline.
 *
 * @param engine - an engine that has seen no events yet
 * @param options - warehouse, live rate, stream shape
 * @returns what was seeded
 */
export async function warmStartDetectors(
  engine: AlertEngine,
  options: WarmStartOptions,
): Promise<WarmStartSummary> {
  const ordersPerMinute = expectedOrdersPerMinute(options.ratePerSecond, createdShareOf(options.stream));
  const timeZone = options.timeZone ?? DEFAULT_BUSINESS_TIME_ZONE;
  const { source, hours } = await readHourlyOrders(options.warehouse, timeZone);
  const shape = hourOfWeekShape(hours, timeZone);
  const points = scaledHistory(shape, ordersPerMinute, options.now ?? new Date(), options.weeks, timeZone);
  let seeded = engine.warmStart('orders', points);
  const revenueCents = await meanOrderRevenueCents(options.warehouse);
  if (revenueCents !== null) {
    seeded += engine.warmStart(
      'revenue',
      points.map(({ at, value }) => ({ at, value: value * revenueCents })),
    );
  }
  return { source, ordersPerMinute, points: points.length, seeded };
}
