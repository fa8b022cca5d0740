import type { RetryLogger, Warehouse } from '@orderstream/core';
import { isOrderstreamError, withRetry } from '@orderstream/core';
import type { DashboardQueries, HealthSnapshot } from '@orderstream/core/queries';
import { dashboardError } from '../dashboard-error.js';
import type { DashboardFilters } from '../filters/dashboard-filters.js';
import { filterKey } from '../filters/dashboard-filters.js';
import { payloadHash } from '../internal/hash.js';
import type { PanelDefinition, PanelSource } from '../panels/panel.js';
import { DataVersion } from './data-version.js';
import { PanelCache } from './panel-cache.js';

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
  /** The warehouse, whose stream table's fingerprint tells when stream panels may have changed. */
  readonly warehouse: Warehouse;
  /** The queries the panels load with. */
  readonly queries: DashboardQueries;
  readonly panels: readonly PanelDefinition[];
  readonly now: () => Date;
  readonly health: (() => HealthSnapshot | Promise<HealthSnapshot>) | undefined;
  readonly pollIntervalMs: number;
  readonly slowPanelIntervalMs: number;
  readonly maxFilterSets: number;
  /** Called with failures of a poll (already reported to subscribers as a status). */
  readonly onError: (error: unknown) => void;
  /**
   * How long one panel computation retries a transient warehouse failure (locked, unreachable),
   * in milliseconds.
   */
  readonly queryDeadlineMs: number;
  /** Receives one line per retried warehouse failure, with its backoff. */
  readonly log: RetryLogger | undefined;
}

/** The most panel + filters results kept (one version each). */
const CACHE_ENTRIES = 512;

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
 *
 * Under load, identical panel requests cost one query: a panel's result is cached per panel +
 * filters + data version (that fingerprint; concurrent requests share its reads, see
 * {@link DataVersion}), and requests arriving while it is computed share the computation. Panels
 * without a cheap version (alerts, health, marts) share running computations only (and one poll's).
 */
export class PanelHub {
  readonly #options: PanelHubOptions;
  readonly #sets = new Map<string, FilterSet>();
  #queue: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  #ok = true;
  readonly #cache = new PanelCache(CACHE_ENTRIES);
  readonly #version: DataVersion;
  #rounds = 0;

  /** @param options - the warehouse, the panels and the timing */
  constructor(options: PanelHubOptions) {
    this.#options = options;
    this.#version = new DataVersion(() => this.#readVersion());
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
    this.#cache.clear();
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
      if (panel.source !== 'stream') return await this.#compute(panel, now, filters);
      const version = `${await this.#version.get()}|${minuteOf(now)}`;
      return await this.#compute(panel, now, filters, version);
    } catch (error) {
      throw dashboardError(
        'DASHBOARD_QUERY_FAILED',
        'The warehouse could not answer; try again.',
        { panel: panel.id },
        error,
      );
    }
  }

  /**
   * A panel's message for `now` and `filters`: from the cache when `version` is given and known,
   * else computed once for every concurrent caller.
   */
  #compute(
    panel: PanelDefinition,
    now: Date,
    filters: DashboardFilters,
    version?: string,
  ): Promise<PanelMessage> {
    // Panels the filters do not apply to are the same for every filter set.
    const applied = panel.filtered ? filters : {};
    const key = `${panel.id}|${filterKey(applied)}`;
    const load = async () =>
      this.#message(
        panel,
        now,
        await withRetry(() => panel.load(this.#context(now, applied)), {
          what: `the warehouse (panel ${panel.id})`,
          retries: 5,
          deadlineMs: this.#options.queryDeadlineMs,
          ...(this.#options.log ? { log: this.#options.log } : {}),
          isRetryable: (error) =>
            isOrderstreamError(error) && error.retryable && error.code !== 'CORE_RETRY_DEADLINE_EXCEEDED',
        }),
      );
    return version === undefined ? this.#cache.share(key, load) : this.#cache.get(key, version, load);
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
    const round = `round ${++this.#rounds}`;
    const clock = performance.now();
    for (const set of sets) {
      for (const panel of this.#options.panels) {
        const previous = set.panels.get(panel.id);
        if (!this.#isStale(panel, previous, fingerprint, clock)) continue;
        // Stream panels are cached per fingerprint (an HTTP request may have computed them
        // already); the others are recomputed once per poll.
        const message = await this.#compute(
          panel,
          now,
          set.filters,
          panel.source === 'stream' ? fingerprint : round,
        );
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
    return `${await this.#version.get()}|${minuteOf(now)}`;
  }

  async #readVersion(): Promise<string> {
    const [row] = await this.#options.warehouse.query(
      `SELECT count(*) AS n, max(ingested_at) AS newest FROM ${this.#options.warehouse.qualify('raw_order_events')}`,
    );
    const newest = row?.newest instanceof Date ? row.newest.getTime() : String(row?.newest ?? '');
    return `${String(row?.n ?? 0)}|${newest}`;
  }

  #context(now: Date, filters: DashboardFilters) {
    const { queries, health } = this.#options;
    return { queries, now, filters, health };
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

/** The minute of an instant: rolling windows move with it, so it is part of every version. */
function minuteOf(now: Date): number {
  return Math.floor(now.getTime() / 60_000);
}
