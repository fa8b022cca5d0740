import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  tsconfig: 'tsconfig.json',
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // p-retry is ESM-only; bundling it keeps the CJS build loadable on Node 20.
  noExternal: ['p-retry', 'is-network-error'],
});
