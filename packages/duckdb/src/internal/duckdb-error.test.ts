import { describe, expect, it } from 'vitest';
import { queryError } from './duckdb-error.js';

describe('queryError', () => {
  it('reports a value the engine refuses in a write as DUCKDB_INVALID_VALUE, so the sink isolates the row', () => {
    for (const message of [
      'Conversion Error: Malformed JSON at byte 3 of input',
      'Out of Range Error: Overflow in multiplication of DECIMAL(18) (9007199254740993 * 100)',
    ]) {
      const error = queryError(
        new Error(message),
        'INSERT INTO t VALUES (?)',
        ['x'],
        'DUCKDB_TRANSACTION_FAILED',
      );
      expect(error.code).toBe('DUCKDB_INVALID_VALUE');
      expect(error.retryable).toBe(false);
    }
  });

  it('keeps other failures of a write (I/O, conflicts) as DUCKDB_TRANSACTION_FAILED', () => {
    const io = queryError(
      new Error('IO Error: No space left on device'),
      'COMMIT',
      [],
      'DUCKDB_TRANSACTION_FAILED',
    );
    expect(io.code).toBe('DUCKDB_TRANSACTION_FAILED');
    const conflict = queryError(
      new Error('TransactionContext Error: Catalog write-write conflict'),
      'COMMIT',
    );
    expect(conflict.code).toBe('DUCKDB_QUERY_FAILED');
  });

  it('leaves a query (not a write) with its own code', () => {
    expect(queryError(new Error('Conversion Error: x'), 'SELECT ?', ['1']).code).toBe('DUCKDB_QUERY_FAILED');
  });
});
