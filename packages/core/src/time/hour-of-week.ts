import { DEFAULT_BUSINESS_TIME_ZONE } from './business-time-zone.js';

/** Hours in a week: hour-of-week slots run from 0 (Monday 00:00–01:00 local) to 167 (Sunday 23:00). */
export const HOURS_PER_WEEK = 168;

const QUARTER_MS = 900_000;
const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const CACHE_LIMIT = 8_192;

const formatters = new Map<string, Intl.DateTimeFormat>();
const caches = new Map<string, Map<number, number>>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/**
 * The hour-of-week slot of an instant in a time zone: `0` is Monday 00:00–01:00 local time, `167`
 * Sunday 23:00–24:00. Daylight-saving changes are honoured (the zone's rules come from `Intl`), so
 * on a 23-hour day one slot is skipped and on a 25-hour day one slot covers two hours. The detectors
 * learn one baseline per slot; history (warm start) and live orders placed at the same local hour of
 * the same weekday share a slot.
 *
 * Results are cached per quarter hour (every zone's offset is a whole number of quarter hours),
 * at most 8,192 entries per zone.
 *
 * @param at - the instant, as a `Date` or epoch milliseconds
 * @param timeZone - an IANA time zone
 * @defaultValue timeZone `'America/Sao_Paulo'` ({@link DEFAULT_BUSINESS_TIME_ZONE})
 * @returns the slot, an integer in `[0, 167]`
 * @throws RangeError when `timeZone` is not a known IANA name
 * @example
 * ```ts
 * hourOfWeekSlot(new Date('2024-01-01T13:30:00Z')); // 10: Monday 10:xx in São Paulo (UTC−3)
 * hourOfWeekSlot(new Date('2024-01-01T13:30:00Z'), 'UTC'); // 13
 * ```
 */
export function hourOfWeekSlot(at: Date | number, timeZone: string = DEFAULT_BUSINESS_TIME_ZONE): number {
  const ms = typeof at === 'number' ? at : at.getTime();
  const quarter = Math.floor(ms / QUARTER_MS);
  let cache = caches.get(timeZone);
  if (cache === undefined) {
    cache = new Map();
    caches.set(timeZone, cache);
  }
  const cached = cache.get(quarter);
  if (cached !== undefined) return cached;
  let weekday = 0;
  let hour = 0;
  for (const part of formatter(timeZone).formatToParts(quarter * QUARTER_MS)) {
    if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value) % 24;
  }
  const slot = weekday * 24 + hour;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(quarter, slot);
  return slot;
}
