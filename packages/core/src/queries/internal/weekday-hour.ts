import { toCount } from './values.js';

/**
 * SQL of the local weekday (0 = Sunday) and hour of a wall-clock epoch expression (seconds as if
 * the local time were UTC; 1970-01-01 was a Thursday, dow 4).
 *
 * @param localSeconds - the expression
 * @returns the two select-list entries `dow` and `hour`
 */
export function weekdayHourSql(localSeconds: string): string {
  return `CAST((floor(${localSeconds} / 86400) + 4) % 7 AS INTEGER) AS dow,
          CAST(floor(${localSeconds} / 3600) % 24 AS INTEGER) AS hour`;
}

/**
 * Puts `(dow, hour, value)` rows into a 7 × 24 grid.
 *
 * @param rows - the rows
 * @param value - the value column
 * @returns `cells[dow][hour]`
 */
export function weekdayHourCells(rows: readonly Record<string, unknown>[], value: string): number[][] {
  const cells = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const row of rows) {
    const day = cells[toCount(row.dow)];
    if (day !== undefined) day[toCount(row.hour)] = toCount(row[value]);
  }
  return cells;
}
