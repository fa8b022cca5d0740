import { localDateTime, localToInstant, startOfLocalDay, startOfLocalWeek } from '../../time/local-time.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A half-open interval `[from, to)`. */
export interface TimeWindow {
  readonly from: Date;
  readonly to: Date;
}

/** The wall clock of an instant in a zone, as a `Date` whose UTC fields are that wall clock. */
function wallClock(instant: Date, timeZone: string): number {
  const l = localDateTime(instant, timeZone);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, instant.getUTCMilliseconds());
}

/**
 * The rolling windows the KPIs compare: the last hour, the hour before it, and the same local
 * hour a week ago (the same wall-clock time seven local days back, so a DST change in between
 * does not shift it by an hour).
 *
 * @param now - the reference instant
 * @param timeZone - the business time zone
 * @returns the three windows
 */
export function kpiWindows(
  now: Date,
  timeZone: string,
): { current: TimeWindow; previous: TimeWindow; lastWeek: TimeWindow } {
  const t = now.getTime();
  const weekAgo = localToInstant(new Date(wallClock(now, timeZone) - 7 * DAY_MS), timeZone).getTime();
  return {
    current: { from: new Date(t - HOUR_MS), to: new Date(t) },
    previous: { from: new Date(t - 2 * HOUR_MS), to: new Date(t - HOUR_MS) },
    lastWeek: { from: new Date(weekAgo - HOUR_MS), to: new Date(weekAgo) },
  };
}

/**
 * The starts of the last `count` local hours of the business time zone, oldest first, ending with
 * the hour containing `now`. Consecutive elapsed hours: a day whose clocks went back shows 23:00
 * twice, a day whose clocks went forward skips the missing hour.
 *
 * @param now - the reference instant
 * @param timeZone - the business time zone
 * @param count - how many hours
 * @returns the hours' first instants
 */
export function localHourStarts(now: Date, timeZone: string, count: number): Date[] {
  const wall = wallClock(now, timeZone);
  const current = localToInstant(new Date(Math.floor(wall / HOUR_MS) * HOUR_MS), timeZone).getTime();
  // In a zone whose offset is not whole hours the hour may start after the offset-free floor;
  // never let it lie in the future.
  const start = current > now.getTime() ? current - HOUR_MS : current;
  return Array.from({ length: count }, (_, i) => new Date(start - (count - 1 - i) * HOUR_MS));
}

/**
 * The windows of the top-sellers period picker: the last hour (rolling), today since local
 * midnight and this week since local Monday 00:00 of the business time zone.
 *
 * @param now - the reference instant
 * @param timeZone - the business time zone
 * @returns the windows by period name
 */
export function sellerPeriods(now: Date, timeZone: string): Record<'hour' | 'today' | 'week', TimeWindow> {
  return {
    hour: { from: new Date(now.getTime() - HOUR_MS), to: now },
    today: { from: startOfLocalDay(now, timeZone), to: now },
    week: { from: startOfLocalWeek(now, timeZone), to: now },
  };
}

/**
 * How an instant reads in the business time zone, for labels: `YYYY-MM-DD HH:MM`.
 *
 * @param instant - the instant
 * @param timeZone - the business time zone
 * @returns the local date and time
 */
export function localLabel(instant: Date, timeZone: string): string {
  return new Date(wallClock(instant, timeZone)).toISOString().slice(0, 16).replace('T', ' ');
}

export { DAY_MS, HOUR_MS };
