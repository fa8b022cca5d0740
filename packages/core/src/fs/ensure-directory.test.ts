import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOrderstreamError } from '../errors/orderstream-error.js';
import { checkWritableDirectory, ensureDirectory } from './ensure-directory.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-ensure-dir-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const unwritable = (pattern: RegExp) => (error: unknown) =>
  isOrderstreamError(error) && error.code === 'CORE_FILE_UNWRITABLE' && pattern.test(error.message);

describe('ensureDirectory', () => {
  it('creates every missing level and accepts an existing folder', async () => {
    const target = join(dir, 'a', 'b', 'c');
    await ensureDirectory(target);
    expect((await stat(target)).isDirectory()).toBe(true);
    await ensureDirectory(target);
  });

  it('fails (instead of looping like mkdir recursive) on a folder /proc refuses', async () => {
    await expect(ensureDirectory('/proc/orderstream-x/y')).rejects.toSatisfy(unwritable(/cannot be written/));
  });

  it('names the file standing where a folder should be', async () => {
    await writeFile(join(dir, 'file'), 'x');
    await expect(ensureDirectory(join(dir, 'file', 'sub'))).rejects.toSatisfy(
      unwritable(/is a file, not a folder/),
    );
  });
});

describe('checkWritableDirectory', () => {
  it('creates nothing, leaves no probe file and passes for a creatable folder', async () => {
    await checkWritableDirectory(join(dir, 'later', 'deeper'));
    await expect(stat(join(dir, 'later'))).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails for a folder under /proc', async () => {
    await expect(checkWritableDirectory('/proc/orderstream-x')).rejects.toSatisfy(
      unwritable(/cannot be written/),
    );
  });
});
