import { readFile, rename, writeFile } from 'node:fs/promises';
import type { AlertEngine } from '@orderstream/core';
import { isOrderstreamError } from '@orderstream/core';

/** What {@link restoreState} found. */
export type RestoreOutcome = 'restored' | 'missing' | 'invalid';

/**
 * Restores the engine from a snapshot file written by {@link saveState}. A missing file means a
 * first start; an unreadable or invalid one is reported and the engine starts fresh (its
 * baselines then come from the warm start, or are learned again).
 *
 * @param engine - a freshly created engine with the same rules as when the file was written
 * @param path - the snapshot file
 * @param warn - where to report an invalid file
 * @returns what happened
 */
export async function restoreState(
  engine: AlertEngine,
  path: string,
  warn: (message: string) => void = console.warn,
): Promise<RestoreOutcome> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    engine.restore(JSON.parse(text));
    return 'restored';
  } catch (error) {
    if (
      error instanceof SyntaxError ||
      (isOrderstreamError(error) && error.code === 'CORE_DETECTOR_STATE_INVALID')
    ) {
      warn(`Ignoring the alert state in ${path}: ${(error as Error).message}`);
      return 'invalid';
    }
    throw error;
  }
}

/**
 * Writes the engine's snapshot atomically (a temporary file, then a rename), so a crash while
 * writing never leaves half a file behind.
 *
 * @param engine - the engine
 * @param path - the snapshot file
 */
export async function saveState(engine: AlertEngine, path: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(engine.snapshot()));
  await rename(temporary, path);
}
