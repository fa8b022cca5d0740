import { describe, expect, it } from 'vitest';
import { toCents } from './values.js';

describe('toCents', () => {
  it('reads exact decimal strings without float drift', () => {
    expect(toCents('1234567.89')).toBe(123_456_789);
    expect(toCents('0.10')).toBe(10);
    expect(toCents('7')).toBe(700);
  });

  it('rounds half away from zero beyond two places', () => {
    expect(toCents('1.005')).toBe(101);
    expect(toCents('-1.005')).toBe(-101);
    expect(toCents('1.004')).toBe(100);
  });

  it('treats null as zero and accepts numbers', () => {
    expect(toCents(null)).toBe(0);
    expect(toCents(12.3)).toBe(1230);
  });
});
