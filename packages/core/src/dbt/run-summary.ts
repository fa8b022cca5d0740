// What a dbt run did: the types runDbt returns, apart from runDbt so that the run-results parser
// (internal/dbt-run-results.ts beside it) can build them without importing the runner.

/** How the nodes of one kind (models, tests, …) ended. */
export interface DbtNodeCounts {
  /** Nodes of this kind that ran or were skipped. */
  total: number;
  /** `success` (models, seeds, snapshots, compiled nodes) or `pass` (tests). */
  passed: number;
  /** `error` or `fail`. */
  failed: number;
  /** `warn` (tests with warn severity that found rows). */
  warned: number;
  /** `skipped` (after an upstream failure) or anything else. */
  skipped: number;
}

/** One node of a dbt run, from `run_results.json`. */
export interface DbtNodeResult {
  /** dbt's id, e.g. `model.orderstream.fct_orders`. */
  uniqueId: string;
  /** `model`, `test`, `seed`, `snapshot`, `unit_test`, … */
  resourceType: string;
  /** The node's name, e.g. `fct_orders`. */
  name: string;
  /** dbt's status: `success`, `error`, `skipped`, `pass`, `fail`, `warn`, … */
  status: string;
  /** Time spent on the node, in seconds. */
  executionSeconds: number;
  /** dbt's message (the error for failed nodes), or `null`. */
  message: string | null;
  /** Rows a test found, or `null` for other nodes. */
  failures: number | null;
}

/** What a dbt run did, parsed from its `target/run_results.json`. */
export interface DbtRunSummary {
  /** The dbt command, e.g. `build`, `run`, `test`, `compile`. */
  command: string;
  /** dbt's invocation id, or `null` when the command writes no run results. */
  invocationId: string | null;
  /** dbt's own elapsed time, in seconds (the wall time when it wrote no run results). */
  elapsedSeconds: number;
  /** Wall time of the whole process (start-up and parsing included), in seconds. */
  wallSeconds: number;
  /** Models built. */
  models: DbtNodeCounts;
  /** Data and unit tests. */
  tests: DbtNodeCounts;
  /** Seeds loaded. */
  seeds: DbtNodeCounts;
  /** Snapshots taken. */
  snapshots: DbtNodeCounts;
  /** Every node, in dbt's order. */
  nodes: DbtNodeResult[];
  /** The file read, or `null` when the command writes none (`source freshness`, `debug`, …). */
  runResultsPath: string | null;
}
