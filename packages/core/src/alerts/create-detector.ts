import { z } from 'zod';
import { DemandDetector, demandDetectorOptionsSchema } from './demand-detector.js';
import type { Detector, DetectorContext } from './detector.js';
import { EwmaDetector, ewmaDetectorOptionsSchema } from './ewma-detector.js';
import { MadDetector, madDetectorOptionsSchema } from './mad-detector.js';
import { PoissonCusumDetector, poissonCusumDetectorOptionsSchema } from './poisson-cusum-detector.js';
import { SeasonalDetector, seasonalDetectorOptionsSchema } from './seasonal-detector.js';
import { SilenceDetector, silenceDetectorOptionsSchema } from './silence-detector.js';
import { ThresholdDetector, thresholdDetectorOptionsSchema } from './threshold-detector.js';

/** A detector's configuration: its `kind` and that kind's options (see each detector class). */
export const detectorConfigSchema = z.discriminatedUnion('kind', [
  thresholdDetectorOptionsSchema,
  ewmaDetectorOptionsSchema,
  madDetectorOptionsSchema,
  seasonalDetectorOptionsSchema,
  poissonCusumDetectorOptionsSchema,
  silenceDetectorOptionsSchema,
  demandDetectorOptionsSchema,
]);

/** What callers write for a detector in a rule, e.g. `{ kind: 'seasonal', threshold: 6 }`. */
export type DetectorConfig = z.input<typeof detectorConfigSchema>;

/**
 * Builds a detector from its configuration.
 *
 * @param config - `{ kind, ...options }`; omitted options take the kind's defaults
 * @param context - the business time zone of the hour-of-week slots (default `America/Sao_Paulo`)
 * @returns a fresh detector with empty state
 * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when an option is out of range
 * @example
 * ```ts
 * const detector = createDetector({ kind: 'poisson-cusum', threshold: 10 });
 * ```
 */
export function createDetector(config: DetectorConfig, context: DetectorContext = {}): Detector {
  switch (config.kind) {
    case 'threshold': {
      const { kind: _kind, ...options } = config;
      return new ThresholdDetector(options);
    }
    case 'ewma': {
      const { kind: _kind, ...options } = config;
      return new EwmaDetector(options);
    }
    case 'mad': {
      const { kind: _kind, ...options } = config;
      return new MadDetector(options);
    }
    case 'seasonal': {
      const { kind: _kind, ...options } = config;
      return new SeasonalDetector(options, context);
    }
    case 'poisson-cusum': {
      const { kind: _kind, ...options } = config;
      return new PoissonCusumDetector(options, context);
    }
    case 'silence': {
      const { kind: _kind, ...options } = config;
      return new SilenceDetector(options, context);
    }
    case 'demand': {
      const { kind: _kind, ...options } = config;
      return new DemandDetector(options, context);
    }
  }
}
