import { configDefaults, defineConfig } from 'vitest/config';

const conditions = ['@orderstream/source'];

const INTEGRATION = ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'];

/**
 * Integration files that must have the machine to themselves, run one at a time after every other
 * file (each with the reason). The others create topics, consumer groups, schemas and folders of
 * their own (unique names), so they run two at a time against the same broker and emulator.
 */
const ALONE = [
  // The demo's consumer groups and topic are fixed (`orderstream-sink` on `orders`): two demos at
  // once would share partitions. The demo in a browser also waits on live pushes within seconds.
  'test/e2e/demo.test.ts',
  'test/e2e/demo-snowflake.test.ts',
  // Runs the README's commands as written: the demo and its groups again.
  'test/readme.test.ts',
  // Starts the demo on the shared broker (its fixed groups) and brokers of its own, and holds the
  // demo to its promise of stopping within 10 s of Ctrl-C, which a busy machine could break.
  'examples/pipeline/test/first-hour.test.ts',
  // Touches a source file's mtime and checks the shared .cache/cli entry is (not) rebuilt: a CLI
  // started meanwhile by another file would rebuild it.
  'examples/pipeline/test/launcher.test.ts',
  // Fault injection that takes a service away for a set time (a broker of its own, a DuckDB file
  // locked by another process, an emulator of its own) while a sink runs, and counts what the sink
  // did in that window (retries, backoff) and how it recovered: another file's load would stretch
  // the restarts and change what the window means. (sink-kill and topic-recreated run with the
  // others: they kill only their own sinks, delete only their own topic, and check counts with
  // hang bounds of minutes.)
  'test/faults/broker-outage.test.ts',
  'test/faults/warehouse-outage.test.ts',
];

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
      // Group 1: the unit files and the integration files that can share the machine, two at a
      // time (Vitest would take one worker on a 2-core machine: cores - 1).
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
          testTimeout: 30_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          exclude: [...configDefaults.exclude, ...ALONE],
          globalSetup: ['test/setup/global-setup.ts'],
          setupFiles: ['test/setup/dbt-paths.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
      // Group 2, once group 1 is done: the files of ALONE, one at a time. Both integration projects
      // start the same broker and emulator (the second finds them running).
      {
        extends: true,
        test: {
          name: 'integration-alone',
          include: ALONE,
          globalSetup: ['test/setup/global-setup.ts'],
          setupFiles: ['test/setup/dbt-paths.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
