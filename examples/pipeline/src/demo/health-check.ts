import type { Warehouse, WarehouseRow } from '@orderstream/core';
import type { HealthFinding } from '@orderstream/kafka';

/** What a health check reads besides the warehouse: the sink's totals, or Kafka's own view. */
export interface HealthSignals {
  /** Dead letters so far; the check compares it with the previous run (the first run with 0). */
  readonly deadLettered: number;
  /** Total consumer lag of the sink's group, in records. */
  readonly lag: number;
}

/** Thresholds of {@link HealthCheck}. */
export interface HealthCheckOptions {
  warehouse: Warehouse;
  signals: () => HealthSignals | Promise<HealthSignals>;
  /** Data older than this is stale, in milliseconds. */
  maxStalenessMs: number;
  /** Total consumer lag above this many records is an alert. */
  maxLag: number;
  now?: () => Date;
  log: (line: string) => void;
  /**
   * Whether rule changes are written to the `alerts` table (the long-running pipeline does; a
   * one-shot check that keeps no state between runs does not).
   * @defaultValue `true`
   */
  recordAlerts?: boolean;
}

/**
 * The 5-minute monitor of the original design: freshness of the stream table, growth of the
 * dead-letter count, consumer lag. Each rule that starts failing raises an alert in the `alerts`
 * table (where the dashboard shows it) and resolves it when it passes again.
 */
export class HealthCheck {
  readonly #options: HealthCheckOptions;
  readonly #open = new Map<string, { id: string; startedAt: Date }>();
  #lastDeadLetters = 0;

  constructor(options: HealthCheckOptions) {
    this.#options = options;
  }

  /** Runs the checks once and records alert changes. */
  async run(): Promise<HealthFinding[]> {
    const now = (this.#options.now ?? (() => new Date()))();
    const [fresh] = await this.#options.warehouse.query<{ newest: Date | null }>(
      `SELECT max(ingested_at) AS newest FROM ${this.#options.warehouse.qualify('raw_order_events')}`,
    );
    const ageMs = fresh?.newest ? now.getTime() - fresh.newest.getTime() : Number.POSITIVE_INFINITY;
    const { deadLettered, lag } = await this.#options.signals();
    const newDeadLetters = deadLettered - this.#lastDeadLetters;
    this.#lastDeadLetters = deadLettered;

    const findings: HealthFinding[] = [
      {
        rule: 'health.freshness',
        failing: ageMs > this.#options.maxStalenessMs,
        observed: Number.isFinite(ageMs) ? Math.round(ageMs / 1000) : -1,
        limit: this.#options.maxStalenessMs / 1000,
        explanation: Number.isFinite(ageMs)
          ? `newest streamed row is ${Math.round(ageMs / 1000)} s old (limit ${this.#options.maxStalenessMs / 1000} s)`
          : 'no streamed rows yet',
      },
      {
        rule: 'health.dead-letters',
        failing: newDeadLetters > 0,
        observed: newDeadLetters,
        limit: 0,
        explanation: `${newDeadLetters} messages dead-lettered since the last check (${deadLettered} in all)`,
      },
      {
        rule: 'health.lag',
        failing: lag > this.#options.maxLag,
        observed: lag,
        limit: this.#options.maxLag,
        explanation: `consumer lag is ${lag} records (limit ${this.#options.maxLag})`,
      },
    ];
    const rows: WarehouseRow[] = [];
    for (const finding of findings) {
      const open = this.#open.get(finding.rule);
      if (finding.failing && !open) {
        const started = { id: `${finding.rule}:${now.toISOString()}`, startedAt: now };
        this.#open.set(finding.rule, started);
        rows.push(this.#row(finding, started, 'firing', now));
        this.#options.log(`HEALTH ${finding.rule}: ${finding.explanation}`);
      } else if (!finding.failing && open) {
        this.#open.delete(finding.rule);
        rows.push(this.#row(finding, open, 'resolved', now));
        this.#options.log(`health ${finding.rule} resolved`);
      }
    }
    if (rows.length > 0 && this.#options.recordAlerts !== false)
      await this.#options.warehouse.write([{ table: 'alerts', rows, mode: 'upsert' }]);
    return findings;
  }

  #row(
    finding: HealthFinding,
    open: { id: string; startedAt: Date },
    state: 'firing' | 'resolved',
    now: Date,
  ): WarehouseRow {
    return {
      alert_id: open.id,
      rule: finding.rule,
      series: 'pipeline',
      severity: finding.rule === 'health.dead-letters' ? 'warning' : 'critical',
      state,
      started_at: open.startedAt,
      fired_at: open.startedAt,
      resolved_at: state === 'resolved' ? now : null,
      observed: finding.observed,
      expected: finding.limit,
      band_low: null,
      band_high: finding.limit,
      explanation: finding.explanation,
      details: JSON.stringify({ rule: finding.rule }),
    };
  }
}
