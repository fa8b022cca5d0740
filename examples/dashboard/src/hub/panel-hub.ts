import type { Warehouse } from '@orderstream/core';
import { dashboardError } from '../dashboard-error.js';
import type { DashboardFilters } from '../filters/dashboard-filters.js';
import { filterKey } from '../filters/dashboard-filters.js';
import type { HealthSnapshot } from '../health-snapshot.js';
import { payloadHash } from '../internal/hash.js';
import type { DashboardTables } from '../internal/sql.js';
import type { SqlDialect } from '../internal/sql-dialect.js';
import type { PanelDefinition, PanelSource } from '../panels/panel.js';

/** One panel's data as pushed to the page. */
export interface PanelMessage {
  readonly id: string;
  readonly title: string;
  readonly source: PanelSource;
  /** Content hash of `payload`: equal hashes mean equal data. */
  readonly hash: string;
  /** The instant the data was computed for (the server's clock). */
  readonly generatedAt: string;
  readonly payload: unknown;
}

/** What a subscriber receives: a changed panel, or the warehouse's reachability. */
export type HubEvent =
  | { readonly type: 'panel'; readonly message: PanelMessage }
  | { readonly type: 'status'; readonly ok: boolean; readonly message: string };

/** Receives {@link HubEvent}s. */
export type HubListener = (event: HubEvent) => void;

/** What the hub needs. */
export interface PanelHubOptions {
  readonly warehouse: Warehouse;
  readonly tables: DashboardTables;
  readonly dialect: SqlDialect;
  readonly panels: readonly PanelDefinition[];
  readonly now: () => Date;
  readonly health: (() => HealthSnapshot | Promise<HealthSnapshot>) | undefined;
  readonly pollIntervalMs: number;
  readonly slowPanelIntervalMs: number;
  readonly maxFilterSets: number;
  /** Called with failures of a poll (already reported to subscribers as a status). */
  readonly onError: (error: unknown) => void;
}

interface PanelState {
  hash: string;
  message: PanelMessage;
  fingerprint: string;
  loadedAt: number;
}

interface FilterSet {
  readonly key: string;
  readonly filters: DashboardFilters;
  readonly listeners: Set<HubListener>;
  readonly panels: Map<string, PanelState>;
}

/**
 * Polls the warehouse and pushes each panel to its subscribers only when the panel's data
 * changed. Viewers with the same filters share one computation; panels the filters do not apply
 * to are computed once per poll for everybody.
 *
 * A poll first reads a cheap fingerprint of the stream table (row count, newest `ingested_at`,
 * current minute); stream panels are recomputed only when it moves, so an idle warehouse costs
 * two small queries a second.
 */
export class PanelHub {
  readonly #options: PanelHubOptions;
  readonly #sets = new Map<string, FilterSet>();
  #queue: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  #ok = true;

  /** @param options - the warehouse, the panels and the timing */
  constructor(options: PanelHubOptions) {
    this.#options = options;
  }

