import { Worker } from 'node:worker_threads';
import { OrderstreamError } from '../errors/orderstream-error.js';
import { type FileReadEvent, type FileReadJob, rebuildError } from './file-read.js';
import type { PostedFileReadEvent, ReaderReply, ReaderRequest } from './reader-protocol.js';

interface JobState {
  readonly id: number;
  readonly job: FileReadJob;
  readonly events: PostedFileReadEvent[];
  reader?: Reader;
  finished: boolean;
  error?: Error;
  cancelled: boolean;
  wake?: () => void;
}

interface Reader {
  readonly worker: Worker;
  job?: JobState;
}

function readerFailed(message: string, cause?: unknown): OrderstreamError {
  return new OrderstreamError('CORE_READER_FAILED', message, cause === undefined ? {} : { cause });
}

/** Starts one reader thread on `read-worker` next to this module (`.js`, `.cjs` or, from sources, `.ts`). */
function spawnReader(): Worker {
  const here = import.meta.url;
  const extension = here.slice(here.lastIndexOf('.'));
  const entry = new URL(`./read-worker${extension}`, here);
  if (extension === '.ts') {
    // Running from the TypeScript sources (tests, tsx): the worker compiles through tsx too,
    // found from this package (the process may run in any folder).
    const tsx = import.meta.resolve('tsx/esm/api');
    return new Worker(
      `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`,
      { eval: true },
    );
  }
  return new Worker(entry);
}

/**
 * Reads the loader's files on worker threads, ahead of the thread writing them to the warehouse:
 * files are handed out in the order they are asked for, one per idle thread, and each may run
 * `READ_AHEAD` batches ahead of the loader.
 */
export class ReaderPool {
  readonly #readers: Reader[] = [];
  readonly #waiting: JobState[] = [];
  readonly #open = new Set<JobState>();
  #nextId = 0;
  #failure: Error | undefined;

  /** @param size - the number of reader threads (at least 1) */
  constructor(size: number) {
    for (let index = 0; index < size; index++) {
      const reader: Reader = { worker: spawnReader() };
      reader.worker.on('message', (reply: ReaderReply) => this.#onReply(reader, reply));
      reader.worker.on('error', (error) =>
        this.#fail(readerFailed(`A loader reader thread failed: ${error.message}`, error)),
      );
      reader.worker.on('exit', (code) => {
        if (this.#failure === undefined)
          this.#fail(readerFailed(`A loader reader thread exited (code ${code})`));
      });
      this.#readers.push(reader);
    }
  }

  /**
   * Queues a file and returns its events; reading starts as soon as a thread is free, whether or
   * not the events are being consumed yet. Ending the iteration early cancels the file.
   */
  read(job: FileReadJob): AsyncIterable<FileReadEvent> {
    const state: JobState = { id: this.#nextId++, job, events: [], finished: false, cancelled: false };
    this.#waiting.push(state);
    this.#open.add(state);
    this.#dispatch();
    return { [Symbol.asyncIterator]: () => this.#events(state) };
  }

  async *#events(state: JobState): AsyncGenerator<FileReadEvent> {
    try {
      for (;;) {
        const event = state.events.shift();
        if (event !== undefined) {
          if (event.type === 'batch') {
            this.#post(state, { type: 'ack', id: state.id });
            yield { ...event, transfer: [] };
          } else {
            yield event;
          }
          continue;
        }
        const failure = state.error ?? this.#failure;
        if (failure !== undefined) throw failure;
        if (state.finished) return;
        await new Promise<void>((resolve) => {
          state.wake = resolve;
        });
      }
    } finally {
      this.#open.delete(state);
      if (!state.finished) {
        state.cancelled = true;
        const waiting = this.#waiting.indexOf(state);
        if (waiting >= 0) this.#waiting.splice(waiting, 1);
        else this.#post(state, { type: 'cancel', id: state.id });
      }
    }
  }

  #post(state: JobState, request: ReaderRequest): void {
    state.reader?.worker.postMessage(request);
  }

  #dispatch(): void {
    for (const reader of this.#readers) {
      if (reader.job !== undefined) continue;
      const next = this.#waiting.shift();
      if (next === undefined) return;
      reader.job = next;
      next.reader = reader;
      reader.worker.postMessage({ type: 'read', id: next.id, job: next.job } satisfies ReaderRequest);
    }
  }

  #onReply(reader: Reader, reply: ReaderReply): void {
    const state = reader.job;
    if (state === undefined || state.id !== reply.id) return;
    if (reply.type === 'error') {
      state.error = rebuildError(reply.error, state.job.path);
      state.finished = true;
    } else {
      if (!state.cancelled) state.events.push(reply.event);
      if (reply.event.type !== 'batch') state.finished = true;
    }
    if (state.finished) {
      reader.job = undefined;
      this.#dispatch();
    }
    state.wake?.();
    state.wake = undefined;
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const reader of this.#readers) {
      reader.job?.wake?.();
      if (reader.job) reader.job.wake = undefined;
    }
    for (const state of this.#waiting) state.wake?.();
  }

  /** Events received from the threads and not yet taken by the loader, over all files. */
  get buffered(): number {
    let count = 0;
    for (const state of this.#open) count += state.events.length;
    return count;
  }

  /** Stops every reader thread; files not read yet fail. */
  async close(): Promise<void> {
    this.#failure ??= readerFailed('The loader reader pool is closed');
    await Promise.all(this.#readers.map((reader) => reader.worker.terminate()));
  }
}
