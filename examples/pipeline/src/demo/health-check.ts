import type { Warehouse, WarehouseRow } from '@orderstream/core';
import type { OrderSinkMetrics } from '@orderstream/kafka';

/** Thresholds of {@link HealthCheck}. */
export interface HealthCheckOptions {
  warehouse: Warehouse;
  metrics: () => OrderSinkMetrics;
  /** Data older than this is stale, in milliseconds. */
  maxStalenessMs: number;
  /** Total consumer lag above this many records is an alert. */
  maxLag: number;
  now?: () => Date;
  log: (line: string) => void;
}

/** One finding of a health check. */
export interface HealthFinding {
  readonly rule: 'health.freshness' | 'health.dead-letters' | 'health.lag';
  readonly failing: boolean;
  readonly observed: number;
  readonly limit: number;
  readonly explanation: string;
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
    const metrics = this.#options.metrics();
    const newDeadLetters = metrics.deadLettered - this.#lastDeadLetters;
    this.#lastDeadLetters = metrics.deadLettered;
    const lag = metrics.partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0);

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
        explanation: `${newDeadLetters} messages dead-lettered since the last check (${metrics.deadLettered} in all)`,
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
    if (rows.length > 0) await this.#options.warehouse.write([{ table: 'alerts', rows, mode: 'upsert' }]);
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
