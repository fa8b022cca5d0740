import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isOrderstreamError, OrderstreamError } from '../errors/orderstream-error.js';
import { resolveOptions } from '../options/resolve-options.js';
import { OLIST_TABLE_KEYS, OLIST_TABLES, type OlistTableKey } from '../schema/olist-tables.js';
import type { CsvReject } from './csv-reject.js';
import { type CheckOlistDirOptions, checkOlistDirOptionsSchema } from './options.js';
import { readOlistCsv } from './read-olist-csv.js';

/** Why a file of the folder could not be checked. */
export interface OlistFileProblem {
  /** `CORE_FILE_NOT_FOUND`, `CORE_FILE_UNREADABLE` or `CORE_CSV_HEADER_MISMATCH`. */
  code: string;
  /** A sentence naming the file and, for a header, the expected one. */
  message: string;
}

/** What {@link checkOlistDir} found in one of the nine files. */
export interface OlistFileReport {
  /** The file's name (`olist_orders_dataset.csv`). */
  file: string;
  /** The table's key in `OLIST_TABLES`. */
  table: OlistTableKey;
  /** Records read after the header: always `rows + rejects`. */
  records: number;
  /** Records that passed the table's schema. */
  rows: number;
  /** Records rejected. */
  rejects: number;
  /** The file's size in bytes (0 when missing). */
  bytes: number;
  /** The first rejects, in file order (see `keepRejects`). */
  firstRejects: CsvReject[];
  /** Rejects counted by code (`CSV_INVALID_VALUE`: 3, …). */
  rejectsByCode: Record<string, number>;
  /** Set when the file is missing, unreadable or has the wrong header; its counts are then partial. */
  error?: OlistFileProblem;
}

/** What {@link checkOlistDir} found in a folder. */
export interface OlistDirReport {
  /** The folder checked. */
  dir: string;
  /** One report per Olist file, in load order. */
  files: OlistFileReport[];
  /** Sums over the files. */
  totals: { records: number; rows: number; rejects: number; bytes: number };
  /** `true` when every file was present and readable with the right header (rejects allowed). */
  ok: boolean;
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the nine Olist files of a folder with {@link readOlistCsv} and reports, per file, how
 * many records became rows and how many were rejected (with the first rejects). A missing,
 * unreadable or wrongly-headed file is reported in its entry rather than thrown, so one pass
 * shows every problem.
 *
 * @param dir - the folder holding the files, named as `OLIST_TABLES[key].file`
 * @param options - progress callback, how many rejects to keep, batch size
 * @returns the report; `ok` is `false` when any file is missing or unreadable
 * @throws {@link OrderstreamError} `CORE_DATA_DIR_INVALID` when `dir` does not exist or is not a folder
 * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` for invalid options
 * @example
 * ```ts
 * const report = await checkOlistDir('data/olist', {
 *   onProgress: ({ bytesDone, bytesTotal }) => console.log(`${Math.round((100 * bytesDone) / bytesTotal)}%`),
 * });
 * for (const file of report.files) console.log(file.file, file.rows, file.rejects, file.error?.message ?? '');
 * ```
 */
export async function checkOlistDir(
  dir: string,
  options: CheckOlistDirOptions = {},
): Promise<OlistDirReport> {
  const { onProgress, keepRejects, batchSize, signal } = resolveOptions(
    'checkOlistDir',
    checkOlistDirOptionsSchema,
    options,
  );
  const dirInfo = await stat(dir).catch((error: unknown) => error as Error);
  if (dirInfo instanceof Error || !dirInfo.isDirectory()) {
    throw new OrderstreamError(
      'CORE_DATA_DIR_INVALID',
      `${dir} is not a folder of Olist CSV files (${dirInfo instanceof Error ? 'it does not exist or cannot be read' : 'it is not a folder'})`,
      { details: { dir }, ...(dirInfo instanceof Error ? { cause: dirInfo } : {}) },
    );
  }

  const sizes = await Promise.all(OLIST_TABLE_KEYS.map((key) => fileSize(join(dir, OLIST_TABLES[key].file))));
  const bytesTotal = sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0);
  let bytesBefore = 0;
  let recordsDone = 0;
  const files: OlistFileReport[] = [];

  for (const [fileIndex, table] of OLIST_TABLE_KEYS.entries()) {
    const { file } = OLIST_TABLES[table];
    const path = join(dir, file);
    const bytes = sizes[fileIndex] ?? 0;
    const report: OlistFileReport = {
      file,
      table,
      records: 0,
      rows: 0,
      rejects: 0,
      bytes,
      firstRejects: [],
      rejectsByCode: {},
    };
    files.push(report);
    try {
      for await (const batch of readOlistCsv(table, path, { batchSize, signal })) {
        report.rows += batch.rows.length;
        report.rejects += batch.rejects.length;
        report.records += batch.rows.length + batch.rejects.length;
        recordsDone += batch.rows.length + batch.rejects.length;
        for (const reject of batch.rejects) {
          report.rejectsByCode[reject.code] = (report.rejectsByCode[reject.code] ?? 0) + 1;
          if (report.firstRejects.length < keepRejects) report.firstRejects.push(reject);
        }
        onProgress?.({
          file,
          fileIndex,
          bytesDone: bytesBefore + Math.min(batch.bytesRead, bytes),
          bytesTotal,
          recordsDone,
        });
      }
    } catch (error) {
      if (!isOrderstreamError(error) || error.code === 'CORE_INVALID_OPTIONS') throw error;
      report.error = { code: error.code, message: error.message };
    }
    bytesBefore += bytes;
    onProgress?.({ file, fileIndex, bytesDone: bytesBefore, bytesTotal, recordsDone });
  }

  const totals = { records: 0, rows: 0, rejects: 0, bytes: 0 };
  for (const report of files) {
    totals.records += report.records;
    totals.rows += report.rows;
    totals.rejects += report.rejects;
    totals.bytes += report.bytes;
  }
  return { dir, files, totals, ok: files.every((report) => report.error === undefined) };
}
