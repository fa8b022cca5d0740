import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAlertEngine } from './alert-engine.js';
import type { Detector, HistoryPoint } from './detector.js';
import { isWarmStartable } from './detector.js';
import { EwmaDetector } from './ewma-detector.js';
import { orderEventFixture } from './internal/order-event-fixture.js';
import { MadDetector } from './mad-detector.js';
import { PoissonCusumDetector } from './poisson-cusum-detector.js';
import { SeasonalDetector } from './seasonal-detector.js';
import { SilenceDetector } from './silence-detector.js';
import { ThresholdDetector } from './threshold-detector.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const MONDAY = Date.parse('2018-03-05T00:00:00Z');
const RUNS = { numRuns: 25 };

const FACTORIES: Record<string, () => Detector> = {
  threshold: () => new ThresholdDetector({ above: 80, below: 5 }),
  ewma: () => new EwmaDetector({ warmupMinutes: 10 }),
  mad: () => new MadDetector({ warmupMinutes: 10 }),
  seasonal: () => new SeasonalDetector({ warmupMinutes: 10 }),
  'poisson-cusum': () => new PoissonCusumDetector({ warmupMinutes: 10 }),
  silence: () => new SilenceDetector({ minutes: 2, minExpected: 3 }),
};
const ADAPTIVE = ['ewma', 'mad', 'seasonal', 'poisson-cusum', 'silence'] as const;
const SCALE_FREE = ['ewma', 'mad', 'seasonal'] as const;

/** A count series: a base level with noise and occasional bursts, drops and empty stretches. */
const series = (minLength: number, maxLength: number) =>
  fc
    .tuple(
      fc.integer({ min: 1, max: 60 }),
      fc.array(fc.integer({ min: -3, max: 3 }), { minLength, maxLength }),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(0, 0.3, 2, 4), fc.integer({ min: 1, max: 20 })), {
        maxLength: 4,
      }),
    )
    .map(([base, noise, incidents]) => {
      const values = noise.map((n) => Math.max(0, base + n * Math.ceil(Math.sqrt(base))));
      for (const [at, factor, length] of incidents) {
        const from = at % values.length;
        for (let i = from; i < Math.min(values.length, from + length); i++) {
          values[i] = Math.round((values[i] as number) * factor);
        }
      }
      return values;
    });

const startMinute = fc.integer({ min: 0, max: 7 * 24 * 60 - 1 }).map((m) => MONDAY + m * MIN);

function history(base: number, scale = 1): HistoryPoint[] {
  return Array.from({ length: 2 * 168 }, (_, h) => ({
    at: new Date(MONDAY - (2 * 168 - h) * HOUR),
    value: (base * 60 + (((h * 7) % 5) - 2) * Math.sqrt(base * 60)) * scale,
  }));
}

/** The JSON of a state with every number replaced by 0: its shape. */
const shape = (state: unknown): string => JSON.stringify(state, (_, v) => (typeof v === 'number' ? 0 : v));

