/**
 * `@orderstream/core/fs`: the file-system checks of core on their own, for a program that checks
 * its arguments before it loads anything heavy (the `orderstream` CLI reports a folder it cannot
 * write in well under a second this way). The same functions are exported by `@orderstream/core`;
 * this entry loads nothing else (no zod, no CSV reader, no generator).
 *
 * @example
 * ```ts
 * import { checkWritableDirectory } from '@orderstream/core/fs';
 *
 * await checkWritableDirectory(outDir); // throws CORE_FILE_UNWRITABLE at once for /proc/x
 * ```
 *
 * @packageDocumentation
 */

export { checkWritableDirectory, ensureDirectory } from './ensure-directory.js';
