// Import rules checked by `npm run check:cycles` (part of `npm run lint`), with dependency-cruiser:
// it resolves the `.js` specifiers of our NodeNext sources to their `.ts` files and the packages
// through their `@orderstream/source` export condition, sees type-only imports and supports Node 20
// (its 17.x line). The rules:
//
// - no import circles in the source tree, type-only imports included (a type circle is still two
//   files that cannot be read one after the other);
// - the layers of core (docs/architecture.md): `schema/` is the ground floor and imports nothing of
//   core but `errors/`; the small utilities (`errors`, `time`, `options`, `retry`, `fs`) import only
//   `errors/`; nothing below the features (loader, generator, dbt, alerts, queries, adapter,
//   testing) imports one of them; no source file imports the package's own entry file;
// - packages and apps reach another package through its entry points only (the `exports` of its
//   package.json), never its internals; packages never import an app; apps never import kafkajs;
// - the CLI's option layer loads no package but core's errors and fs entries (below).
//
// Tests and their fixtures (`*.test.ts`, `*.test-d.ts`, `*-fixture(s).ts`) may use any layer to build
// their data; the layer rules apply to the source they test.
//
// `.dependency-cruiser-known-violations.json` lists circles known and owned elsewhere that do not
// fail the check yet (only alerts/default-rules ↔ alerts/options); a new circle fails it. Remove an
// entry when its circle is closed.

const CORE = '^packages/core/src/';
const TESTS = '(\\.test(-d)?|-fixtures?)\\.ts$';
// What a package's `exports` map points at (its `@orderstream/source` condition); `errors/index` and
// `fs/index` are core's base-error and file-system entries (`@orderstream/core/errors`, `/fs`).
const ENTRY_POINTS = [
  '^packages/core/src/(index|adapter/index|errors/index|fs/index|testing/index|queries/index)\\.ts$',
  '^packages/kafka/src/(index|metrics/index)\\.ts$',
  '^packages/(duckdb|snowflake)/src/index\\.ts$',
];
const FEATURES = '(loader|generator|dbt|alerts|queries|adapter|testing)';

/**
 * The CLI's option layer: the entry, the sub-commands' definitions and the checks they run before
 * anything starts. `--help`, `--version` and a user error load only these, commander,
 * `@orderstream/core/errors` and `@orderstream/core/fs` (a user error exits in well under 2 s,
 * bench/cli.ts); what a command does is imported dynamically once its options are checked.
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
      name: 'core-schema-is-the-ground-floor',
      severity: 'error',
      comment:
        'schema/ (column types, field codecs, Olist tables, RAW schema, the order event and its row) is imported by everything above it and imports nothing of core but errors/.',
      from: { path: `${CORE}schema/`, pathNot: TESTS },
      to: { path: CORE, pathNot: `${CORE}(schema|errors)/` },
    },
    {
      name: 'core-utilities-stand-alone',
      severity: 'error',
      comment: 'The small utilities (errors, time, options, retry, fs) import nothing of core but errors/.',
      from: { path: `${CORE}(errors|time|options|retry|fs)/`, pathNot: TESTS },
      to: { path: CORE, pathNot: `${CORE}($1|errors)/` },
    },
    {
      name: 'core-no-upward-imports',
      severity: 'error',
      comment:
        'The rows below the features (schema, the utilities, warehouse, events, csv, metrics) never import a feature folder.',
      from: {
        path: `${CORE}(schema|errors|time|options|retry|fs|warehouse|events|csv|metrics)/`,
        pathNot: TESTS,
      },
      to: { path: `${CORE}${FEATURES}/` },
    },
    {
      name: 'core-records-apart',
      severity: 'error',
      comment: 'The warehouse seam, the event parser and the CSV reader do not import each other.',
      from: { path: `${CORE}(warehouse|events|csv)/`, pathNot: TESTS },
      to: { path: `${CORE}(warehouse|events|csv)/`, pathNot: `${CORE}$1/` },
    },
    {
      name: 'core-entry-not-imported-inside',
      severity: 'error',
      comment: "A module of core never imports the package's entry file (tests may).",
      from: { path: CORE, pathNot: TESTS },
      to: { path: `${CORE}index\\.ts$` },
    },
    {
      name: 'packages-through-entry-points',
      severity: 'error',
      comment:
        'A package or app reaches another package through the entry points of its exports map, never its internals.',
      from: { path: '^(packages/([^/]+)|examples|test|bench)/' },
      to: { path: '^packages/[^/]+/src/', pathNot: ['^packages/$2/', ...ENTRY_POINTS] },
    },
    {
      name: 'packages-not-on-apps',
      severity: 'error',
      comment: 'The packages never import an app (examples/).',
      from: { path: '^packages/' },
      to: { path: '^examples/' },
    },
    {
      name: 'apps-without-kafkajs',
      severity: 'error',
      comment: "The apps use @orderstream/kafka's API; kafkajs stays inside the package.",
      from: { path: '^examples/' },
      to: { path: '(^|/)node_modules/kafkajs/' },
    },
    {
      name: 'cli-option-layer-loads-no-package',
      severity: 'error',
      comment:
        'The CLI checks its options before it loads any package: its option layer imports only itself, commander, @orderstream/core/errors, @orderstream/core/fs and Node (type-only and dynamic imports aside).',
      from: { path: CLI_OPTION_LAYER, pathNot: '\\.test\\.ts$' },
      to: {
        pathNot: [
          ...CLI_OPTION_LAYER,
          '^node_modules/commander/',
          // @orderstream/core/errors (the base error) and /fs (the write probe).
          '^packages/core/src/(fs/(index|ensure-directory)|errors/(index|orderstream-error))\\.ts$',
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
