import { defineConfig } from 'tsup';

export default defineConfig({
  // Prometheus metrics are a separate entry so that prom-client stays an optional peer dependency.
  entry: { index: 'src/index.ts', 'metrics/index': 'src/metrics/index.ts' },
  tsconfig: 'tsconfig.json',
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // p-retry is ESM-only; bundling it keeps the CJS build loadable on Node 20.
  noExternal: ['p-retry', 'is-network-error'],
});
