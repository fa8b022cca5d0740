/** One recurring job of the {@link Scheduler}. */
export interface ScheduledJob {
  /** A short name for logs. */
  readonly name: string;
  /** The interval between the end of one run and the start of the next, in milliseconds. */
  readonly everyMs: number;
  /** The work; a failure is reported and the job runs again at its next time. */
  readonly run: (signal: AbortSignal) => Promise<void>;
}

/**
 * Runs recurring jobs — what the original design gave to Airflow — without overlap: a job never
 * starts while its previous run is still going, and jobs marked exclusive with each other share one
 * lane (dbt builds must not run twice at once).
 */
export class Scheduler {
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #abort = new AbortController();
  readonly #report: (job: string, error: unknown) => void;
  #lane: Promise<void> = Promise.resolve();

  /** @param report - called with each failed run's error */
  constructor(report: (job: string, error: unknown) => void) {
    this.#report = report;
  }

  /** Schedules a job; the first run is one interval from now. */
  add(job: ScheduledJob): void {
    if (job.everyMs <= 0) return;
    const tick = () => {
      const run = this.#lane.then(async () => {
        if (this.#abort.signal.aborted) return;
        try {
          await job.run(this.#abort.signal);
        } catch (error) {
          if (!this.#abort.signal.aborted) this.#report(job.name, error);
        }
      });
      this.#lane = run;
      void run.then(() => {
        if (!this.#abort.signal.aborted) schedule();
      });
    };
    const schedule = () => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        tick();
      }, job.everyMs);
      timer.unref();
      this.#timers.add(timer);
    };
    schedule();
  }

  /** Runs `work` in the exclusive lane, after whatever job runs now. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#lane.then(work);
    this.#lane = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Cancels pending runs, aborts the running one and waits for it. */
  async stop(): Promise<void> {
    this.#abort.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.#lane.catch(() => undefined);
  }
}
