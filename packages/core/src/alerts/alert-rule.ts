import { z } from 'zod';
import { ALERT_SEVERITIES } from './alert.js';
import { detectorConfigSchema } from './create-detector.js';
import { ALERT_DIMENSIONS, ALERT_METRICS } from './series.js';

/** One alert rule: a detector applied to a metric (optionally per key) with a lifecycle. */
export const alertRuleSchema = z
  .object({
    /** A unique name, used in alert ids and in `ALERTS.rule`, e.g. `orders-drop`. */
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'lowercase letters, digits, `_`, `.`, `-`'),
    /** The metric judged: `orders`, `revenue` (cents) or `items`. */
    metric: z.enum(ALERT_METRICS),
    /**
     * Judge one series per value of this dimension (`customer_state`, `product_category`).
     * @defaultValue none (the whole shop)
     */
    by: z.enum(ALERT_DIMENSIONS).optional(),
    /** The detector and its options, e.g. `{ kind: 'seasonal', threshold: 6 }`. */
    detector: detectorConfigSchema,
    /**
     * Which breaches alert.
     * @defaultValue `both`
     */
    direction: z.enum(['both', 'spike', 'drop']).default('both'),
    /**
     * Minutes a breach must persist after its first minute before firing (Prometheus `for`).
     * @defaultValue 0 (minutes)
     */
    forMinutes: z.int().nonnegative().max(1440).default(0),
    /**
     * Minutes after a resolve before the same rule and series may alert again.
     * @defaultValue 10 (minutes)
     */
    cooldownMinutes: z.int().nonnegative().max(10_080).default(10),
    /**
     * The alerts' severity.
     * @defaultValue `warning`
     */
    severity: z.enum(ALERT_SEVERITIES).default('warning'),
  })
  .strict();

/** What callers write for a rule. */
export type AlertRule = z.input<typeof alertRuleSchema>;
/** An {@link AlertRule} with every default filled in. */
export type ResolvedAlertRule = z.output<typeof alertRuleSchema>;
