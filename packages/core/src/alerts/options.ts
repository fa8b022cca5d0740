import { z } from 'zod';
import { businessTimeZoneSchema } from '../time/business-time-zone.js';
import { alertRuleSchema } from './alert-rule.js';
import { DEFAULT_ALERT_RULES } from './default-rules.js';

/** Options of {@link createAlertEngine}; every field is optional. */
export const alertEngineOptionsSchema = z
  .object({
    /**
     * The rules, each with a unique name.
     * @defaultValue {@link DEFAULT_ALERT_RULES}
     */
    rules: z
      .array(alertRuleSchema)
      .min(1)
      .default(() => DEFAULT_ALERT_RULES.map((rule) => ({ ...rule })) as never)
      .refine(
        (rules) => new Set(rules.map((rule) => rule.name)).size === rules.length,
        'rule names must be unique',
      ),
    /**
     * How late (in event time) an event may arrive and still count: a minute closes once the
     * watermark — the latest event time seen minus this — has passed its end. Later events are
     * counted as `late` and reported, not added.
     * @defaultValue 120000 (ms, 2 minutes)
     */
    allowedLatenessMs: z.int().nonnegative().max(86_400_000).default(120_000),
    /**
     * The most keys (states, categories) tracked per dimension; events with further keys still count
     * in the whole-shop series. Bounds memory and snapshot size.
     * @defaultValue 100 (keys)
     */
    maxKeysPerDimension: z.int().positive().max(10_000).default(100),
    /**
     * The most empty minutes emitted at once when the watermark jumps (a consumer resuming after a
     * long pause); older minutes are skipped and detectors resume from the new watermark.
     * @defaultValue 10080 (minutes, one week)
     */
    maxGapMinutes: z.int().positive().default(10_080),
    /**
     * A jump of event time over more than this many minutes without any event, that no
     * {@link AlertEngine.advance} confirmed, is our pipeline's downtime (a consumer resuming after a
     * pause), not the shop's silence: those minutes are unknown, not zero, and raise no business
     * alert. Call `advance` on a timer while the consumer is caught up so that real silence is seen.
     * @defaultValue 10 (minutes)
     */
    unconfirmedGapMinutes: z.int().positive().max(10_080).default(10),
    /**
     * How many recent `event_id`s the engine remembers to count a redelivered event once (about
     * 100 bytes each; the oldest is forgotten first).
     * @defaultValue 100000 (event ids)
     */
    dedupCapacity: z.int().positive().max(10_000_000).default(100_000),
    /**
     * The business time zone (IANA name): the detectors' hour-of-week slots are its local hours
     * (DST-correct), and alert sentences give its local times.
     * @defaultValue `'America/Sao_Paulo'`
     */
    businessTimeZone: businessTimeZoneSchema,
  })
  .strict();

/**
 * What callers pass to {@link createAlertEngine}.
 *
 * @interface
 */
export type AlertEngineOptions = z.input<typeof alertEngineOptionsSchema>;
/** {@link AlertEngineOptions} with every default filled in. */
export type ResolvedAlertEngineOptions = z.output<typeof alertEngineOptionsSchema>;
