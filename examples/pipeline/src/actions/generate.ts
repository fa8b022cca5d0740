import { writeFile } from 'node:fs/promises';
import type { GenerateOlistResult } from '@orderstream/core';
import { generateOlistDataset, OLIST_TABLE_KEYS, OLIST_TABLES } from '@orderstream/core';
import { createProgress } from '../progress.js';
import { formatBytes, textTable } from './text-table.js';

// What `orderstream generate` does once its options are checked (commands/generate.ts).

/** What `orderstream generate` accepts. */
export interface GenerateCommandOptions {
  out: string;
  orders: number;
  seed: number;
  defects: boolean;
  malformed: number;
  truth?: string;
  json: boolean;
}

/**
 * Formats a generation result for people: rows, malformed rows, size and SHA-256 per file, then
 * what was injected.
 *
 * @param result - what `generateOlistDataset` returned
 * @param seconds - how long it took
 * @returns the text to print
 */
export function formatGenerateSummary(result: GenerateOlistResult, seconds: number): string {
  const header = ['file', 'rows', 'malformed', 'size', 'sha256'];
  const body = OLIST_TABLE_KEYS.map((table) => {
    const file = result.files[table];
    return [
      OLIST_TABLES[table].file,
      String(file.rows),
      String(file.malformedRows),
      formatBytes(file.bytes),
      file.sha256.slice(0, 16),
    ];
  });
  const totals = [
    'total',
    String(result.totalRows),
    String(result.malformedRows.length),
    formatBytes(result.totalBytes),
    '',
  ];
  const out = [...textTable(header, body, totals, [0, 4]), ''];
  if (result.defects !== null) {
    const d = result.defects;
    const rows: [string, number][] = [
      ['products without category', d.productsWithoutCategory.length],
      ['products without dimensions', d.productsWithoutDimensions.length],
      ['delivered orders without delivery date', d.deliveredWithoutDeliveryDate.length],
      ['review ids shared by several orders', d.sharedReviewIds.length],
      ['orders with timestamps out of order', d.timestampsOutOfOrder.length],
      ['orders without items (payments kept)', d.ordersWithoutItems.length],
      ['orders whose payments differ from items', d.paymentMismatches.length],
    ];
    out.push('Real-data defects injected (valid rows):');
    for (const [label, count] of rows) out.push(`  ${label.padEnd(40)}${String(count).padStart(6)}`);
    out.push('');
  }
  out.push(
    `Generated ${result.orders} orders (seed ${result.seed}) into ${result.outDir} in ${seconds.toFixed(1)} s` +
      (result.malformedRows.length > 0 ? `, with ${result.malformedRows.length} malformed rows.` : '.'),
  );
  return out.join('\n');
}

/**
 * Generates the data set and prints the summary (or the full result as JSON).
 *
 * @param options - the parsed command-line options, checked
 * @returns the exit code, 0
 */
export async function runGenerate(options: GenerateCommandOptions): Promise<number> {
  const progress = options.json ? undefined : createProgress();
  let started = false;
  const startedAt = performance.now();
  try {
    const result = await generateOlistDataset({
      outDir: options.out,
      orders: options.orders,
      seed: options.seed,
      defects: options.defects,
      malformedRows: options.malformed,
      onProgress: ({ rowsWritten, rowsEstimated }) => {
        if (progress === undefined) return;
        if (!started) {
          progress.start(rowsEstimated, 'generate');
          started = true;
        }
        progress.update(Math.min(rowsWritten, rowsEstimated), Math.max(rowsEstimated, rowsWritten));
      },
    });
    if (started) progress?.stop();
    started = false;
    const seconds = (performance.now() - startedAt) / 1000;
    if (options.truth !== undefined) {
      await writeFile(
        options.truth,
        `${JSON.stringify({ defects: result.defects, malformedRows: result.malformedRows }, null, 2)}\n`,
      );
    }
    console.log(options.json ? JSON.stringify(result, null, 2) : formatGenerateSummary(result, seconds));
    return 0;
  } finally {
    if (started) progress?.stop();
  }
}
