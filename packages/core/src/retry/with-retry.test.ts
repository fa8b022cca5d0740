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

describe('withRetry: visible waiting', () => {
  /** A clock that moves only when the loop sleeps, so the schedule is exact. */
  function fakeTime() {
    let now = 0;
    const slept: number[] = [];
    return {
      slept,
      clock: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
      advance: (ms: number) => {
        now += ms;
      },
    };
  }
  const refused = () =>
    new OrderstreamError('CORE_WAREHOUSE_UNAVAILABLE', 'connect ECONNREFUSED 127.0.0.1:9', {
      retryable: true,
    });

  it('logs one line per retried attempt naming what it waits for, the failure and the backoff', async () => {
    const time = fakeTime();
    const lines: string[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw refused();
        return 'open';
      },
      {
        what: 'the test warehouse',
        minTimeoutMs: 100,
        clock: time.clock,
        sleep: time.sleep,
        log: (line) => lines.push(line),
      },
    );
    expect(result).toBe('open');
    expect(lines).toHaveLength(2);
    expect(time.slept).toHaveLength(2);
    for (const [index, line] of lines.entries()) {
      expect(line).toContain('waiting for the test warehouse');
      expect(line).toContain(`attempt ${index + 1} failed`);
      expect(line).toContain('CORE_WAREHOUSE_UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:9');
      expect(line).toContain(`retrying in ${((time.slept[index] ?? 0) / 1000).toFixed(1)} s`);
    }
    // Exponential backoff with jitter: 100–200 ms, then 200–400 ms.
    expect(time.slept[0]).toBeGreaterThanOrEqual(100);
    expect(time.slept[0]).toBeLessThanOrEqual(200);
    expect(time.slept[1]).toBeGreaterThanOrEqual(200);
    expect(time.slept[1]).toBeLessThanOrEqual(400);
  });

  it('gives up at the deadline with CORE_RETRY_DEADLINE_EXCEEDED carrying the last failure', async () => {
    const time = fakeTime();
    const lines: string[] = [];
    const entries: { delayMs: number | undefined }[] = [];
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls += 1;
        // Each attempt itself takes 1 s (a connect timeout).
        time.advance(1000);
        throw refused();
      },
      {
        what: 'a Snowflake session',
        retries: 100,
        // Backoff pinned at 2 s (jitter capped): attempts start at 0, 3, 6 s; the next wait is
        // cut to 1.5 s so the 4th attempt starts exactly at the 8.5 s deadline.
        minTimeoutMs: 2000,
        maxTimeoutMs: 2000,
        deadlineMs: 8_500,
        clock: time.clock,
        sleep: time.sleep,
        log: (line, entry) => {
          lines.push(line);
          entries.push(entry);
        },
      },
    );
    const error = await failing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderstreamError);
    const typed = error as OrderstreamError;
    expect(typed.code).toBe('CORE_RETRY_DEADLINE_EXCEEDED');
    expect(typed.message).toMatch(
      new RegExp(`^Gave up waiting for a Snowflake session after ${calls} attempts in \\d+\\.\\d s`),
    );
    expect(typed.message).toContain('CORE_WAREHOUSE_UNAVAILABLE: connect ECONNREFUSED');
    expect((typed.cause as OrderstreamError).code).toBe('CORE_WAREHOUSE_UNAVAILABLE');
    expect(typed.details).toMatchObject({ what: 'a Snowflake session', attempts: 4, deadlineMs: 8_500 });
    expect(calls).toBe(4);
    expect(time.slept).toEqual([2000, 2000, 1500]);
    expect(time.clock()).toBe(9_500);
    expect(lines).toHaveLength(4);
    expect(lines.at(-1)).toMatch(/^gave up waiting for a Snowflake session: attempt 4 failed after 9\.5 s/);
    expect(entries.at(-1)?.delayMs).toBeUndefined();
  });

  it('logs the give-up when the retries run out, and rethrows the last error unchanged', async () => {
    const time = fakeTime();
    const lines: string[] = [];
    await expect(
      withRetry(
        async () => {
          throw refused();
        },
        { retries: 1, what: 'x', clock: time.clock, sleep: time.sleep, log: (line) => lines.push(line) },
      ),
    ).rejects.toMatchObject({ code: 'CORE_WAREHOUSE_UNAVAILABLE' });
    expect(lines.map((line) => line.split(':')[0])).toEqual(['waiting for x', 'gave up waiting for x']);
  });

  it('does not log or wait for a non-retryable failure', async () => {
    const time = fakeTime();
    const lines: string[] = [];
    await expect(
      withRetry(
        async () => {
          throw new OrderstreamError('CORE_WAREHOUSE_QUERY_FAILED', 'syntax error');
        },
        { deadlineMs: 1000, clock: time.clock, sleep: time.sleep, log: (line) => lines.push(line) },
      ),
    ).rejects.toMatchObject({ code: 'CORE_WAREHOUSE_QUERY_FAILED' });
    expect(lines).toEqual([]);
    expect(time.slept).toEqual([]);
  });
});
