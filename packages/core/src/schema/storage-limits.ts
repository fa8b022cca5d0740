/**
 * What the warehouse columns of the stream hold, as bounds the order event schema enforces, so an
 * event that passes validation can always be stored and read back (by the sink, dbt and the
 * dashboard).
 */
export const ORDER_EVENT_LIMITS = {
  /**
   * The largest money amount, in cents, of one value **and of each sum** the sink stores
   * (`items_value`, `freight_value`, `payment_value`). The money columns are `DECIMAL(18,2)`; the
   * sink carries amounts as integer cents, exact up to 2^53 − 1, which is the tighter bound
   * (90,071,992,547,409.91).
   */
  maxMoneyCents: Number.MAX_SAFE_INTEGER,
  /** The largest count (`order_item_id`, `payment_sequential`, `payment_installments`): dbt reads them as `INTEGER`. */
  maxCount: 2_147_483_647,
} as const;

const isWellFormedString = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/**
 * Whether a string is well-formed Unicode: no lone UTF-16 surrogate (such as `"\ud800"`), which a
 * JSON column stores but no JSON function of DuckDB can read back.
 *
 * @param value - the text
 * @returns `true` when every surrogate is part of a pair
 */
export function isWellFormedText(value: string): boolean {
  if (isWellFormedString !== undefined) return isWellFormedString.call(value);
  // Node < 20: the same test by hand.
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
}

/**
 * Sums money amounts in cents exactly, or reports that the sum does not fit a money column.
 * Each amount must already be a non-negative safe integer; the running total is compared before
 * each addition, so no intermediate value ever passes 2^53 (where JS numbers stop being exact).
 *
 * @param amounts - non-negative integer cents
 * @returns the exact sum, or `undefined` when it exceeds {@link ORDER_EVENT_LIMITS}.maxMoneyCents
 */
export function sumCents(amounts: Iterable<number>): number | undefined {
  let total = 0;
  for (const amount of amounts) {
    if (amount > ORDER_EVENT_LIMITS.maxMoneyCents - total) return undefined;
    total += amount;
  }
  return total;
}

/** The defaults of {@link EventTimeWindow}. */
export const EVENT_TIME_WINDOW_DEFAULTS = {
  /** 365 days. */
  maxAgeMs: 365 * 24 * 60 * 60 * 1000,
  /** One day. */
  maxAheadMs: 24 * 60 * 60 * 1000,
} as const;

/** How far an event's `event_time` may lie from the reader's clock. */
export interface EventTimeWindow {
  /**
   * The oldest accepted `event_time`, in milliseconds before now.
   * @defaultValue `31536000000` ms (365 days)
   */
  readonly maxAgeMs: number;
  /**
   * The latest accepted `event_time`, in milliseconds after now (clocks of producers drift).
   * @defaultValue `86400000` ms (one day)
   */
  readonly maxAheadMs: number;
}

/**
 * Checks an event time against a window around now. Times in 1970 or 9999 are storable but
 * absurd: they skew the latency metric and the time buckets, so they are rejected.
 *
 * @param eventTime - the event's `event_time`
 * @param now - the reader's clock, epoch milliseconds
 * @param window - the accepted window
 * @returns `null` when inside, else a sentence saying why not
 * @example
 * ```ts
 * eventTimeOutsideWindow(new Date(0), Date.now(), EVENT_TIME_WINDOW_DEFAULTS);
 * // 'event_time 1970-01-01T00:00:00.000Z is more than 31536000000 ms before now (…)'
 * ```
 */
export function eventTimeOutsideWindow(eventTime: Date, now: number, window: EventTimeWindow): string | null {
  const at = eventTime.getTime();
  if (at < now - window.maxAgeMs) {
    return `event_time ${eventTime.toISOString()} is more than ${window.maxAgeMs} ms before now (${new Date(now).toISOString()})`;
  }
  if (at > now + window.maxAheadMs) {
    return `event_time ${eventTime.toISOString()} is more than ${window.maxAheadMs} ms after now (${new Date(now).toISOString()})`;
  }
  return null;
}
