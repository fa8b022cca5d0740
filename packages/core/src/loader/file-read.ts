import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { CsvReject } from '../csv/csv-reject.js';
import { fileError } from '../csv/file-bytes.js';
import { readOlistCsvOptionsSchema } from '../csv/options.js';
import { isOrderstreamError, OrderstreamError } from '../errors/orderstream-error.js';
import { OLIST_TABLES, type OlistTableKey } from '../schema/olist-tables.js';
import type { ColumnBatch } from '../warehouse/column-batch.js';
import { readColumnBatches } from './byte-reader.js';
import { ColumnBatchBuilder } from './column-batch-builder.js';
import { fileDigest } from './internal/file-digest.js';

/** One file for the loader to read: plain data, so that it can be posted to a reader thread. */
export interface FileReadJob {
  readonly table: OlistTableKey;
  readonly path: string;
  readonly batchSize: number;
  /**
   * The file's size and SHA-256 in the load manifest. When the size matches, the file is hashed
   * first and not read at all if the hash matches too; otherwise it is hashed while it is read.
   */
  readonly known?: { readonly size: number; readonly sha256: string } | undefined;
}

/** What reading one file yields, in order: `unchanged` alone, or batches then `done`. */
export type FileReadEvent =
  | { readonly type: 'unchanged'; readonly size: number; readonly sha256: string }
  | {
      readonly type: 'batch';
      readonly batch: ColumnBatch;
      readonly rejects: CsvReject[];
      readonly bytesRead: number;
      /** The batch's buffers, to post it to another thread without copying. */
      readonly transfer: ArrayBuffer[];
    }
  | { readonly type: 'done'; readonly size: number; readonly sha256: string };

/**
 * Reads and validates one Olist file into column batches, hashing it on the way (or first, to
 * skip an unchanged file). Runs on a reader thread or, with `readers: 0`, on the caller's.
 *
 * @throws {@link OrderstreamError} `CORE_FILE_NOT_FOUND`, `CORE_FILE_UNREADABLE`,
 *   `CORE_CSV_HEADER_MISMATCH` as `readOlistCsv` does; the signal's reason when aborted
 */
export async function* readFileColumns(
  job: FileReadJob,
  signal?: AbortSignal,
): AsyncGenerator<FileReadEvent> {
  const { table, path, batchSize, known } = job;
  let digest: { size: number; sha256: string } | undefined;
  if (known !== undefined) {
    try {
      if ((await stat(path)).size === known.size) digest = await fileDigest(path, signal);
    } catch (error) {
      signal?.throwIfAborted();
      throw fileError(error, path);
    }
    if (digest?.sha256 === known.sha256) {
      yield { type: 'unchanged', ...digest };
      return;
    }
  }
  const hash = digest === undefined ? createHash('sha256') : undefined;
  let size = 0;
  const options = {
    ...readOlistCsvOptionsSchema.parse({ batchSize }),
    ...(signal ? { signal } : {}),
    timestamps: 'millis' as const,
    onChunk: (chunk: Buffer) => {
      size += chunk.length;
      hash?.update(chunk);
    },
  };
  const builder = new ColumnBatchBuilder(OLIST_TABLES[table], batchSize);
  for await (const { rows, rejects, bytesRead } of readColumnBatches(table, path, options, builder)) {
    yield { type: 'batch', batch: rows.batch, rejects, bytesRead, transfer: rows.transfer };
  }
  yield {
    type: 'done',
    ...(digest ?? { size, sha256: (hash as ReturnType<typeof createHash>).digest('hex') }),
  };
}

/** An error as posted between threads: code, message and details survive, the class is rebuilt. */
export interface PostedError {
  readonly code?: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Flattens an error for `postMessage`. */
export function postError(error: unknown): PostedError {
  if (isOrderstreamError(error)) return { code: error.code, message: error.message, details: error.details };
  return { message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

/**
 * Rebuilds a posted error: an `OrderstreamError` with its code when it was one, else
 * `CORE_READER_FAILED` naming the file.
 */
export function rebuildError(posted: PostedError, path: string): OrderstreamError {
  return posted.code === undefined
    ? new OrderstreamError(
        'CORE_READER_FAILED',
        `Reading ${path} failed on a reader thread: ${posted.message}`,
        {
          details: { path },
        },
      )
    : new OrderstreamError(posted.code, posted.message, { details: { ...posted.details } });
}
