import { isOrderstreamError } from '../errors/orderstream-error.js';
import { SourceFailure } from './source-failure.js';

/** The engine's statements and hooks around one transaction of {@link runTransaction}. */
export interface TransactionSteps {
  /** Starts the transaction (e.g. `BEGIN`); a failure here is thrown as it is, nothing to roll back. */
  begin(): Promise<unknown>;
  /** Commits it. */
  commit(): Promise<unknown>;
  /** Rolls it back; a failure of the rollback itself is ignored (the first error is the one reported). */
  rollback(): Promise<unknown>;
  /** Runs after the body and before the commit (the adapters' `onBeforeCommit` option). */
  beforeCommit?: (() => Promise<void> | void) | undefined;
  /** Runs after a rollback, e.g. to forget temporary tables the transaction created. */
  afterRollback?: (() => void) | undefined;
  /** The adapter's own error (its transaction code) for a failure that is not an orderstream error. */
  failure(error: unknown): unknown;
}

/**
 * The transaction skeleton every SQL adapter repeats: begin, run `body`, the before-commit hook,
 * commit; on any failure roll back and rethrow — a {@link SourceFailure}'s error unchanged, an
 * orderstream error as it is, anything else as `steps.failure(error)`.
 *
 * @param steps - the engine's statements and hooks
 * @param body - the transaction's work
 * @throws what `begin` throws; after a rollback, as described above
 * @example
 * ```ts
 * await runTransaction(
 *   {
 *     begin: () => connection.run('BEGIN TRANSACTION'),
 *     commit: () => connection.run('COMMIT'),
 *     rollback: () => connection.run('ROLLBACK'),
 *     failure: (cause) => new OrderstreamError('MYDB_TRANSACTION_FAILED', 'write failed', { cause }),
 *   },
 *   async () => {
 *     await connection.run('DELETE FROM raw.olist_orders');
 *   },
 * );
 * ```
 */
export async function runTransaction(steps: TransactionSteps, body: () => Promise<void>): Promise<void> {
  await steps.begin();
  try {
    await body();
    await steps.beforeCommit?.();
    await steps.commit();
  } catch (error) {
    await steps.rollback().catch(() => undefined);
    steps.afterRollback?.();
    if (error instanceof SourceFailure) throw error.error;
    if (isOrderstreamError(error)) throw error;
    throw steps.failure(error);
  }
}
