/**
 * An error thrown by the caller's batch iterator while an adapter writes, wrapped so that the
 * adapter can tell it from its engine's failures: {@link runTransaction} rolls back and rethrows
 * `error` unchanged, as `Warehouse.replaceTable` promises, instead of wrapping it in the adapter's
 * transaction error.
 *
 * @example
 * ```ts
 * let next: IteratorResult<WarehouseBatch>;
 * try {
 *   next = await iterator.next();
 * } catch (error) {
 *   throw new SourceFailure(error);
 * }
 * ```
 */
export class SourceFailure {
  /** @param error - what the batch iterator threw */
  constructor(
    /** What the batch iterator threw, rethrown as it is. */
    readonly error: unknown,
  ) {}
}
