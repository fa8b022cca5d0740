import { OrderstreamError } from '../errors/orderstream-error.js';
import { businessTimeZoneSchema } from './business-time-zone.js';

const DAY_MS = 86_400_000;

/** The environment variable that sets the business time zone of the apps. */
export const BUSINESS_TIME_ZONE_ENV = 'ORDERSTREAM_TIME_ZONE';

/** The wall clock of an instant in a time zone. `weekday` is 0 = Sunday … 6 = Saturday. */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The local date and time of an instant in a time zone.
 *
 * @param instant - the instant
 * @param timeZone - an IANA name (see `businessTimeZoneSchema`)
 * @returns its wall clock there, with the weekday
 * @example
 * ```ts
 * localDateTime(new Date('2018-01-01T12:00:00Z'), 'America/Sao_Paulo').hour; // 10 (summer time, UTC-2)
 * ```
 */
export function localDateTime(instant: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const year = parts.year ?? 0;
  const month = parts.month ?? 1;
  const day = parts.day ?? 1;
  return {
    year,
    month,
    day,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Wall clock minus UTC at an instant, in milliseconds (e.g. −3 h in São Paulo without DST). */
function offsetMs(instantMs: number, timeZone: string): number {
  const l = localDateTime(new Date(instantMs), timeZone);
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return wall - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant at which a time zone's wall clock shows a given local time. A time skipped by a DST
 * change (the clock jumps forward) maps to the instant just after the gap, as if the clock had not
 * yet moved; a time that happens twice (the clock goes back) maps to the first of the two — the
 * `compatible` rule of Temporal and of most databases.
 *
 * @param wallClock - the local time, given as a `Date` whose UTC fields are the wall clock (how
 *   `parseNaiveTimestamp` reads Olist's naive timestamps)
 * @param timeZone - an IANA name
 * @returns the instant
 * @example
 * ```ts
 * // Olist history: naive São Paulo time
 * localToInstant(new Date('2018-03-01T10:00:00Z'), 'America/Sao_Paulo').toISOString(); // '2018-03-01T13:00:00.000Z'
 * ```
 */
export function localToInstant(wallClock: Date, timeZone: string): Date {
  const wall = wallClock.getTime();
  const before = offsetMs(wall - DAY_MS, timeZone);
  const after = offsetMs(wall + DAY_MS, timeZone);
  const candidates = [wall - before, wall - after].filter(
    (candidate) => candidate + offsetMs(candidate, timeZone) === wall,
  );
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  return new Date(wall - before);
}

/**
 * The first instant of the local day containing an instant; a DST day may start at 01:00.
 *
 * @param instant - the instant
 * @param timeZone - an IANA name
 * @param daysBack - whole local days to go back from that day
 * @returns the day's first instant
 */
export function startOfLocalDay(instant: Date, timeZone: string, daysBack = 0): Date {
  const l = localDateTime(instant, timeZone);
  return localToInstant(new Date(Date.UTC(l.year, l.month - 1, l.day - daysBack)), timeZone);
}

/**
 * The first instant of the local ISO week (from Monday) containing an instant.
 *
 * @param instant - the instant
 * @param timeZone - an IANA name
 * @returns Monday's first instant
 */
export function startOfLocalWeek(instant: Date, timeZone: string): Date {
  const { weekday } = localDateTime(instant, timeZone);
  return startOfLocalDay(instant, timeZone, (weekday + 6) % 7);
}

/**
 * Resolves the business time zone of an app: an explicit value (a command-line flag) wins, then
 * the `ORDERSTREAM_TIME_ZONE` environment variable, then `DEFAULT_BUSINESS_TIME_ZONE`.
 *
 * @param explicit - the value given on the command line or in code, if any
 * @param env - the environment to read (`process.env` in apps)
 * @returns a validated IANA name
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` naming where the unknown zone came from
 * @example
 * ```ts
 * const timeZone = resolveBusinessTimeZone(values['time-zone'], process.env);
 * ```
 */
export function resolveBusinessTimeZone(
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const fromEnv = env[BUSINESS_TIME_ZONE_ENV];
  const [source, value] =
    explicit !== undefined && explicit !== ''
      ? ['--time-zone', explicit]
      : fromEnv !== undefined && fromEnv !== ''
        ? [BUSINESS_TIME_ZONE_ENV, fromEnv]
        : ['default', undefined];
  const result = businessTimeZoneSchema.safeParse(value);
  if (result.success) return result.data;
  throw new OrderstreamError(
    'CORE_INVALID_OPTIONS',
    `Invalid business time zone from ${source}: ${result.error.issues.map((issue) => issue.message).join('; ')}`,
    { details: { component: 'businessTimeZone', source, issues: result.error.issues } },
  );
}
