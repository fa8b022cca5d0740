/** The rules a pipeline health check judges, as {@link HealthFinding.rule} names them. */
export const HEALTH_RULES = [
  'health.freshness',
  'health.dead-letters',
  'health.lag',
  'health.progress',
  'health.restarts',
  'health.dead-letter-repeats',
] as const;

/** One of {@link HEALTH_RULES}. */
export type HealthRule = (typeof HEALTH_RULES)[number];

/** What one health rule found. */
export interface HealthFinding {
  /** The rule. */
  readonly rule: HealthRule;
  /** Whether the rule fails: the pipeline needs attention. */
  readonly failing: boolean;
  /**
   * The value the rule compared with its limit (seconds of staleness, dead letters, records of
   * lag, records committed, consumers joined); `-1` when it could not be observed.
   */
  readonly observed: number;
  /** The limit the rule compared it with, in the same unit. */
  readonly limit: number;
  /** A sentence for people: what was seen, against which limit. */
  readonly explanation: string;
}
