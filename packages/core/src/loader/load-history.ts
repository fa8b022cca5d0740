import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CsvReject } from '../csv/csv-reject.js';
import { isOrderstreamError, OrderstreamError } from '../errors/orderstream-error.js';
import { resolveOptions } from '../options/resolve-options.js';
import { OLIST_TABLE_KEYS, OLIST_TABLES, type OlistTableKey } from '../schema/olist-tables.js';
import { LOAD_MANIFEST, RAW_REJECTS } from '../schema/raw-schema.js';
import type { ColumnBatch } from '../warehouse/column-batch.js';
import type { TableWrite } from '../warehouse/warehouse.js';
import { type FileReadJob, readFileColumns } from './file-read.js';
import type { LoadHistoryOptions } from './options.js';
import { loadHistoryOptionsSchema } from './options.js';
import { ReaderPool } from './reader-pool.js';

/** What happened to one file in {@link loadHistory}. */
export interface LoadHistoryTableResult {
  /** The file's name, without its folder. */
  file: string;
  /** The RAW table it loads into. */
  table: string;
  /**
   * `loaded` (the table was replaced), `skipped` (the manifest already holds this exact file) or
   * `failed` (the file's header or content could not be read; the table kept its rows).
   */
  status: 'loaded' | 'skipped' | 'failed';
  /** Rows in the table from this file (from the manifest when skipped). */
  rows: number;
  /** Records rejected into `raw_rejects` (from the manifest when skipped). */
  rejects: number;
  /** The file's size in bytes. */
  bytes: number;
  /** The file's SHA-256, hex. */
  sha256: string;
  /** Wall time spent on this file, in seconds (from its start to its commit). */
  seconds: number;
  /** Why it failed, when `status` is `failed`. */
  error?: { code: string; message: string };
}

/** What {@link loadHistory} did. */
export interface LoadHistoryResult {
  /** The folder loaded. */
  dataDir: string;
  /** One entry per file, in the order of `OLIST_TABLE_KEYS` (files load two at a time). */
  tables: LoadHistoryTableResult[];
  /** `true` when no file failed. */
  ok: boolean;
  /**
   * Wall time of the whole load, in seconds (files load two at a time: less than the sum of
   * theirs).
   */
  seconds: number;
}

type ManifestEntry = {
  file_name: string;
  table_name: string;
  size_bytes: number | string;
  sha256: string;
  rows_loaded: number | string;
  rows_rejected: number | string;
};

/** Files loaded at once, each in its own transaction. */
const CONCURRENT_FILES = 2;

// Errors that belong to one file: it is reported as failed and the other files still load.
const FILE_ERRORS = new Set(['CORE_CSV_HEADER_MISMATCH', 'CORE_FILE_UNREADABLE', 'CORE_FILE_NOT_FOUND']);

/**
 * Loads the nine Olist CSV files of a folder into the warehouse's RAW tables. Each file is read and
 * validated with the reader of `readOlistCsv` (same rows, same rejects); its valid rows replace the
 * table's rows, its rejects replace that file's earlier rejects in `raw_rejects`, and its
 * `load_manifest` entry (size, SHA-256, counts) is written — all in the one transaction of
 * `Warehouse.replaceTable`, so readers never see a half-loaded table and a failure leaves the
 * previous load in place.
 *
 * Files are read on `readers` worker threads, ahead of the table being written, straight from
 * their bytes into {@link ColumnBatch}es (records the byte path cannot vouch for take the string
 * reader's path, which decides every edge case), and move to the calling thread without copying;
 * the warehouse writes them as columns (DuckDB) or turns them back into rows
 * (`columnBatchRows`). Two files load at once, each in its own transaction (the next starts when
 * either finishes), and once every file has started the warehouse checkpoints beside the last
 * ones (`Warehouse.checkpoint`, where it has one). `tables` keeps the files' order.
 *
 * A file whose size and SHA-256 match its manifest entry is skipped, so re-running on unchanged
 * files changes nothing; a changed file replaces its table (never duplicates).
 *
 * @param options - the folder, the warehouse, progress and cancellation
 * @returns a per-file summary; `ok` is `false` when a file failed (wrong header, unreadable)
 * @throws {@link OrderstreamError} `CORE_DATA_DIR_INVALID` when `dataDir` is not a folder
 * @throws {@link OrderstreamError} `CORE_FILE_NOT_FOUND` naming every missing file (nothing is loaded)
 * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` for invalid options
 * @throws the warehouse's errors (e.g. `DUCKDB_LOCKED`), and the signal's reason when aborted
 * @example
 * ```ts
 * const warehouse = await createDuckDbWarehouse();
 * const result = await loadHistory({ dataDir: './data/olist', warehouse });
 * for (const t of result.tables) console.log(t.file, t.status, t.rows, t.rejects);
 * ```
 */
