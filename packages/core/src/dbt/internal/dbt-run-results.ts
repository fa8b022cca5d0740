import type { DbtNodeCounts, DbtNodeResult, DbtRunSummary } from '../run-summary.js';

interface RawResult {
  unique_id?: unknown;
  status?: unknown;
  execution_time?: unknown;
  message?: unknown;
  failures?: unknown;
}

interface RawRunResults {
  metadata?: { invocation_id?: unknown };
  args?: { which?: unknown };
  elapsed_time?: unknown;
  results?: unknown;
}

const PASSED = new Set(['success', 'pass']);
const FAILED = new Set(['error', 'fail', 'runtime error']);
const WARNED = new Set(['warn']);

const emptyCounts = (): DbtNodeCounts => ({ total: 0, passed: 0, failed: 0, warned: 0, skipped: 0 });

/** The kind of node of a unique id such as `model.orderstream.fct_orders`. */
function resourceType(uniqueId: string): string {
  return uniqueId.slice(0, Math.max(0, uniqueId.indexOf('.'))) || 'unknown';
}

/** Whether a node status means the node failed. */
export function isFailedStatus(status: string): boolean {
  return FAILED.has(status);
}

/**
 * Reads dbt's `run_results.json` into a summary.
 *
 * @param json - the file's parsed content
 * @param fallbackCommand - the command when the file does not name it
 * @param wallSeconds - the measured wall time of the process
 */
export function summarizeRunResults(
  json: unknown,
  fallbackCommand: string,
  wallSeconds: number,
): Omit<DbtRunSummary, 'runResultsPath'> {
  const raw = (typeof json === 'object' && json !== null ? json : {}) as RawRunResults;
  const results = Array.isArray(raw.results) ? (raw.results as RawResult[]) : [];
  const nodes: DbtNodeResult[] = results.map((result) => {
    const uniqueId = String(result.unique_id ?? '');
    return {
      uniqueId,
      resourceType: resourceType(uniqueId),
      name: uniqueId.split('.').slice(2).join('.') || uniqueId,
      status: String(result.status ?? 'unknown'),
      executionSeconds: typeof result.execution_time === 'number' ? result.execution_time : 0,
      message: typeof result.message === 'string' ? result.message : null,
      failures: typeof result.failures === 'number' ? result.failures : null,
    };
  });
  const counts = {
    models: emptyCounts(),
    tests: emptyCounts(),
    seeds: emptyCounts(),
    snapshots: emptyCounts(),
  };
  const bucket: Record<string, DbtNodeCounts> = {
    model: counts.models,
    test: counts.tests,
    unit_test: counts.tests,
    seed: counts.seeds,
    snapshot: counts.snapshots,
  };
  for (const node of nodes) {
    const target = bucket[node.resourceType];
    if (target === undefined) continue;
    target.total += 1;
    if (PASSED.has(node.status)) target.passed += 1;
    else if (FAILED.has(node.status)) target.failed += 1;
    else if (WARNED.has(node.status)) target.warned += 1;
    else target.skipped += 1;
  }
  return {
    command: typeof raw.args?.which === 'string' ? raw.args.which : fallbackCommand,
    invocationId: typeof raw.metadata?.invocation_id === 'string' ? raw.metadata.invocation_id : null,
    elapsedSeconds: typeof raw.elapsed_time === 'number' ? raw.elapsed_time : wallSeconds,
    wallSeconds,
    ...counts,
    nodes,
  };
}
