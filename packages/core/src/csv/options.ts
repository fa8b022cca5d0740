import { z } from 'zod';

const abortSignal = z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'expected an AbortSignal');

/** The defaults of {@link ReadOlistCsvOptions}. */
export const READ_OLIST_CSV_DEFAULTS = {
  batchSize: 5000,
  maxRecordLength: 1_048_576,
  maxRawLength: 4096,
} as const;

/** The zod schema of {@link ReadOlistCsvOptions}. */
export const readOlistCsvOptionsSchema = z
  .object({
    /**
     * The most records (rows plus rejects) per yielded batch.
     * @defaultValue 5000 records
     */
    batchSize: z.int().min(1).max(1_000_000).default(READ_OLIST_CSV_DEFAULTS.batchSize),
    /**
     * The longest record accepted, in characters. Past it the record is rejected as
     * `CSV_RECORD_TOO_LARGE` and reading stops: it is nearly always a quote that never closes and
     * would otherwise pull the rest of the file into memory. The longest real Olist record (a review)
     * is a few kilobytes.
     * @defaultValue 1048576 characters (1 MiB)
     */
    maxRecordLength: z.int().min(1024).default(READ_OLIST_CSV_DEFAULTS.maxRecordLength),
    /**
     * The most characters of a record's text kept in `CsvReject.raw`; longer text is cut with
     * a note of how much was left out.
     * @defaultValue 4096 characters
     */
    maxRawLength: z.int().min(16).default(READ_OLIST_CSV_DEFAULTS.maxRawLength),
    /**
     * Stops reading: the iteration throws the signal's reason.
     * @defaultValue none
     */
    signal: abortSignal.optional(),
  })
  .strict();

/**
 * Options of `readOlistCsv`.
 *
 * @interface
 */
export type ReadOlistCsvOptions = z.input<typeof readOlistCsvOptionsSchema>;

/** {@link ReadOlistCsvOptions} with every default filled in. */
export type ResolvedReadOlistCsvOptions = z.output<typeof readOlistCsvOptionsSchema>;

/** Where `checkOlistDir` is, passed to its `onProgress` callback. */
export interface CheckOlistDirProgress {
  /** The file being read, without its folder. */
  file: string;
  /** 0-based position of that file among the nine. */
  fileIndex: number;
  /** Bytes of all present files read so far. */
  bytesDone: number;
  /** Bytes of all present files together. */
  bytesTotal: number;
  /** Records (rows plus rejects) read so far, over all files. */
  recordsDone: number;
}

/** The defaults of {@link CheckOlistDirOptions}. */
export const CHECK_OLIST_DIR_DEFAULTS = {
  keepRejects: 5,
  batchSize: READ_OLIST_CSV_DEFAULTS.batchSize,
} as const;

/** The zod schema of {@link CheckOlistDirOptions}. */
export const checkOlistDirOptionsSchema = z
  .object({
    /**
     * Called after every batch, and once at the end of each file.
     * @defaultValue none
     */
    onProgress: z
      .custom<(progress: CheckOlistDirProgress) => void>(
        (value) => typeof value === 'function',
        'expected a function',
      )
      .optional(),
    /**
     * How many rejects of each file to keep in `OlistFileReport.firstRejects`.
     * @defaultValue 5 rejects
     */
    keepRejects: z.int().min(0).max(10_000).default(CHECK_OLIST_DIR_DEFAULTS.keepRejects),
    /**
     * Passed on to `readOlistCsv`.
     * @defaultValue 5000 records
     */
    batchSize: z.int().min(1).max(1_000_000).default(CHECK_OLIST_DIR_DEFAULTS.batchSize),
    /**
     * Stops the check: the promise rejects with the signal's reason.
     * @defaultValue none
     */
    signal: abortSignal.optional(),
  })
  .strict();

/**
 * Options of `checkOlistDir`.
 *
 * @interface
 */
export type CheckOlistDirOptions = z.input<typeof checkOlistDirOptionsSchema>;

/** {@link CheckOlistDirOptions} with every default filled in. */
export type ResolvedCheckOlistDirOptions = z.output<typeof checkOlistDirOptionsSchema>;
