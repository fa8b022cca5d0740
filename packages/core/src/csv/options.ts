import { z } from 'zod';

/** Options of `readOlistCsv`. */
export interface ReadOlistCsvOptions {
  /**
   * The most records (rows plus rejects) per yielded batch.
   * @defaultValue 5000 records
   */
  batchSize?: number;
  /**
   * The longest record accepted, in characters. Past it the record is rejected as
   * `CSV_RECORD_TOO_LARGE` and reading stops: it is nearly always a quote that never closes and
   * would otherwise pull the rest of the file into memory. The longest real Olist record (a review)
   * is a few kilobytes.
   * @defaultValue 1048576 characters (1 MiB)
   */
  maxRecordLength?: number;
  /**
   * The most characters of a record's text kept in `CsvReject.raw`; longer text is cut with
   * a note of how much was left out.
   * @defaultValue 4096 characters
   */
  maxRawLength?: number;
  /**
   * Stops reading: the iteration throws the signal's reason.
   * @defaultValue none
   */
  signal?: AbortSignal;
}

const abortSignal = z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'expected an AbortSignal');

/** The schema and defaults of {@link ReadOlistCsvOptions}. */
export const readOlistCsvOptionsSchema = z
  .object({
    batchSize: z.int().min(1).max(1_000_000).default(5000),
    maxRecordLength: z.int().min(1024).default(1_048_576),
    maxRawLength: z.int().min(16).default(4096),
    signal: abortSignal.optional(),
  })
  .strict();

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

/** Options of `checkOlistDir`. */
export interface CheckOlistDirOptions {
  /**
   * Called after every batch, and once at the end of each file.
   * @defaultValue none
   */
  onProgress?: (progress: CheckOlistDirProgress) => void;
  /**
   * How many rejects of each file to keep in `OlistFileReport.firstRejects`.
   * @defaultValue 5 rejects
   */
  keepRejects?: number;
  /**
   * Passed on to `readOlistCsv`.
   * @defaultValue 5000 records
   */
  batchSize?: number;
  /**
   * Stops the check: the promise rejects with the signal's reason.
   * @defaultValue none
   */
  signal?: AbortSignal;
}

/** The schema and defaults of {@link CheckOlistDirOptions}. */
export const checkOlistDirOptionsSchema = z
  .object({
    onProgress: z
      .custom<(progress: CheckOlistDirProgress) => void>(
        (value) => typeof value === 'function',
        'expected a function',
      )
      .optional(),
    keepRejects: z.int().min(0).max(10_000).default(5),
    batchSize: z.int().min(1).max(1_000_000).default(5000),
    signal: abortSignal.optional(),
  })
  .strict();

/** {@link CheckOlistDirOptions} with every default filled in. */
export type ResolvedCheckOlistDirOptions = z.output<typeof checkOlistDirOptionsSchema>;
