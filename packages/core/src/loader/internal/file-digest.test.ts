import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileDigest } from './file-digest.js';

describe('fileDigest', () => {
  it('returns the size and the SHA-256 of a file, also across read chunks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orderstream-digest-'));
    try {
      await writeFile(join(dir, 'abc'), 'abc');
      expect(await fileDigest(join(dir, 'abc'))).toEqual({
        size: 3,
        sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      });
      // One million 'a' (FIPS 180-2 test vector), larger than one read chunk.
      await writeFile(join(dir, 'million'), 'a'.repeat(1_000_000));
      expect(await fileDigest(join(dir, 'million'))).toEqual({
        size: 1_000_000,
        sha256: 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
