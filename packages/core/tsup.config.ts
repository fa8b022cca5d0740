import { defineConfig } from 'tsup';

export default defineConfig({
  // The contract suite is a separate entry so that importing core never loads vitest; the adapter
  // kit and the dashboard queries are ones so that they stay out of the main entry's API. The loader's
  // reader thread starts from its own file, found next to the bundle (see loader/reader-pool.ts).
  entry: {
    index: 'src/index.ts',
    'adapter/index': 'src/adapter/index.ts',
    // The base error alone, and the file-system checks alone, for programs that check their
    // arguments before loading core.
    'errors/index': 'src/errors/index.ts',
    'fs/index': 'src/fs/index.ts',
    'queries/index': 'src/queries/index.ts',
    'testing/index': 'src/testing/index.ts',
    'read-worker': 'src/loader/read-worker.ts',
  },
  tsconfig: 'tsconfig.json',
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // `import.meta.url` (the reader thread's location) in the CommonJS build too.
  shims: true,
  // p-retry is ESM-only; bundling it keeps the CJS build loadable on Node 20.
  noExternal: ['p-retry', 'is-network-error'],
});