  /** Starts polling. */
  start(): void {
    this.#timer ??= setInterval(() => {
      if (this.#polling || this.#sets.size === 0) return;
      this.#polling = true;
      void this.#enqueue(() => this.#poll()).finally(() => {
        this.#polling = false;
      });
    }, this.#options.pollIntervalMs);
  }

  /** Stops polling and drops every subscriber; waits for a running poll to end. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sets.clear();
    await this.#queue;
  }

  /**
   * Subscribes to the live panels for a filter set. The listener first gets every panel's current
   * data, then each change.
   *
   * @param filters - validated filters
   * @param listener - receives the events
   * @returns a function that unsubscribes
   * @throws `OrderstreamError` `DASHBOARD_TOO_MANY_SUBSCRIPTIONS` past `maxFilterSets` distinct filter sets
   */
  subscribe(filters: DashboardFilters, listener: HubListener): () => void {
    const key = filterKey(filters);
    let set = this.#sets.get(key);
    if (set === undefined) {
      if (this.#sets.size >= this.#options.maxFilterSets) {
        throw dashboardError(
          'DASHBOARD_TOO_MANY_SUBSCRIPTIONS',
          'Too many different filter combinations are being watched; try again later.',
        );
      }
      set = { key, filters, listeners: new Set(), panels: new Map() };
      this.#sets.set(key, set);
    }
    set.listeners.add(listener);
    const current = set;
    void this.#enqueue(async () => {
      if (!current.listeners.has(listener)) return;
      if (current.panels.size < this.#options.panels.length) await this.#refresh([current], false);
      for (const state of current.panels.values()) listener({ type: 'panel', message: state.message });
      if (!this.#ok) listener({ type: 'status', ok: false, message: 'The warehouse is unreachable.' });
    });
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && this.#sets.get(key) === current) this.#sets.delete(key);
    };
  }

  /**
   * Loads one panel now, outside the push cycle (for JSON and CSV downloads).
   *
   * @param panel - the panel
   * @param filters - validated filters
   * @returns the panel's message
   * @throws `OrderstreamError` `DASHBOARD_QUERY_FAILED` when the warehouse fails
   */
  async load(panel: PanelDefinition, filters: DashboardFilters): Promise<PanelMessage> {
    const now = this.#options.now();
    try {
      const payload = await panel.load(this.#context(now, filters));
      return this.#message(panel, now, payload);
    } catch (error) {
      throw dashboardError(
        'DASHBOARD_QUERY_FAILED',
        'The warehouse could not answer; try again.',
        { panel: panel.id },
        error,
      );
    }
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task).catch((error: unknown) => this.#fail(error));
    this.#queue = run;
    return run;
  }

  async #poll(): Promise<void> {
    await this.#refresh([...this.#sets.values()], true);
  }

  /** Recomputes what is stale for the given sets and pushes what changed. */
  async #refresh(sets: readonly FilterSet[], notify: boolean): Promise<void> {
    const now = this.#options.now();
    const fingerprint = await this.#fingerprint(now);
    const clock = performance.now();
    const shared = new Map<string, PanelMessage>();
    for (const set of sets) {
      for (const panel of this.#options.panels) {
        const previous = set.panels.get(panel.id);
        if (!this.#isStale(panel, previous, fingerprint, clock)) continue;
        let message = panel.filtered ? undefined : shared.get(panel.id);
        if (message === undefined) {
          message = this.#message(panel, now, await panel.load(this.#context(now, set.filters)));
          if (!panel.filtered) shared.set(panel.id, message);
        }
        set.panels.set(panel.id, { hash: message.hash, message, fingerprint, loadedAt: clock });
        if (notify && previous?.hash !== message.hash) {
          for (const listener of set.listeners) listener({ type: 'panel', message });
        }
      }
    }
    if (!this.#ok) {
      this.#ok = true;
      for (const set of sets)
        for (const listener of set.listeners) listener({ type: 'status', ok: true, message: 'ok' });
    }
  }

  #isStale(
    panel: PanelDefinition,
    state: PanelState | undefined,
    fingerprint: string,
    clock: number,
  ): boolean {
    if (state === undefined) return true;
    // Alerts and health are small and change independently of the stream table: every poll.
    if (panel.source !== 'stream') return true;
    if (state.fingerprint === fingerprint) return false;
    return !panel.slow || clock - state.loadedAt >= this.#options.slowPanelIntervalMs;
  }

  async #fingerprint(now: Date): Promise<string> {
    const [row] = await this.#options.warehouse.query(
      `SELECT count(*) AS n, max(ingested_at) AS newest FROM ${this.#options.tables.events}`,
    );
    const newest = row?.newest instanceof Date ? row.newest.getTime() : String(row?.newest ?? '');
    return `${String(row?.n ?? 0)}|${newest}|${Math.floor(now.getTime() / 60_000)}`;
  }

  #context(now: Date, filters: DashboardFilters) {
    const { warehouse, tables, dialect, health } = this.#options;
    return { warehouse, tables, dialect, now, filters, health };
  }

  #message(panel: PanelDefinition, now: Date, payload: unknown): PanelMessage {
    return {
      id: panel.id,
      title: panel.title,
      source: panel.source,
      hash: payloadHash(payload),
      generatedAt: now.toISOString(),
      payload,
    };
  }

  #fail(error: unknown): void {
    this.#options.onError(error);
    if (!this.#ok) return;
    this.#ok = false;
    for (const set of this.#sets.values()) {
      for (const listener of set.listeners) {
        listener({ type: 'status', ok: false, message: 'The warehouse is unreachable.' });
      }
    }
  }
}
