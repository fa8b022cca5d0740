import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { OrderstreamError } from '../errors/orderstream-error.js';

/** What {@link findWritableAncestor} found: the folder that exists, and the levels still missing. */
interface Ancestor {
  readonly existing: string;
  readonly missing: string[];
}

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

async function findAncestor(path: string): Promise<Ancestor> {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      const info = await stat(current);
      if (!info.isDirectory()) {
        throw new OrderstreamError(
          'CORE_FILE_UNWRITABLE',
          `${path} cannot be written: ${current} is a file, not a folder`,
          { details: { path, blocking: current } },
        );
      }
      return { existing: current, missing: missing.reverse() };
    } catch (error) {
      if (codeOf(error) !== 'ENOENT' && codeOf(error) !== 'ENOTDIR') throw unwritable(path, current, error);
      const parent = dirname(current);
      // The root always exists; reaching it without a stat means the path cannot be reached.
      if (parent === current) throw unwritable(path, current, error);
      missing.push(current);
      current = parent;
    }
  }
}

function unwritable(path: string, at: string, cause: unknown): OrderstreamError {
  if (cause instanceof OrderstreamError) return cause;
  const reason = codeOf(cause) ?? (cause instanceof Error ? cause.message : String(cause));
  return new OrderstreamError('CORE_FILE_UNWRITABLE', `${path} cannot be written: ${at} (${reason})`, {
    cause,
    details: { path, blocking: at },
  });
}

/**
 * Checks that a folder exists or could be created and written: its nearest existing ancestor must
 * be a folder this process can create a file in. The check creates and removes one empty probe
 * file there (permission bits alone do not tell: root ignores them, and `/proc` or a read-only
 * mount refuses writes whatever they say).
 *
 * @param path - the folder
 * @throws {@link OrderstreamError} `CORE_FILE_UNWRITABLE` naming the ancestor that blocks it
 * @example
 * ```ts
 * await checkWritableDirectory('./data'); // throws when ./data cannot be created or written
 * ```
 */
export async function checkWritableDirectory(path: string): Promise<void> {
  const { existing } = await findAncestor(path);
  const probe = join(existing, `.orderstream-write-check-${process.pid}-${Date.now()}`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (error) {
    throw unwritable(path, existing, error);
  }
  await rm(probe, { force: true });
}

/**
 * Creates a folder and its missing parents, one level at a time. Unlike
 * `mkdir(path, { recursive: true })`, which on Node 20 loops forever on paths a file system
 * refuses with ENOENT (such as `/proc/x`), it fails at once when a level cannot be created.
 *
 * @param path - the folder to create (nothing happens when it exists)
 * @throws {@link OrderstreamError} `CORE_FILE_UNWRITABLE` when the folder cannot be created or written
 * @example
 * ```ts
 * await ensureDirectory('./data/olist');
 * ```
 */
export async function ensureDirectory(path: string): Promise<void> {
  await checkWritableDirectory(path);
  const { missing } = await findAncestor(path);
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw unwritable(path, level, error);
    }
  }
}
