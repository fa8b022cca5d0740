import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// bin/orderstream.mjs, the CLI as `npm run demo` and `npx orderstream` start it: a prebuilt entry
// (the option layer, bundled into .cache/cli/), rebuilt when one of its files changes, and the
// command implementations loaded from the TypeScript sources once the options pass.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LAUNCHER = join(ROOT, 'examples/pipeline/bin/orderstream.mjs');
const BUILT = join(ROOT, '.cache/cli/orderstream.mjs');
const run = promisify(execFile);
const orderstream = (...args: string[]) =>
  run(process.execPath, ['--conditions=@orderstream/source', LAUNCHER, ...args], { cwd: ROOT });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-launcher-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bin/orderstream.mjs', () => {
  it('builds its entry once and reuses it while none of its files changes', async () => {
    await orderstream('--version');
    const built = (await stat(BUILT)).mtimeMs;
    const { stdout } = await orderstream('--version');
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect((await stat(BUILT)).mtimeMs).toBe(built);
    // Everything it was built from, the launcher included, is listed for the next freshness check.
    const inputs = JSON.parse(await readFile(join(ROOT, '.cache/cli/inputs.json'), 'utf8')) as string[];
    expect(inputs).toEqual(
      expect.arrayContaining([
        join(ROOT, 'examples/pipeline/src/cli.ts'),
        join(ROOT, 'examples/pipeline/src/commands/demo.ts'),
        join(ROOT, 'packages/core/src/fs/ensure-directory.ts'),
        LAUNCHER,
      ]),
    );
    // The command implementations are not in it: they load from the sources when a command runs.
    expect(inputs.some((path) => path.includes('/src/actions/') || path.endsWith('run-demo.ts'))).toBe(false);
  });

  it('rebuilds its entry when one of its files changed', async () => {
    await orderstream('--version');
    const before = (await stat(BUILT)).mtimeMs;
    const source = join(ROOT, 'examples/pipeline/src/package-defaults.ts');
    const { atime, mtime } = await stat(source);
    const later = new Date(Math.max(Date.now(), before) + 2_000);
    try {
      await utimes(source, later, later);
      await orderstream('--version');
      expect((await stat(BUILT)).mtimeMs).toBeGreaterThan(before);
    } finally {
      await utimes(source, atime, mtime);
    }
  });

  it('runs a command from the sources once its options pass (the TypeScript loader registered on demand)', async () => {
    const out = join(dir, 'olist');
    const { stdout } = await orderstream('generate', '--out', out, '--orders', '50', '--seed', '3');
    expect(stdout).toMatch(/Generated 50 orders \(seed 3\)/);
    expect(existsSync(join(out, 'olist_orders_dataset.csv'))).toBe(true);
  });

  it('reports a user error in one line without loading the implementation', async () => {
    const failed = await orderstream('generate', '--out', '/proc/x/olist').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr.trim()).toMatch(
      /^error CLI_PATH_UNWRITABLE: --out \/proc\/x\/olist cannot be written: .* — fix: .+$/,
    );
  });
});
