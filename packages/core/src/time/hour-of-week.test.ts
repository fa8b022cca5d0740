import { describe, expect, it } from 'vitest';
import { hourOfWeekSlot } from './hour-of-week.js';

describe('hourOfWeekSlot', () => {
  it('numbers local hours of the week from Monday 00:00 in the business time zone (São Paulo by default)', () => {
    // Monday 2024-01-01 13:30 UTC is 10:30 in São Paulo (UTC−3, no DST since 2019)
    expect(hourOfWeekSlot(new Date('2024-01-01T13:30:00Z'))).toBe(10);
    expect(hourOfWeekSlot(new Date('2024-01-01T13:30:00Z'), 'UTC')).toBe(13);
    // Monday 02:59 UTC is still Sunday 23:59 in São Paulo: the last slot
    expect(hourOfWeekSlot(new Date('2024-01-01T02:59:00Z'))).toBe(167);
    expect(hourOfWeekSlot(Date.parse('2024-01-01T03:00:00Z'))).toBe(0);
  });

  it('puts a history order (naive local time) and a live order (UTC instant) of the same local hour in one slot', () => {
    // Olist history: "2018-03-05 14:20:00" São Paulo wall time, then −03:00 (Brazil's DST ended in February 2018)
    const history = new Date('2018-03-05T14:20:00-03:00');
    const live = new Date('2026-12-07T17:05:00Z'); // a Monday, 14:05 in São Paulo
    expect(hourOfWeekSlot(history)).toBe(hourOfWeekSlot(live));
    expect(hourOfWeekSlot(live)).toBe(14);
  });

  it('follows daylight-saving time: the same local hour keeps its slot across the change', () => {
    // New York: Saturday 2024-03-09 is UTC−5, Saturday 2024-03-16 UTC−4; 09:00 local both times
    const before = hourOfWeekSlot(new Date('2024-03-09T14:00:00Z'), 'America/New_York');
    const after = hourOfWeekSlot(new Date('2024-03-16T13:00:00Z'), 'America/New_York');
    expect(before).toBe(5 * 24 + 9);
    expect(after).toBe(before);
    // São Paulo still had DST in 2018: 2018-11-04 00:00 local did not exist (23-hour day)
    const saturday23 = hourOfWeekSlot(new Date('2018-11-04T02:30:00Z'));
    const sunday01 = hourOfWeekSlot(new Date('2018-11-04T03:30:00Z'));
    expect([saturday23, sunday01]).toEqual([5 * 24 + 23, 6 * 24 + 1]);
  });

  it('rejects an unknown time zone', () => {
    expect(() => hourOfWeekSlot(0, 'Mars/Olympus')).toThrow(RangeError);
  });
});
