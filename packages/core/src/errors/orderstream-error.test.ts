import { describe, expect, it } from 'vitest';
import { isOrderstreamError, OrderstreamError } from './orderstream-error.js';

describe('OrderstreamError', () => {
  it('carries code, details, retryability and cause', () => {
    const cause = new Error('disk full');
    const error = new OrderstreamError('CORE_FILE_UNREADABLE', 'cannot read orders.csv', {
      cause,
      details: { file: 'orders.csv' },
      retryable: true,
    });
    expect(error.code).toBe('CORE_FILE_UNREADABLE');
    expect(error.details).toEqual({ file: 'orders.csv' });
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });

  it('is recognised by its brand, not by instanceof (two copies of core)', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('orderstream.error')]: true, code: 'X' });
    expect(isOrderstreamError(foreign)).toBe(true);
    expect(isOrderstreamError(new Error('plain'))).toBe(false);
    expect(isOrderstreamError(null)).toBe(false);
    expect(isOrderstreamError({ code: 'CORE_FILE_UNREADABLE' })).toBe(false);
  });
});
