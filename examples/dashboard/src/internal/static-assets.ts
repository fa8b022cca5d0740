import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrderstreamError } from '@orderstream/core';

/** A file served from memory. */
export interface StaticAsset {
  readonly body: Uint8Array;
  readonly contentType: string;
  /** Vendor files never change for a build; the page's own files are revalidated. */
  readonly immutable: boolean;
}

const require = createRequire(import.meta.url);

/** The directory of an installed package (its `package.json`'s folder), however its exports map. */
function packageRoot(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (manifest.name === name) return dir;
    } catch {
      // not a package folder: keep going up
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new OrderstreamError('CORE_FILE_NOT_FOUND', `Cannot find the installed package ${name}.`, {
        details: { name },
      });
    }
    dir = parent;
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function asset(path: string, immutable: boolean): StaticAsset {
  const ext = path.slice(path.lastIndexOf('.'));
  return { body: readFileSync(path), contentType: TYPES[ext] ?? 'application/octet-stream', immutable };
}

/**
 * Loads the page and the chart libraries (uPlot, ECharts) from `node_modules` into memory, keyed
 * by URL path. Only these paths are ever served: no file-system lookups per request.
 *
 * @returns the assets by URL path
 */
export function loadStaticAssets(): ReadonlyMap<string, StaticAsset> {
  const publicDir = fileURLToPath(new URL('../../public/', import.meta.url));
  const uplot = packageRoot('uplot');
  const echarts = packageRoot('echarts');
  return new Map([
    ['/', asset(join(publicDir, 'index.html'), false)],
    ['/assets/app.js', asset(join(publicDir, 'app.js'), false)],
    ['/assets/styles.css', asset(join(publicDir, 'styles.css'), false)],
    ['/vendor/uPlot.iife.min.js', asset(join(uplot, 'dist/uPlot.iife.min.js'), true)],
    ['/vendor/uPlot.min.css', asset(join(uplot, 'dist/uPlot.min.css'), true)],
    ['/vendor/echarts.min.js', asset(join(echarts, 'dist/echarts.min.js'), true)],
  ]);
}
