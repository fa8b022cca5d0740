import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The newest modification time of the sources under `dir` (tests left out), epoch ms. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Throws unless each package's build (`packages/<name>/dist`) exists and is newer than every one
 * of its sources: a benchmark that measures the built packages must not measure yesterday's code.
 *
 * @param packages - folder names under `packages/`
 */
export function assertBuilt(packages: readonly string[]): void {
  for (const name of packages) {
    const entry = join(root, 'packages', name, 'dist', 'index.js');
    let builtAt: number;
    try {
      builtAt = statSync(entry).mtimeMs;
    } catch {
      throw new Error(
        `packages/${name}/dist is missing: run \`npm run build\` first (\`npm run bench\` does)`,
      );
    }
    if (newestSource(join(root, 'packages', name, 'src')) > builtAt)
      throw new Error(
        `packages/${name}/dist is older than its sources: run \`npm run build\` first (\`npm run bench\` does)`,
      );
  }
}

/**
 * Bundles a benchmark script into one JavaScript module that plain `node` runs without tsx: the
 * script's own modules go in, packages stay imports (the workspace packages resolve to their
 * `dist`, as for an npm user). The bundle goes to `.cache/bench/`, inside the repository, so that
 * its imports resolve from the repository's `node_modules`.
 *
 * @param script - the script's path
 * @returns the bundle's path
 */
export async function bundleForNode(script: string): Promise<string> {
  const outfile = join(root, '.cache', 'bench', `${basename(script, '.ts')}.mjs`);
  await build({
    entryPoints: [script],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return outfile;
}
