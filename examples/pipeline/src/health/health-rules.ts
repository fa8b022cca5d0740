import type { HealthFinding } from '@orderstream/kafka';

/** The rules `orderstream health --rule` selects, by their short names. */
export const HEALTH_RULES = {
  freshness: 'health.freshness',
  'dead-letters': 'health.dead-letters',
  lag: 'health.lag',
  progress: 'health.progress',
  restarts: 'health.restarts',
  'dead-letter-repeats': 'health.dead-letter-repeats',
} as const satisfies Record<string, HealthFinding['rule']>;
