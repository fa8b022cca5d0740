import { describe, expect, it } from 'vitest';
import { businessTimeZoneSchema, DEFAULT_BUSINESS_TIME_ZONE } from './business-time-zone.js';
import {
  localDateTime,
  localToInstant,
  resolveBusinessTimeZone,
  startOfLocalDay,
  startOfLocalWeek,
} from './local-time.js';

const SP = 'America/Sao_Paulo';
const naive = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);

describe('businessTimeZoneSchema', () => {
  it('defaults to São Paulo and accepts IANA names', () => {
    expect(businessTimeZoneSchema.parse(undefined)).toBe(DEFAULT_BUSINESS_TIME_ZONE);
    expect(businessTimeZoneSchema.parse('Europe/Berlin')).toBe('Europe/Berlin');
  });

  it('rejects a name the time-zone database does not know, naming it', () => {
    const result = businessTimeZoneSchema.safeParse('Mars/Olympus');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('Mars/Olympus');
  });
});

describe('resolveBusinessTimeZone', () => {
  it('takes the flag, then ORDERSTREAM_TIME_ZONE, then the default', () => {
    expect(resolveBusinessTimeZone('UTC', { ORDERSTREAM_TIME_ZONE: 'Europe/Berlin' })).toBe('UTC');
    expect(resolveBusinessTimeZone(undefined, { ORDERSTREAM_TIME_ZONE: 'Europe/Berlin' })).toBe(
      'Europe/Berlin',
    );
    expect(resolveBusinessTimeZone(undefined, {})).toBe(SP);
  });

  it('throws CORE_INVALID_OPTIONS naming the environment variable', () => {
    expect(() => resolveBusinessTimeZone(undefined, { ORDERSTREAM_TIME_ZONE: 'Nowhere/City' })).toThrow(
      expect.objectContaining({
        code: 'CORE_INVALID_OPTIONS',
        message: expect.stringContaining('ORDERSTREAM_TIME_ZONE'),
      }),
    );
  });
});

describe('local time of São Paulo', () => {
  it('reads an instant as São Paulo wall clock, with and without daylight saving', () => {
    // 2018-01-15: summer time (UTC−2); 2018-06-15: standard time (UTC−3)
    expect(localDateTime(new Date('2018-01-15T12:00:00Z'), SP)).toMatchObject({
      hour: 10,
      day: 15,
      weekday: 1,
    });
    expect(localDateTime(new Date('2018-06-15T12:00:00Z'), SP)).toMatchObject({
      hour: 9,
      day: 15,
      weekday: 5,
    });
  });

  it('maps naive Olist times to instants, both ways', () => {
    expect(localToInstant(naive('2018-06-15 09:00:00'), SP).toISOString()).toBe('2018-06-15T12:00:00.000Z');
    expect(localToInstant(naive('2018-01-15 10:00:00'), SP).toISOString()).toBe('2018-01-15T12:00:00.000Z');
  });

  it('moves a time skipped by DST forward, and takes the first of a repeated hour', () => {
    // 2017-10-15: 00:00 became 01:00 (the day has 23 hours)
    expect(localToInstant(naive('2017-10-15 00:30:00'), SP).toISOString()).toBe('2017-10-15T03:30:00.000Z');
    // 2018-02-17 23:xx happened twice (clocks went back at 2018-02-18 00:00, the 17th has 25 hours)
    expect(localToInstant(naive('2018-02-17 23:30:00'), SP).toISOString()).toBe('2018-02-18T01:30:00.000Z');
  });

  it('gives local days of 23 and 25 hours on DST days', () => {
    const hours = (day: string) => {
      const start = localToInstant(naive(`${day} 00:00:00`), SP);
      const next = startOfLocalDay(new Date(start.getTime() + 30 * 3_600_000), SP);
      return (next.getTime() - startOfLocalDay(start, SP).getTime()) / 3_600_000;
    };
    expect(hours('2017-10-15')).toBe(23);
    expect(hours('2018-02-17')).toBe(25);
    expect(hours('2018-06-15')).toBe(24);
  });

  it('starts the day at 01:00 when midnight was skipped', () => {
    const start = startOfLocalDay(new Date('2017-10-15T15:00:00Z'), SP);
    expect(start.toISOString()).toBe('2017-10-15T03:00:00.000Z');
    expect(localDateTime(start, SP)).toMatchObject({ day: 15, hour: 1 });
  });

  it('starts the week on the local Monday', () => {
    // Sunday 2018-06-17 23:30 local is Monday 02:30 UTC: still the week of Monday the 11th locally
    const week = startOfLocalWeek(new Date('2018-06-18T02:30:00Z'), SP);
    expect(week.toISOString()).toBe('2018-06-11T03:00:00.000Z');
  });
});
