/**
 * One panel computation per panel + filters + data version: requests for the same key while it
 * runs share its promise (single flight), and later requests with the same version get its result
 * until the version moves. Only the newest version of a key is kept; at most `maxEntries` keys
 * (the oldest key is dropped first). A failed computation is forgotten, so the next request tries
 * again.
 *
 * Why not lru-cache's `fetch()`: its freshness is a TTL, ours is the data version (a live panel
 * must change the moment the data does, and never otherwise), and a Map does the rest.
 */
export class PanelCache {
  readonly #entries = new Map<string, { version: string; value: Promise<unknown> }>();
  readonly #inFlight = new Map<string, Promise<unknown>>();
  readonly #maxEntries: number;

  /** @param maxEntries - the most panel + filters keys kept */
  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /**
   * The value of `key` at `version`: shared while running, cached once done.
   *
   * @param key - the panel and its filters
   * @param version - the data version the value is computed for
   * @param load - computes the value
   * @returns the (shared) value
   */
  get<T>(key: string, version: string, load: () => Promise<T>): Promise<T> {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.version === version) return entry.value as Promise<T>;
    const value = load();
    const fresh = { version, value };
    this.#entries.delete(key);
    this.#entries.set(key, fresh);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    value.catch(() => {
      if (this.#entries.get(key) === fresh) this.#entries.delete(key);
    });
    return value;
  }

  /**
   * Shares one running computation of `key` between concurrent callers, caching nothing: for
   * panels whose data has no cheap version (alerts, pipeline health, marts).
   *
   * @param key - the panel and its filters
   * @param load - computes the value
   * @returns the (shared) value
   */
  share<T>(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.#inFlight.get(key);
    if (running !== undefined) return running as Promise<T>;
    const value = load();
    this.#inFlight.set(key, value);
    const forget = () => {
      if (this.#inFlight.get(key) === value) this.#inFlight.delete(key);
    };
    value.then(forget, forget);
    return value;
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
    this.#inFlight.clear();
  }
}