export async function loadHistory(options: LoadHistoryOptions): Promise<LoadHistoryResult> {
  const loadStarted = performance.now();
  const { dataDir, warehouse, onProgress, signal, force, batchSize, readers, clock } = resolveOptions(
    'loadHistory',
    loadHistoryOptionsSchema,
    options,
  );
  signal?.throwIfAborted();
  const dirInfo = await stat(dataDir).catch((error: unknown) => error as Error);
  if (dirInfo instanceof Error || !dirInfo.isDirectory()) {
    throw new OrderstreamError(
      'CORE_DATA_DIR_INVALID',
      `${dataDir} is not a folder of Olist CSV files (${dirInfo instanceof Error ? 'it does not exist or cannot be read' : 'it is not a folder'})`,
      { details: { dir: dataDir }, ...(dirInfo instanceof Error ? { cause: dirInfo } : {}) },
    );
  }
  const sizes = await Promise.all(
    OLIST_TABLE_KEYS.map(async (key) => {
      const info = await stat(join(dataDir, OLIST_TABLES[key].file)).catch(() => undefined);
      return info?.isFile() ? info.size : undefined;
    }),
  );
  const missing = OLIST_TABLE_KEYS.filter((_, index) => sizes[index] === undefined).map(
    (key) => OLIST_TABLES[key].file,
  );
  if (missing.length > 0) {
    throw new OrderstreamError(
      'CORE_FILE_NOT_FOUND',
      `${dataDir} lacks ${missing.length === 1 ? 'the Olist file' : 'the Olist files'} ${missing.join(', ')}; nothing was loaded`,
      { details: { dir: dataDir, missing } },
    );
  }
  const bytesTotal = sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0);

  // The reader threads start up while the warehouse migrates and reads the manifest.
  const pool = readers > 0 ? new ReaderPool(Math.min(readers, OLIST_TABLE_KEYS.length)) : undefined;
  try {
    return await loadFiles();
  } finally {
    await pool?.close();
  }

  async function loadFiles(): Promise<LoadHistoryResult> {
    await warehouse.migrate();
    const manifest = new Map(
      (
        await warehouse.query<ManifestEntry>(
          `select file_name, table_name, size_bytes, sha256, rows_loaded, rows_rejected from ${warehouse.qualify(LOAD_MANIFEST.name)}`,
        )
      ).map((entry) => [entry.file_name, entry]),
    );

    // Each file's entry at its own index: files finish in any order.
    const tables: LoadHistoryTableResult[] = [];
    // Bytes of each file read so far: files load two at a time.
    const bytesRead = OLIST_TABLE_KEYS.map(() => 0);
    const bytesDone = () => bytesRead.reduce((sum, bytes) => sum + bytes, 0);
    let rowsDone = 0;
    let rejectsDone = 0;
    const jobs = OLIST_TABLE_KEYS.map((key): FileReadJob => {
      const { file, name } = OLIST_TABLES[key];
      const previous = force ? undefined : manifest.get(file);
      return {
        table: key,
        path: join(dataDir, file),
        batchSize,
        known:
          previous?.table_name === name
            ? { size: Number(previous.size_bytes), sha256: previous.sha256 }
            : undefined,
      };
    });
    // Every file is queued at once, in order: while the loader writes one table, the other reader
    // threads read the next files. (Measured: writing the largest file last, or first, was slower;
    // so was reading a large file in two parts on two threads.)
    const reads = jobs.map((job) => pool?.read(job));
    // Two files load at once, each in its own transaction: while one commits (the warehouse's work,
    // off this thread), the next one's batches are written.
    const running = new Set<Promise<void>>();
    let checkpoint: Promise<void> | undefined;
    try {
      for (const fileIndex of OLIST_TABLE_KEYS.keys()) {
        // The next file starts as soon as one finishes: a small table need not wait for a large one.
        while (running.size >= CONCURRENT_FILES) await Promise.race(running);
        signal?.throwIfAborted();
        const loading: Promise<void> = loadFile(fileIndex).then(() => {
          running.delete(loading);
        });
        // Marked handled: a failure surfaces through the race or the final wait.
        loading.catch(() => undefined);
        running.add(loading);
      }
      // Every file has started: the warehouse moves the tables already committed into its main
      // storage beside the last loads (measured on DuckDB: the close then no longer does it alone).
      checkpoint = warehouse.checkpoint?.();
      checkpoint?.catch(() => undefined);
      await Promise.all([...running, checkpoint]);
    } catch (error) {
      await Promise.allSettled([...running, checkpoint]);
      throw error;
    }
    return {
      dataDir,
      tables,
      ok: tables.every((entry) => entry.status !== 'failed'),
      seconds: (performance.now() - loadStarted) / 1000,
    };

    async function loadFile(fileIndex: number): Promise<void> {
      const key = OLIST_TABLE_KEYS[fileIndex] as OlistTableKey;
      const { file, name: table } = OLIST_TABLES[key];
      const bytes = sizes[fileIndex] ?? 0;
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      const report = (read: number) => {
        bytesRead[fileIndex] = read;
        onProgress?.({ file, table, fileIndex, bytesDone: bytesDone(), bytesTotal, rowsDone, rejectsDone });
      };
      const job = jobs[fileIndex] as FileReadJob;
      const events = (reads[fileIndex] ?? { [Symbol.asyncIterator]: () => readFileColumns(job, signal) })[
        Symbol.asyncIterator
      ]();
      const rejects: CsvReject[] = [];
      let digest = { size: bytes, sha256: '' };
      let fileRows = 0;
      try {
        const first = await events.next();
        if (!first.done && first.value.type === 'unchanged') {
          const previous = manifest.get(file) as ManifestEntry;
          tables[fileIndex] = {
            file,
            table,
            status: 'skipped',
            rows: Number(previous.rows_loaded),
            rejects: Number(previous.rows_rejected),
            bytes: first.value.size,
            sha256: first.value.sha256,
            seconds: seconds(),
          };
          report(first.value.size);
          return;
        }
        async function* batches(): AsyncGenerator<ColumnBatch> {
          for (let next = first; !next.done; next = await events.next()) {
            signal?.throwIfAborted();
            const event = next.value;
            if (event.type === 'done') {
              digest = { size: event.size, sha256: event.sha256 };
            } else if (event.type === 'batch') {
              for (const reject of event.rejects) rejects.push(reject);
              fileRows += event.batch.rowCount;
              rowsDone += event.batch.rowCount;
              rejectsDone += event.rejects.length;
              report(Math.min(event.bytesRead, bytes));
              yield event.batch;
            }
          }
        }
        const loadedAt = clock();
        const { rows } = await warehouse.replaceTable(table, batches(), {
          alsoDelete: [{ table: RAW_REJECTS.name, where: { source: 'csv', source_name: file } }],
          alsoWrite: ({ rows: written }): TableWrite[] => [
            {
              table: RAW_REJECTS.name,
              rows: rejects.map((reject) => ({
                source: 'csv',
                source_name: file,
                position: file,
                line: reject.line,
                field: reject.field,
                code: reject.code,
                reason: reject.reason,
                raw: reject.raw,
                rejected_at: loadedAt,
              })),
            },
            {
              table: LOAD_MANIFEST.name,
              rows: [
                {
                  file_name: file,
                  table_name: table,
                  size_bytes: digest.size,
                  sha256: digest.sha256,
                  rows_loaded: written,
                  rows_rejected: rejects.length,
                  loaded_at: loadedAt,
                },
              ],
            },
          ],
        });
        tables[fileIndex] = {
          file,
          table,
          status: 'loaded',
          rows,
          rejects: rejects.length,
          bytes: digest.size,
          sha256: digest.sha256,
          seconds: seconds(),
        };
      } catch (error) {
        signal?.throwIfAborted();
        if (!isOrderstreamError(error) || !FILE_ERRORS.has(error.code)) throw error;
        // The table rolled back: this run's counts of the file no longer stand.
        rowsDone -= fileRows;
        rejectsDone -= rejects.length;
        tables[fileIndex] = {
          file,
          table,
          status: 'failed',
          rows: 0,
          rejects: 0,
          bytes,
          sha256: digest.sha256,
          seconds: seconds(),
          error: { code: error.code, message: error.message },
        };
      } finally {
        await events.return?.();
      }
      report(bytes);
    }
  }
}
