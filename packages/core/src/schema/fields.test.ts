import { describe, expect, it } from 'vitest';
import { formatCents, formatNaiveTimestamp, money, naiveTimestamp, parseCents, zipPrefix } from './fields.js';

describe('money', () => {
  it.each([
    ['0', 0],
    ['7', 700],
    ['7.5', 750],
    ['58.90', 5890],
    ['13.29', 1329],
    ['-0.05', -5],
    ['13664.08', 1366408],
  ])('parses %s into %i cents', (text, cents) => {
    expect(parseCents(text)).toBe(cents);
    expect(money.parse(text)).toBe(cents);
  });

  it.each(['', '1.234', '1,50', 'abc', '1e3', ' 1.00', '.5'])('rejects %j', (text) => {
    expect(parseCents(text)).toBeUndefined();
    expect(money.safeParse(text).success).toBe(false);
  });

  it('accepts JSON numbers with at most two decimals', () => {
    expect(money.parse(58.9)).toBe(5890);
    expect(money.safeParse(0.001).success).toBe(false);
  });

  it('sums without drift where floats drift', () => {
    const values = Array.from({ length: 10_000 }, () => '0.10');
    const cents = values.reduce((sum, value) => sum + (parseCents(value) ?? Number.NaN), 0);
    expect(formatCents(cents)).toBe('1000.00');
    // The float sum is what we avoid:
    expect(values.reduce((sum, value) => sum + Number(value), 0)).not.toBe(1000);
  });

  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [5890, '58.90'],
    [-1329, '-13.29'],
  ])('formats %i cents as %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });
});

describe('naiveTimestamp', () => {
  it('keeps the wall clock as UTC', () => {
    const date = naiveTimestamp.parse('2017-10-02 10:56:33');
    expect(date.toISOString()).toBe('2017-10-02T10:56:33.000Z');
    expect(formatNaiveTimestamp(date)).toBe('2017-10-02 10:56:33');
  });

  it.each(['2017-02-30 10:00:00', '2017-10-02', '2017-10-02 24:00:00', '02/10/2017 10:56:33', ''])(
    'rejects %j',
    (text) => {
      expect(naiveTimestamp.safeParse(text).success).toBe(false);
    },
  );
});

describe('zipPrefix', () => {
  it('keeps leading zeros as text', () => {
    expect(zipPrefix.parse('01037')).toBe('01037');
  });

  it.each(['1037', '010370', 'abcde'])('rejects %j', (text) => {
    expect(zipPrefix.safeParse(text).success).toBe(false);
  });
});

describe('naiveTimestamp years', () => {
  it('keeps a year below 100 as written instead of mapping it onto the 1900s', () => {
    expect(naiveTimestamp.parse('0017-10-02 10:56:33').getUTCFullYear()).toBe(17);
  });
});
