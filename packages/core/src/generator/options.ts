import { z } from 'zod';
import type { OlistTableKey } from '../schema/olist-tables.js';
import { KAGGLE_ORDER_COUNT } from './olist-catalog.js';

/** Where {@link generateOlistDataset} is, passed to its `onProgress` callback. */
export interface GenerateOlistProgress {
  /** The table being written (the five order tables are written together, reported as `orders`). */
  table: OlistTableKey;
  /** Data rows written so far, over all files. */
  rowsWritten: number;
  /** About how many data rows all files will hold together. */
  rowsEstimated: number;
}

const progressCallback = z.custom<(progress: GenerateOlistProgress) => void>(
  (value) => typeof value === 'function',
  'expected a function',
);

/** The defaults of {@link GenerateOlistOptions}. */
export const GENERATE_OLIST_DEFAULTS = {
  orders: KAGGLE_ORDER_COUNT,
  seed: 42,
  defects: false,
  malformedRows: 0,
} as const;

/** The zod schema of {@link GenerateOlistOptions}. */
export const generateOlistOptionsSchema = z
  .object({
    /** The folder to write the nine CSV files into; created when missing, files overwritten. */
    outDir: z.string().min(1),
    /**
     * How many orders to generate; every other table scales with it from the Kaggle proportions.
     * @defaultValue 99441 orders (the Kaggle data set's size)
     */
    orders: z.int().min(1).max(10_000_000).default(GENERATE_OLIST_DEFAULTS.orders),
    /**
     * The seed: the same seed and options give byte-identical files.
     * @defaultValue 42
     */
    seed: z.int().min(0).max(0xffff_ffff).default(GENERATE_OLIST_DEFAULTS.seed),
    /**
     * Injects the real data's known quirks at their real rates: orders without items (0.78 %:
     * unavailable, canceled, created orders that kept their payments), products without a category,
     * delivered orders without a delivery date, review ids shared by several orders, timestamps out
     * of order, payments a cent or two off, above items + freight by installment interest, or not
     * adding up at all. These are valid rows; the result lists them. (Always present, defects or
     * not: vouchers split over several payments, orders with two reviews, categories missing from
     * the translation file, and naive local timestamps on Sao Paulo's daylight-saving change days,
     * the skipped midnight hour included.)
     * @defaultValue false
     */
    defects: z.boolean().default(GENERATE_OLIST_DEFAULTS.defects),
    /**
     * How many malformed rows to add at random positions (wrong types, bad ids, wrong column
     * counts, stray quotes), for testing a reader's quarantine. The result lists each one's file and
     * line.
     * @defaultValue 0 rows
     */
    malformedRows: z.int().min(0).max(1_000_000).default(GENERATE_OLIST_DEFAULTS.malformedRows),
    /**
     * Called every few thousand rows and at the end of each table.
     * @defaultValue none
     */
    onProgress: progressCallback.optional(),
    /**
     * Stops the generation: it rejects with the signal's reason within a thousand orders. Files
     * already written stay; a partial file is left as written so far (the next run overwrites it).
     * @defaultValue none
     */
    signal: z
      .custom<AbortSignal>((value) => value instanceof AbortSignal, 'expected an AbortSignal')
      .optional(),
  })
  .strict();

/**
 * Options of {@link generateOlistDataset}.
 *
 * @interface
 */
export type GenerateOlistOptions = z.input<typeof generateOlistOptionsSchema>;

/** {@link GenerateOlistOptions} with every default filled in. */
export type ResolvedGenerateOlistOptions = z.output<typeof generateOlistOptionsSchema>;
