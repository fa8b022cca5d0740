import type { DashboardQueries } from '@orderstream/core/queries';

const CATEGORY = /^[a-z0-9_]{1,64}$/;
/** How long a loaded list is trusted before an unknown category triggers a reload. */
const RELOAD_AFTER_MS = 10_000;

/**
 * The allow-list of the category filter: the product categories present in the stream over the
 * last 30 days plus those of the Olist translation table when it is loaded. Reloaded lazily, at
 * most every 10 s, when a category is not on the list.
 */
export class CategoryAllowList {
  readonly #queries: DashboardQueries;
  readonly #now: () => Date;
  #categories: ReadonlySet<string> = new Set();
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | undefined;

  /**
   * @param queries - the dashboard queries, which read the categories
   * @param now - the clock
   */
  constructor(queries: DashboardQueries, now: () => Date) {
    this.#queries = queries;
    this.#now = now;
  }

  /**
   * The known categories, sorted, loading them on first use.
   *
   * @returns the categories
   */
  async list(): Promise<string[]> {
    if (this.#loadedAt === Number.NEGATIVE_INFINITY) await this.#reload();
    return [...this.#categories].sort();
  }

  /**
   * Tells whether a category is known, reloading the list when it is not and the list is stale.
   *
   * @param category - a well-formed category name
   * @returns whether it is on the allow-list
   */
  async has(category: string): Promise<boolean> {
    if (this.#categories.has(category)) return true;
    if (performance.now() - this.#loadedAt < RELOAD_AFTER_MS) return false;
    await this.#reload();
    return this.#categories.has(category);
  }

  #reload(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<void> {
    const found = await this.#queries.productCategories({ now: this.#now() });
    this.#categories = new Set([...found].filter((category) => CATEGORY.test(category)));
    this.#loadedAt = performance.now();
  }
}
