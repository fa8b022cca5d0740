import type { Warehouse } from '@orderstream/core';
import { instantParam } from '../internal/sql.js';
import type { SqlDialect } from '../internal/sql-dialect.js';
import { DAY_MS } from '../internal/time-windows.js';

const CATEGORY = /^[a-z0-9_]{1,64}$/;
/** How long a loaded list is trusted before an unknown category triggers a reload. */
const RELOAD_AFTER_MS = 10_000;
/** How far back the stream is scanned for categories. */
const LOOKBACK_DAYS = 30;

/**
 * The allow-list of the category filter: the product categories present in the stream over the
 * last 30 days plus those of the Olist translation table when it is loaded. Reloaded lazily, at
 * most every 10 s, when a category is not on the list.
 */
export class CategoryAllowList {
  readonly #warehouse: Warehouse;
  readonly #dialect: SqlDialect;
  readonly #now: () => Date;
  #categories: ReadonlySet<string> = new Set();
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | undefined;

  /**
   * @param warehouse - where the categories are read from
   * @param dialect - the warehouse's SQL dialect
   * @param now - the clock
   */
  constructor(warehouse: Warehouse, dialect: SqlDialect, now: () => Date) {
    this.#warehouse = warehouse;
    this.#dialect = dialect;
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
    const now = this.#now();
    const found = new Set<string>();
    const items = this.#dialect.itemRows(
      `SELECT payload FROM ${this.#warehouse.qualify('raw_order_events')}
       WHERE event_type = 'order_created' AND event_time >= ${this.#dialect.instant}`,
      [],
      { category: 'product_category_name' },
    );
    const streamed = await this.#warehouse.query(
      `SELECT DISTINCT category FROM (${items}) AS item_rows WHERE category IS NOT NULL`,
      [instantParam(new Date(now.getTime() - LOOKBACK_DAYS * DAY_MS))],
    );
    for (const row of streamed) found.add(String(row.category));
    const [translation] = await this.#warehouse.query(
      `SELECT count(*) AS n FROM information_schema.tables WHERE lower(table_name) = 'product_category_name_translation'`,
    );
    if (Number(translation?.n ?? 0) > 0) {
      try {
        const rows = await this.#warehouse.query(
          `SELECT DISTINCT product_category_name AS category FROM ${this.#warehouse.qualify('product_category_name_translation')}`,
        );
        for (const row of rows) found.add(String(row.category));
      } catch {
        // A table of that name outside the RAW schema: the stream's categories are enough.
      }
    }
    this.#categories = new Set([...found].filter((category) => CATEGORY.test(category)));
    this.#loadedAt = performance.now();
  }
}