describe('detector properties', () => {
  it.each(Object.keys(FACTORIES))('%s: state does not grow with the number of updates', (kind) => {
    fc.assert(
      fc.property(series(300, 300), startMinute, (values, start) => {
        const detector = (FACTORIES[kind] as () => Detector)();
        let i = 0;
        for (; i < 60; i++) detector.update(start + i * MIN, values[i % values.length] as number);
        const early = detector.snapshot();
        for (; i < 3_000; i++) detector.update(start + i * MIN, values[i % values.length] as number);
        const late = detector.snapshot();
        expect(shape(late)).toBe(shape(early));
        // numbers print in at most ~24 characters, so the size is bounded by the shape
        expect(JSON.stringify(late).length).toBeLessThanOrEqual(shape(late).length * 25);
      }),
      { numRuns: 5 },
    );
  });

  it.each(Object.keys(FACTORIES))('%s: snapshot → JSON → restore gives identical future verdicts', (kind) => {
    fc.assert(
      fc.property(series(20, 200), series(20, 200), startMinute, (before, after, start) => {
        const original = (FACTORIES[kind] as () => Detector)();
        if (isWarmStartable(original)) original.warmStart(history(before[0] ?? 1));
        before.forEach((v, i) => {
          original.update(start + i * MIN, v);
        });
        const copy = (FACTORIES[kind] as () => Detector)();
        copy.restore(JSON.parse(JSON.stringify(original.snapshot())));
        const t = start + before.length * MIN;
        const a = after.map((v, i) => original.update(t + i * MIN, v));
        const b = after.map((v, i) => copy.update(t + i * MIN, v));
        expect(b).toEqual(a);
      }),
      RUNS,
    );
  });

  it.each(ADAPTIVE)('%s: a constant series never breaches', (kind) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.boolean(), startMinute, (value, warm, start) => {
        const detector = (FACTORIES[kind] as () => Detector)();
        if (warm && isWarmStartable(detector)) {
          detector.warmStart(
            Array.from({ length: 336 }, (_, h) => ({ at: new Date(MONDAY - h * HOUR), value: value * 60 })),
          );
        }
        for (let i = 0; i < 1_500; i++) expect(detector.update(start + i * MIN, value).breach).toBeNull();
      }),
      RUNS,
    );
  });

  it.each(SCALE_FREE)('%s: multiplying the data by k changes no decision', (kind) => {
    fc.assert(
      fc.property(
        series(50, 400),
        startMinute,
        fc.constantFrom(1 / 16, 1 / 4, 4, 16, 1024),
        (values, start, k) => {
          const plain = (FACTORIES[kind] as () => Detector)();
          const scaled = (FACTORIES[kind] as () => Detector)();
          if (isWarmStartable(plain) && isWarmStartable(scaled)) {
            plain.warmStart(history(values[0] ?? 1));
            scaled.warmStart(history(values[0] ?? 1, k));
          }
          const a = values.map((v, i) => plain.update(start + i * MIN, v));
          const b = values.map((v, i) => scaled.update(start + i * MIN, v * k));
          expect(b.map((v) => v.breach)).toEqual(a.map((v) => v.breach));
          expect(b.map((v) => v.recovered)).toEqual(a.map((v) => v.recovered));
          expect(b.map((v) => v.score)).toEqual(a.map((v) => v.score));
          return a.length > 0;
        },
      ),
      RUNS,
    );
  });
});

describe('engine properties', () => {
  it('snapshot size is bounded by rules and keys, not by the number of events', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 200, maxLength: 200 }), (counts) => {
        const engine = createAlertEngine({
          rules: [
            { name: 'by-state', metric: 'orders', by: 'customer_state', detector: { kind: 'seasonal' } },
          ],
          maxKeysPerDimension: 5,
        });
        const states = ['SP', 'RJ', 'MG', 'BA', 'PR', 'RS', 'SC', 'PE'];
        let id = 0;
        const play = (from: number, to: number) => {
          for (let m = from; m < to; m++) {
            const count = counts[m % counts.length] as number;
            for (let i = 0; i < count; i++) {
              id += 1;
              engine.ingest(
                orderEventFixture({ at: MONDAY + m * MIN + i * 1_000, state: states[id % 8], id }),
              );
            }
          }
        };
        // every state appears in the first minute, so both snapshots track the same five keys
        states.forEach((state, i) => {
          engine.ingest(orderEventFixture({ at: MONDAY + i, state, id: 10_000 + i }));
        });
        play(0, 200);
        const early = engine.snapshot();
        play(200, 2_000);
        const late = engine.snapshot();
        expect(late.instances.length).toBe(5);
        expect(early.instances.length).toBe(5);
        expect((late.aggregator as { buckets: unknown[] }).buckets.length).toBeLessThanOrEqual(3);
        const detectors = (snapshot: typeof late) => snapshot.instances.map((instance) => instance.detector);
        expect(shape(detectors(late))).toBe(shape(detectors(early)));
      }),
      { numRuns: 3 },
    );
  });
});
