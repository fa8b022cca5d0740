// Import rules checked by `npm run check:cycles` (part of `npm run lint`), with dependency-cruiser:
// it resolves the `.js` specifiers of our NodeNext sources to their `.ts` files and the packages
// through their `@orderstream/source` export condition, sees type-only imports, supports Node 20
// (its 17.x line) and can hold further layering rules later. Two rules for now: no import circles in
// the source tree, type-only imports included (a type circle is still two files that cannot be read
// one after the other); and the CLI's option layer loads no package but core's fs entry (below).
//
// `.dependency-cruiser-known-violations.json` lists circles known and owned elsewhere that do not
// fail the check yet (only alerts/default-rules ↔ alerts/options); a new circle fails it. Remove an
// entry when its circle is closed.
/**
 * The CLI's option layer: the entry, the sub-commands' definitions and the checks they run before
 * anything starts. `--help`, `--version` and a user error load only these, commander and
 * `@orderstream/core/fs` (a user
 * error exits in well under 2 s, bench/cli.ts); what a command does is imported dynamically once
 * its options are checked.
 */
const CLI_OPTION_LAYER = [
  '^examples/pipeline/src/(cli|preflight|usage-error|run-action|interrupt|kafka-brokers|package-defaults|warehouse-uri|lazy-modules)\\.ts$',
  '^examples/pipeline/src/commands/[^/]+\\.ts$',
  '^examples/pipeline/src/(logging/log-format|metrics/metrics-port|health/health-rules|demo/generated-dir|doctor/prerequisites)\\.ts$',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import circles make the layers unreadable and break module initialisation order.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'cli-option-layer-loads-no-package',
      severity: 'error',
      comment:
        'The CLI checks its options before it loads any package: its option layer imports only itself, commander, @orderstream/core/fs and Node (type-only and dynamic imports aside).',
      from: { path: CLI_OPTION_LAYER, pathNot: '\\.test\\.ts$' },
      to: {
        pathNot: [
          ...CLI_OPTION_LAYER,
          '^node_modules/commander/',
          // @orderstream/core/fs: the write probe and the error class it throws.
          '^packages/core/src/(fs/(index|ensure-directory)|errors/orderstream-error)\\.ts$',
        ],
        dependencyTypesNot: ['type-only', 'dynamic-import', 'core'],
      },
    },
  ],
  options: {
    // Third-party modules are listed (a rule can name them) but not followed.
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@orderstream/source', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
