import type { DashboardQueries, HealthSnapshot } from '@orderstream/core/queries';
import type { DashboardFilters } from '../filters/dashboard-filters.js';

/** Where a panel's data comes from; the page labels each panel with it. */
export type PanelSource = 'stream' | 'alerts' | 'pipeline' | 'marts';

/** What a panel's loader gets. */
export interface PanelContext {
  /** The dashboard queries of core, over the warehouse, in the business time zone. */
  readonly queries: DashboardQueries;
  /** The instant the data is computed for; every window is relative to it. */
  readonly now: Date;
  readonly filters: DashboardFilters;
  readonly health: (() => HealthSnapshot | Promise<HealthSnapshot>) | undefined;
}

/** A panel's data flattened for CSV download. */
export interface CsvTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
}

/** One dashboard panel: how to load its data and how to flatten it to CSV. */
export interface PanelDefinition<P = unknown> {
  readonly id: string;
  readonly title: string;
  readonly source: PanelSource;
  /** Whether the customer-state and category filters apply. */
  readonly filtered: boolean;
  /** Expensive panels are refreshed at most every `slowPanelIntervalMs`. */
  readonly slow: boolean;
  load(context: PanelContext): Promise<P>;
  toCsv(payload: P): CsvTable;
}

/**
 * Declares a panel with its payload type inferred from `load`.
 *
 * @param definition - the panel
 * @returns the same definition, typed
 */
export function definePanel<P>(definition: PanelDefinition<P>): PanelDefinition<P> {
  return definition;
}
