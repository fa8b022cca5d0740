import type { LoadHistoryResult } from '@orderstream/core';
import { loadHistory } from '@orderstream/core';
import { createProgress } from '../progress.js';
import { warehouseFromUri } from '../warehouse-from-uri.js';
import { textTable } from './text-table.js';

// What `orderstream load-history` does once its options are checked (commands/load-history.ts).

/** What `orderstream load-history` accepts. */
export interface LoadHistoryCommandOptions {
  data: string;
  warehouse: string;
  force: boolean;
  readers?: number;
}

/** Formats the per-file summary as an aligned text table. */
export function formatLoadSummary(result: LoadHistoryResult): string {
  const header = ['file', 'rows', 'rejects', 'status', 'seconds'];
  const body = result.tables.map((entry) => [
    entry.file,
    String(entry.rows),
    String(entry.rejects),
    entry.status,
    entry.seconds.toFixed(2),
  ]);
  const totals = [
    'total',
    String(result.tables.reduce((sum, entry) => sum + entry.rows, 0)),
    String(result.tables.reduce((sum, entry) => sum + entry.rejects, 0)),
    result.ok ? 'ok' : 'FAILED',
    // The load's own wall time: files overlap, so theirs do not add up to it.
    result.seconds.toFixed(2),
  ];
  const failures = result.tables
    .filter((entry) => entry.error)
    .map((entry) => `error ${entry.error?.code}: ${entry.error?.message}`);
  return [...textTable(header, body, totals, [0, 3]), ...failures].join('\n');
}

/**
 * Loads the folder into the warehouse, printing progress and the summary.
 *
 * @param options - the parsed command-line options, checked
 * @returns the exit code: 1 when a file failed, else 0
 */
export async function runLoadHistory(options: LoadHistoryCommandOptions): Promise<number> {
  const warehouse = await warehouseFromUri(options.warehouse);
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('load-history interrupted'));
  process.once('SIGINT', stop);
  const progress = createProgress();
  let started = false;
  try {
    const result = await loadHistory({
      dataDir: options.data,
      warehouse,
      force: options.force,
      ...(options.readers === undefined ? {} : { readers: options.readers }),
      signal: controller.signal,
      onProgress: ({ bytesDone, bytesTotal, rowsDone }) => {
        // Rows to come are estimated from the bytes still to read.
        const estimate = bytesDone > 0 ? Math.round((rowsDone * bytesTotal) / bytesDone) : 0;
        if (!started) {
          progress.start(Math.max(estimate, 1), 'load-history', 'rows');
          started = true;
        }
        progress.update(rowsDone, Math.max(estimate, rowsDone, 1));
      },
    });
    if (started) progress.stop();
    started = false;
    console.log(formatLoadSummary(result));
    return result.ok ? 0 : 1;
  } finally {
    if (started) progress.stop();
    process.off('SIGINT', stop);
    await warehouse.close();
  }
}
