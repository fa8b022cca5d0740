import { z } from 'zod';
import type { Warehouse } from '../warehouse/warehouse.js';

/** Where {@link loadHistory} is, passed to its `onProgress` callback after every batch. */
export interface LoadHistoryProgress {
  /** The file this event is about, without its folder (two files load at once). */
  file: string;
  /** Its RAW table. */
  table: string;
  /** 0-based position of that file among the nine (in `OLIST_TABLE_KEYS`, the order they start in). */
  fileIndex: number;
  /** Bytes of all nine files read so far (skipped files count as read). */
  bytesDone: number;
  /** Bytes of all nine files together. */
  bytesTotal: number;
  /** Rows written so far, over all files loaded in this run (a file that fails takes its back). */
  rowsDone: number;
  /** Records rejected so far, over all files loaded in this run. */
  rejectsDone: number;
}

/** The defaults of {@link LoadHistoryOptions}. */
export const LOAD_HISTORY_DEFAULTS = {
  force: false,
  batchSize: 16_384,
  readers: 2,
} as const;

/** The zod schema of {@link LoadHistoryOptions}. */
export const loadHistoryOptionsSchema = z
  .object({
    /** The folder holding the nine Olist CSV files, named as `OLIST_TABLES[key].file`. */
    dataDir: z.string().min(1),
    /** The warehouse to load into; it is migrated first. */
    warehouse: z.custom<Warehouse>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as Warehouse).replaceTable === 'function',
      'expected a Warehouse',
    ),
    /**
     * Called after every batch.
     * @defaultValue none
     */
    onProgress: z
      .custom<(progress: LoadHistoryProgress) => void>(
        (value) => typeof value === 'function',
        'expected a function',
      )
      .optional(),
    /**
     * Stops the load: the table being loaded rolls back and the promise rejects with the signal's reason.
     * @defaultValue none
     */
    signal: z
      .custom<AbortSignal>((value) => value instanceof AbortSignal, 'expected an AbortSignal')
      .optional(),
    /**
     * Reload every file, even those whose size and SHA-256 match the manifest.
     * @defaultValue `false`
     */
    force: z.boolean().default(LOAD_HISTORY_DEFAULTS.force),
    /**
     * Records per batch read from a file and written to the warehouse (a multiple of 2048, the
     * vector size of columnar engines such as DuckDB, fills their chunks).
     * @defaultValue 16384 records
     */
    batchSize: z.int().min(1).max(1_000_000).default(LOAD_HISTORY_DEFAULTS.batchSize),
    /**
     * Worker threads reading and validating files ahead of the warehouse writes, each file on one
     * thread. `0` reads on the calling thread, one file after the other (also the choice when a
     * bundler cannot ship the thread's entry, `read-worker.js`, next to the package's code).
     * @defaultValue 2 threads
     */
    readers: z.int().min(0).max(9).default(LOAD_HISTORY_DEFAULTS.readers),
    /**
     * The clock stamping `loaded_at` and `rejected_at`.
     * @defaultValue `() => new Date()`
     */
    clock: z
      .custom<() => Date>((value) => typeof value === 'function', 'expected a function returning a Date')
      .default(() => () => new Date()),
  })
  .strict();

/**
 * Options of {@link loadHistory}.
 *
 * @interface
 */
export type LoadHistoryOptions = z.input<typeof loadHistoryOptionsSchema>;

/** {@link LoadHistoryOptions} with every default filled in. */
export type ResolvedLoadHistoryOptions = z.output<typeof loadHistoryOptionsSchema>;
