import { defineConfig } from 'vitest/config';

const conditions = ['@orderstream/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  // globalSetup files (test/setup/) run in Vitest's own `__vitest__` environment, which takes
  // neither of the above: without the condition there, an import of a package resolves to its
  // dist/ and a fresh clone (no `npm run build`) fails to start the integration project.
  environments: { __vitest__: { resolve: { conditions } } },
  test: {
    reporters: ['default', './test/setup/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['test/setup/global-setup.ts'],
          // Integration suites share one broker and one emulator; running files one at a time keeps
          // a 2-core machine responsive and the suites independent of each other's load.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
