import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';

/**
 * How big the input fault scenarios run: `ci` keeps the whole input set within a few minutes on a
 * small machine, `full` (`ORDERSTREAM_FAULTS=full`, as `npm run test:faults` sets) is ten times that.
 */
export const FAULTS_SCALE: 'ci' | 'full' = process.env.ORDERSTREAM_FAULTS === 'full' ? 'full' : 'ci';

/** `ci` when not running the full fault suite, else `full`. */
export function bySize(ci: number, full: number): number {
  return FAULTS_SCALE === 'full' ? full : ci;
}

/** Runs Debian's `kcat` with `args`, feeding `stdin`; rejects with its stderr on a non-zero exit. */
export function kcat(
  args: readonly string[],
  stdin?: Buffer | string,
): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout: Buffer.concat(out), stderr });
      else reject(new Error(`kcat ${args.join(' ')} exited with ${code}: ${stderr}`));
    });
    child.stdin.end(stdin ?? '');
  });
}

/** A short content hash, to compare what was injected with what came out byte for byte. */
export function digest(value: Buffer | null): string {
  return value === null ? '(null)' : createHash('sha256').update(value).digest('hex').slice(0, 16);
}

/** Counts of each item, as a sorted plain object (readable in a failing `toEqual`). */
export function tally(items: Iterable<string>): Record<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

/** Prints a reconciliation table: one row per measure, the source's figure and the sink's. */
export function printReconciliation(title: string, rows: ReadonlyArray<[string, unknown, unknown]>): void {
  const lines = rows.map(([what, source, found]) => {
    const mark = String(source) === String(found) ? 'ok' : 'MISMATCH';
    return `  ${what.padEnd(34)} ${String(source).padStart(16)} ${String(found).padStart(16)}  ${mark}`;
  });
  console.log(
    [
      `── ${title} (scale ${FAULTS_SCALE})`,
      `  ${''.padEnd(34)} ${'source'.padStart(16)} ${'found'.padStart(16)}`,
      ...lines,
    ].join('\n'),
  );
}
