/**
 * Remembers the last `capacity` event ids, first in first out, so that the alert engine counts an
 * order event delivered twice (at-least-once delivery, a producer retry, a consumer restart) once.
 * Memory is bounded: about 100 bytes per id, 10 MB at the default 100,000 ids — at 50 orders a
 * minute, the last 33 hours. A duplicate older than that is counted again (and in practice arrives
 * after its minute closed, so it is `late` and not counted anyway).
 */
export class EventIdDedup {
  readonly #capacity: number;
  readonly #seen = new Map<string, number>();
  /** A ring of the remembered ids, oldest at `#next` once full. */
  readonly #ring: (string | undefined)[] = [];
  #next = 0;

  /** @param capacity - the most ids remembered */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** How many ids are remembered. */
  get size(): number {
    return this.#seen.size;
  }

  /**
   * Records an id.
   *
   * @param id - the event id
   * @param eventTimeMs - the event's time, kept for {@link EventIdDedup.since}
   * @returns `true` the first time, `false` for an id already remembered
   */
  add(id: string, eventTimeMs: number): boolean {
    if (this.#seen.has(id)) return false;
    const oldest = this.#ring[this.#next];
    if (oldest !== undefined) this.#seen.delete(oldest);
    this.#ring[this.#next] = id;
    this.#next = this.#next + 1 === this.#capacity ? 0 : this.#next + 1;
    this.#seen.set(id, eventTimeMs);
    return true;
  }

  /**
   * The remembered ids of events at or after a time, oldest first (for a snapshot: the ids of the
   * minutes still open).
   *
   * @param eventTimeMs - the earliest event time kept
   * @returns `[id, eventTimeMs]` pairs
   */
  since(eventTimeMs: number): [string, number][] {
    const out: [string, number][] = [];
    for (const [id, time] of this.#seen) if (time >= eventTimeMs) out.push([id, time]);
    return out;
  }
}
