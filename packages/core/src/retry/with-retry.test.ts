import { describe, expect, it } from 'vitest';
import { OrderstreamError } from '../errors/orderstream-error.js';
import { withRetry } from './with-retry.js';

const fast = { minTimeoutMs: 1, maxTimeoutMs: 2 };

describe('withRetry', () => {
  it('retries retryable errors until success and reports each retry', async () => {
    const seen: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw new OrderstreamError('CORE_WAREHOUSE_LOCKED', 'locked', { retryable: true });
        return 'ok';
      },
      { ...fast, onRetry: (_error, attempt) => seen.push(attempt) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(seen).toEqual([1, 2]);
  });

  it('does not retry a non-retryable error and rethrows it unchanged', async () => {
    const error = new OrderstreamError('CORE_WAREHOUSE_QUERY_FAILED', 'bad sql');
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls += 1;
        throw error;
      }, fast),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it('gives up after the configured retries with the last error', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw new OrderstreamError('CORE_WAREHOUSE_LOCKED', `locked ${calls}`, { retryable: true });
        },
        { ...fast, retries: 2 },
      ),
    ).rejects.toThrow('locked 3');
    expect(calls).toBe(3);
  });
});
