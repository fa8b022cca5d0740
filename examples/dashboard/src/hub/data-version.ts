/**
 * A cheap version of the data (e.g. the stream table's row count and newest `ingested_at`), read
 * for many concurrent callers at once but never older than the caller: a caller joins a read that
 * starts after it arrived, so whatever was written before a request is seen by it. Callers arriving
 * while a read runs share the next one, which starts when the running one ends — a burst of
 * requests costs at most two reads.
 */
export class DataVersion {
  readonly #read: () => Promise<string>;
  #running: Promise<string> | undefined;
  #queued: Promise<string> | undefined;

  /** @param read - reads the version from the warehouse */
  constructor(read: () => Promise<string>) {
    this.#read = read;
  }

  /** @returns a version read after this call */
  get(): Promise<string> {
    if (this.#queued !== undefined) return this.#queued;
    const running = this.#running;
    if (running === undefined) return this.#start();
    const next = running
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.#queued = undefined;
        return this.#start();
      });
    this.#queued = next;
    return next;
  }

  #start(): Promise<string> {
    const read = this.#read();
    this.#running = read;
    const done = () => {
      if (this.#running === read) this.#running = undefined;
    };
    read.then(done, done);
    return read;
  }
}
