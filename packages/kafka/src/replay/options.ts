import { z } from 'zod';
import { systemClock } from '../clock/clock.js';
import { clockSchema } from '../internal/shared-schemas.js';

/** The zod schema of {@link ReplayOlistOptions}. */
export const replayOlistOptionsSchema = z
  .object({
    /** The folder holding the Olist CSV files (orders, items, payments, customers). */
    dataDir: z.string().min(1),
    /**
     * Time compression: a gap of `g` between two purchases is replayed as `g / speedup`.
     * `3600` replays an hour of history per second.
     * @defaultValue `1` (real time)
     */
    speedup: z.number().positive().default(1),
    /**
     * Which `event_time` the events carry: `replay` (the moment of emission, so live panels and
     * latency work) or `original` (the historical purchase time). The order payload always keeps
     * its historical timestamps.
     * @defaultValue `'replay'`
     */
    eventTime: z.enum(['replay', 'original']).default('replay'),
    /**
     * Stops after this many events.
     * @defaultValue all orders
     */
    limit: z.int().min(0).optional(),
    /**
     * Stops the replay (the iterator ends).
     * @defaultValue none
     */
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'expected an AbortSignal').optional(),
    /**
     * The time source of the pacing.
     * @defaultValue `systemClock`
     */
    clock: clockSchema.default(systemClock),
  })
  .strict();

/**
 * Options of `replayOlistOrders`.
 *
 * @interface
 */
export type ReplayOlistOptions = z.input<typeof replayOlistOptionsSchema>;
/** {@link ReplayOlistOptions} with every default filled in. */
export type ResolvedReplayOlistOptions = z.output<typeof replayOlistOptionsSchema>;
