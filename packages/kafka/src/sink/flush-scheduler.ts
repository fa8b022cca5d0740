import type { Clock } from '../clock/clock.js';
import type { FlushReason } from './partition-buffers.js';

/** Runs one flush: takes what is due (everything with `all`) and writes it. */
export type FlushRun = (reason: FlushReason, all: boolean, heartbeat?: () => Promise<void>) => Promise<void>;

/**
 * Decides when flushes run: one at a time, requests made before a flush starts join it (the
 * batches of one fetch, or of the fetches that arrive while the previous flush still writes), and
 * an idle timer flushes data no later batch arrives to flush.
 */
export class FlushScheduler {
  readonly #run: FlushRun;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #onIdle: () => void;
  #chain: Promise<void> = Promise.resolve();
  #scheduled: { promise: Promise<void>; all: boolean } | null = null;
  #running: Promise<void> | null = null;
  #timer: AbortController | null = null;

  /**
   * @param run - the flush itself
   * @param clock - the time source of the idle timer
   * @param intervalMs - how long the oldest buffered record may wait
   * @param onIdle - called when the idle timer fires (the sink requests an `interval` flush)
   */
  constructor(run: FlushRun, clock: Clock, intervalMs: number, onIdle: () => void) {
    this.#run = run;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#onIdle = onIdle;
  }

  /** The flush writing now, if any. */
  get running(): Promise<void> | null {
    return this.#running;
  }

  /** Settles after every flush started so far (never rejects). */
  get chain(): Promise<void> {
    return this.#chain;
  }

  /**
   * Requests a flush. `memory` and `stop` flush every buffer; the others what is due.
   *
   * @returns when the flush that takes this request is over; rejects with its error
   */
  request(reason: FlushReason, heartbeat?: () => Promise<void>): Promise<void> {
    const all = reason === 'memory' || reason === 'stop';
    if (this.#scheduled) {
      if (all) this.#scheduled.all = true;
      return this.#scheduled.promise;
    }
    const scheduled = { promise: Promise.resolve(), all };
    scheduled.promise = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const run = this.#chain.then(() => {
        if (this.#scheduled === scheduled) this.#scheduled = null;
        const running = this.#run(reason, scheduled.all, heartbeat);
        this.#running = running;
        const done = () => {
          if (this.#running === running) this.#running = null;
        };
        running.then(done, done);
        return running;
      });
      this.#chain = run.catch(() => undefined);
      return run;
    });
    this.#scheduled = scheduled;
    return scheduled.promise;
  }

  /** Resolves once no flush is queued or running. */
  async settled(): Promise<void> {
    for (;;) {
      const scheduled = this.#scheduled;
      const chain = this.#chain;
      await Promise.allSettled([scheduled?.promise, chain]);
      if (this.#scheduled === null && this.#chain === chain) return;
    }
  }

  /**
   * Arms the idle timer for the oldest buffered record, unless armed or nothing is buffered.
   *
   * @param oldest - when the oldest buffered record was taken, epoch ms, or `null`
   */
  armTimer(oldest: number | null): void {
    if (this.#timer !== null || oldest === null) return;
    const controller = new AbortController();
    this.#timer = controller;
    // +1 ms: timers may fire a little before the wall clock says the interval is over.
    const delay = Math.max(0, oldest + this.#intervalMs - this.#clock.now()) + 1;
    this.#clock.sleep(delay, controller.signal).then(
      () => {
        if (this.#timer === controller) this.#timer = null;
        this.#onIdle();
      },
      () => undefined,
    );
  }

  cancelTimer(): void {
    this.#timer?.abort();
    this.#timer = null;
  }
}
