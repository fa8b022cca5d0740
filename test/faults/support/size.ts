/**
 * The size of the fault-injection suite, read from `ORDERSTREAM_FAULTS`: `ci` (the default, small
 * enough for CI) or `full` (the figures of issue #10; `npm run test:faults`).
 */
export type FaultSize = 'ci' | 'full';

/** What each scenario injects and how much data it streams, per size. */
export interface FaultScale {
  readonly size: FaultSize;
  /** Orders streamed while the sink is killed with SIGKILL. */
  readonly killOrders: number;
  /** How many times the sink is killed. */
  readonly kills: number;
  /** Orders streamed across the broker outage. */
  readonly brokerOrders: number;
  /** How long the broker stays down, in milliseconds. */
  readonly brokerDownMs: number;
  /** Orders streamed across a warehouse outage. */
  readonly warehouseOrders: number;
  /** How long the warehouse stays unavailable, in milliseconds. */
  readonly warehouseDownMs: number;
  /** Orders on the topic before it is deleted (the re-created topic gets fewer). */
  readonly recreateOrders: number;
}

const SCALES: Record<FaultSize, FaultScale> = {
  ci: {
    size: 'ci',
    killOrders: 20_000,
    kills: 5,
    brokerOrders: 6_000,
    brokerDownMs: 20_000,
    warehouseOrders: 4_000,
    warehouseDownMs: 12_000,
    recreateOrders: 2_000,
  },
  full: {
    size: 'full',
    killOrders: 200_000,
    kills: 5,
    brokerOrders: 40_000,
    brokerDownMs: 20_000,
    warehouseOrders: 20_000,
    warehouseDownMs: 30_000,
    recreateOrders: 20_000,
  },
};

/**
 * The scale of this run.
 *
 * @throws when `ORDERSTREAM_FAULTS` is set to something else than `ci` or `full`
 */
export function faultScale(): FaultScale {
  const value = (process.env.ORDERSTREAM_FAULTS ?? 'ci').trim() || 'ci';
  if (value !== 'ci' && value !== 'full') {
    throw new Error(`ORDERSTREAM_FAULTS must be "ci" or "full", got "${value}"`);
  }
  return SCALES[value];
}
