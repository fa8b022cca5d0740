import { describe, expect, it } from 'vitest';
import { generateAlertScenario } from './scenarios.js';

describe('generateAlertScenario', () => {
  it('gives the rhythm alone beside the base rates: their ratio is the slow noise, about ±5 %', () => {
    const scenario = generateAlertScenario({ kind: 'clean', ordersPerMinute: 2, weeks: 2, seed: 3 });
    const { baseRates, rhythmRates } = scenario;
    expect(rhythmRates).toHaveLength(baseRates.length);
    // whole weeks of the daily × weekly rhythm average to the volume asked for
    const mean = rhythmRates.reduce((a, b) => a + b, 0) / rhythmRates.length;
    expect(mean).toBeCloseTo(2, 9);
    const logs = Array.from(baseRates, (rate, m) => Math.log(rate / (rhythmRates[m] as number)));
    const sd = Math.sqrt(logs.reduce((a, v) => a + v * v, 0) / logs.length);
    expect(sd).toBeGreaterThan(0.02);
    expect(sd).toBeLessThan(0.1);
    // slow: a minute moves the noise by a small fraction of its spread
    const steps = logs.slice(1).map((v, m) => Math.abs(v - (logs[m] as number)));
    expect(Math.max(...steps)).toBeLessThan(0.03);
  });

  it('has the same rhythm rates in every kind of a seed (only the anomalies differ)', () => {
    const clean = generateAlertScenario({ kind: 'clean', weeks: 1, seed: 1 });
    const drops = generateAlertScenario({ kind: 'drops', weeks: 1, seed: 1 });
    expect(drops.rhythmRates).toHaveLength(7 * 1440);
    expect(drops.rhythmRates).toEqual(clean.rhythmRates);
    expect(drops.baseRates).toEqual(clean.baseRates);
  });
});
