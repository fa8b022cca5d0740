import { defineConfig } from 'tsup';

export default defineConfig({
  // The contract suite is a separate entry so that importing core never loads vitest.
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  tsconfig: 'tsconfig.json',
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // p-retry is ESM-only; bundling it keeps the CJS build loadable on Node 20.
  noExternal: ['p-retry', 'is-network-error'],
});
