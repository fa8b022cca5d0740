const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A half-open interval `[from, to)`. */
export interface TimeWindow {
  readonly from: Date;
  readonly to: Date;
}

/**
 * The rolling windows the KPIs compare: the last hour, the hour before it, and the same hour a
 * week ago.
 *
 * @param now - the reference instant
 * @returns the three windows
 */
export function kpiWindows(now: Date): { current: TimeWindow; previous: TimeWindow; lastWeek: TimeWindow } {
  const t = now.getTime();
  return {
    current: { from: new Date(t - HOUR_MS), to: new Date(t) },
    previous: { from: new Date(t - 2 * HOUR_MS), to: new Date(t - HOUR_MS) },
    lastWeek: { from: new Date(t - 7 * DAY_MS - HOUR_MS), to: new Date(t - 7 * DAY_MS) },
  };
}

/**
 * The start of the UTC hour `hoursBack` hours before the one containing `now`.
 *
 * @param now - the reference instant
 * @param hoursBack - how many whole hours to go back
 * @returns the hour's start
 */
export function hourStart(now: Date, hoursBack = 0): Date {
  return new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - hoursBack * HOUR_MS);
}

/**
 * The windows of the top-sellers period picker, in UTC: the last hour (rolling), today since
 * midnight and this ISO week since Monday 00:00.
 *
 * @param now - the reference instant
 * @returns the windows by period name
 */
export function sellerPeriods(now: Date): Record<'hour' | 'today' | 'week', TimeWindow> {
  const t = now.getTime();
  const midnight = Math.floor(t / DAY_MS) * DAY_MS;
  const daysSinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  return {
    hour: { from: new Date(t - HOUR_MS), to: now },
    today: { from: new Date(midnight), to: now },
    week: { from: new Date(midnight - daysSinceMonday * DAY_MS), to: now },
  };
}

export { DAY_MS, HOUR_MS };
