import { z } from 'zod';
import type { AlertLifecycleState } from './alert-lifecycle.js';
import type { DetectorKind } from './detector.js';
import { DETECTOR_KINDS } from './detector.js';
import { minuteAggregatorStateSchema } from './minute-aggregator.js';

/** The version of the snapshot format {@link AlertEngine.snapshot} writes and restore reads. */
export const ALERT_ENGINE_SNAPSHOT_VERSION = 3;

export const firingSchema = z
  .object({
    direction: z.enum(['spike', 'drop']),
    startedAtMs: z.number(),
    firedAtMs: z.number(),
    observed: z.number(),
    expected: z.number().nullable(),
    bandLow: z.number().nullable(),
    bandHigh: z.number().nullable(),
    score: z.number(),
    peakScore: z.number(),
    explanation: z.string(),
  })
  .strict();

/** The facts of a firing alert the engine keeps until it resolves. */
export type Firing = z.output<typeof firingSchema>;

export const snapshotSchema = z
  .object({
    version: z.literal(ALERT_ENGINE_SNAPSHOT_VERSION),
    aggregator: minuteAggregatorStateSchema,
    /** Event ids of the minutes still open, with their event times (duplicates stay duplicates). */
    eventIds: z.array(z.tuple([z.string(), z.number()])),
    /** Start of the current gap of unknown minutes, its end and reason, or `null`. */
    gap: z
      .object({
        from: z.number(),
        to: z.number(),
        minutes: z.number(),
        reason: z.enum(['marked', 'no-progress']),
      })
      .strict()
      .nullable(),
    instances: z.array(
      z
        .object({
          rule: z.string(),
          scope: z.string(),
          kind: z.enum(DETECTOR_KINDS),
          detector: z.unknown(),
          lifecycle: z.unknown(),
          firing: firingSchema.nullable(),
        })
        .strict(),
    ),
  })
  .strict();

/**
 * The engine's whole state as plain JSON data: write it with `JSON.stringify` on shutdown and give
 * it to {@link AlertEngine.restore} on start. Versioned by {@link ALERT_ENGINE_SNAPSHOT_VERSION}.
 */
export interface AlertEngineSnapshot {
  readonly version: typeof ALERT_ENGINE_SNAPSHOT_VERSION;
  /** Open minutes, watermark, late count and keys; treat as opaque. */
  readonly aggregator: object;
  /** Ids and times of the events of the minutes still open; treat as opaque. */
  readonly eventIds: readonly (readonly [string, number])[];
  /** The gap of unknown minutes in progress, or `null`; treat as opaque. */
  readonly gap: object | null;
  /** One entry per rule and series. */
  readonly instances: readonly AlertEngineSnapshotEntry[];
}

/** The saved state of one rule on one series, inside an {@link AlertEngineSnapshot}. */
export interface AlertEngineSnapshotEntry {
  /** The rule's name. */
  readonly rule: string;
  /** `''` for the whole shop, else `dimension=key`. */
  readonly scope: string;
  /** The rule's detector kind when saved; a changed kind discards the entry on restore. */
  readonly kind: DetectorKind;
  /** The detector's state (see the detectors' `…State` types). */
  readonly detector: unknown;
  /** The alert lifecycle's state. */
  readonly lifecycle: AlertLifecycleState;
  /** The firing alert's facts, or `null`; treat as opaque. */
  readonly firing: object | null;
}
