import type { OlistDirReport } from '@orderstream/core';
import { checkOlistDir } from '@orderstream/core';
import { createProgress } from '../progress.js';
import { formatBytes, textTable } from './text-table.js';

// What `orderstream check` does (commands/check.ts parses its options).

/** What `orderstream check` accepts. */
export interface CheckCommandOptions {
  data: string;
  json: boolean;
  rejects: number;
}

const STATUS: Record<string, string> = {
  CORE_FILE_NOT_FOUND: 'MISSING',
  CORE_CSV_HEADER_MISMATCH: 'BAD HEADER',
};

/**
 * Formats a folder check for people: a table of records, rows and rejects per file, the first
 * rejects of each file (line, field, reason), the problems, and a closing verdict.
 *
 * @param report - what `checkOlistDir` returned
 * @returns the text to print
 */
export function formatCheckReport(report: OlistDirReport): string {
  const header = ['file', 'records', 'rows', 'rejects', 'size', 'status'];
  const body = report.files.map((entry) => [
    entry.file,
    String(entry.records),
    String(entry.rows),
    String(entry.rejects),
    formatBytes(entry.bytes),
    entry.error ? (STATUS[entry.error.code] ?? 'UNREADABLE') : 'ok',
  ]);
  const totals = [
    'total',
    String(report.totals.records),
    String(report.totals.rows),
    String(report.totals.rejects),
    formatBytes(report.totals.bytes),
    report.ok ? 'ok' : 'FAILED',
  ];
  const out = textTable(header, body, totals, [0, 5]);

  for (const entry of report.files.filter((file) => file.rejects > 0)) {
    const byCode = Object.entries(entry.rejectsByCode)
      .map(([code, count]) => `${code} ${count}`)
      .join(', ');
    out.push('', `${entry.file}: ${entry.rejects} rejected (${byCode})`);
    for (const reject of entry.firstRejects) {
      // Schema reasons already start with the column; structural ones concern the whole record.
      const named = reject.field && !reject.reason.startsWith(`${reject.field}: `);
      out.push(`  line ${reject.line}: ${named ? `${reject.field}: ` : ''}${reject.reason} [${reject.code}]`);
    }
    if (entry.rejects > entry.firstRejects.length) {
      out.push(`  … and ${entry.rejects - entry.firstRejects.length} more`);
    }
  }

  const problems = report.files.filter((entry) => entry.error);
  if (problems.length > 0) {
    out.push('');
    for (const entry of problems) out.push(`error ${entry.error?.code}: ${entry.error?.message}`);
  }

  out.push('');
  if (!report.ok) {
    out.push(
      `FAILED: ${problems.length} of ${report.files.length} files missing, unreadable or with a wrong header in ${report.dir}.`,
    );
  } else if (report.totals.rejects > 0) {
    out.push(
      `All ${report.files.length} files read, but ${report.totals.rejects} of ${report.totals.records} records were REJECTED ` +
        '(listed above); loading would quarantine them in raw_rejects.',
    );
  } else {
    out.push(`All ${report.files.length} files read: ${report.totals.rows} rows, no rejects.`);
  }
  return out.join('\n');
}

/**
 * Runs the check and prints the result.
 *
 * @param options - the parsed command-line options
 * @returns the exit code: 1 when a file is missing or unreadable, else 0 (rejects alone are not failures)
 */
export async function runCheck(options: CheckCommandOptions): Promise<number> {
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('check interrupted'));
  process.once('SIGINT', stop);
  const progress = options.json ? undefined : createProgress();
  let started = false;
  try {
    const report = await checkOlistDir(options.data, {
      keepRejects: options.rejects,
      signal: controller.signal,
      onProgress: ({ bytesDone, bytesTotal, recordsDone }) => {
        if (progress === undefined) return;
        // Records still to come are estimated from the bytes still to read.
        const estimate = Math.max(
          bytesDone > 0 ? Math.round((recordsDone * bytesTotal) / bytesDone) : 0,
          recordsDone,
          1,
        );
        if (!started) {
          progress.start(estimate, 'check', 'records');
          started = true;
        }
        progress.update(recordsDone, estimate);
      },
    });
    if (started) progress?.stop();
    started = false;
    console.log(options.json ? JSON.stringify(report, null, 2) : formatCheckReport(report));
    return report.ok ? 0 : 1;
  } finally {
    if (started) progress?.stop();
    process.off('SIGINT', stop);
  }
}
