import { OrderstreamError } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import { classifyWriteFailure } from './write-failure.js';

describe('classifyWriteFailure', () => {
  it.each([
    ['DUCKDB_INVALID_VALUE', 'record'],
    ['SNOWFLAKE_INVALID_VALUE', 'record'],
    ['CORE_INVALID_BATCH', 'record'],
    ['CORE_OFFSET_CONFLICT', 'offset-conflict'],
    ['DUCKDB_LOCKED', 'warehouse'],
    ['DUCKDB_TRANSACTION_FAILED', 'warehouse'],
    ['SNOWFLAKE_CONNECTION_FAILED', 'warehouse'],
    ['CORE_WAREHOUSE_UNAVAILABLE', 'warehouse'],
  ])('classifies %s as %s', (code, kind) => {
    expect(classifyWriteFailure(new OrderstreamError(code as never, 'x'))).toBe(kind);
  });

  it('takes a foreign error (no code) as a failure of the warehouse, never of the data', () => {
    expect(classifyWriteFailure(new Error('Conversion Error'))).toBe('warehouse');
    expect(classifyWriteFailure(Object.assign(new Error('x'), { code: 'DUCKDB_INVALID_VALUE' }))).toBe(
      'warehouse',
    );
  });
});
