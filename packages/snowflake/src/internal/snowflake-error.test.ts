import { describe, expect, it } from 'vitest';
import { isRetryableForeign, isSessionGone, redact, statementError } from './snowflake-error.js';

describe('statementError', () => {
  it('keeps the SQL and the Snowflake code, and redacts bound values and secrets everywhere', () => {
    const driverError = Object.assign(
      new Error("Numeric value 'secret-value' is not recognized; pw hunter2pw"),
      {
        code: '100038',
        sqlState: '22018',
        response: { config: { data: 'PASSWORD=hunter2pw' } },
      },
    );
    const error = statementError(driverError, 'select cast(? as number)', ['secret-value', 'hunter2pw']);
    expect(error.code).toBe('SNOWFLAKE_QUERY_FAILED');
    expect(error.details).toEqual({ sql: 'select cast(? as number)', snowflakeCode: '100038' });
    const everything = JSON.stringify([
      error.message,
      error.details,
      (error.cause as Error).message,
      error.cause,
    ]);
    expect(everything).not.toContain('secret-value');
    expect(everything).not.toContain('hunter2pw');
    expect((error.cause as { sqlState?: string }).sqlState).toBe('22018');
    expect((error.cause as { response?: unknown }).response).toBeUndefined();
    expect(error.retryable).toBe(false);
  });

  it('reports a data exception (SQL state 22) of a write as SNOWFLAKE_INVALID_VALUE, so the sink isolates the row', () => {
    const overflow = Object.assign(new Error('Numeric value out of range'), {
      code: '100039',
      sqlState: '22003',
    });
    const error = statementError(overflow, 'insert into t values (?)', [], 'SNOWFLAKE_TRANSACTION_FAILED');
    expect(error.code).toBe('SNOWFLAKE_INVALID_VALUE');
    const locked = Object.assign(new Error('lock wait'), { code: '000625', sqlState: '57014' });
    expect(statementError(locked, 'insert into t values (?)', [], 'SNOWFLAKE_TRANSACTION_FAILED').code).toBe(
      'SNOWFLAKE_TRANSACTION_FAILED',
    );
  });

  it('marks network failures and lock timeouts retryable, SQL errors not', () => {
    expect(isRetryableForeign(Object.assign(new Error('x'), { code: 401001 }))).toBe(true);
    expect(isRetryableForeign(Object.assign(new Error('lock'), { code: '000625' }))).toBe(true);
    expect(isRetryableForeign(Object.assign(new Error('syntax'), { code: '001003' }))).toBe(false);
    expect(statementError(Object.assign(new Error('x'), { code: 401001 }), 'select 1', []).retryable).toBe(
      true,
    );
  });

  it('marks a pooled login refused on the network or answered HTTP 5xx retryable (the pool drops the code)', () => {
    // snowflake-sdk's pool rejects with `new Error(err.message)`: only the message is left.
    expect(isRetryableForeign(new Error('Request to Snowflake failed.'))).toBe(true);
    expect(isRetryableForeign(new Error('Network error. Could not reach Snowflake.'))).toBe(true);
    expect(isRetryableForeign(new Error('Incorrect username or password was specified.'))).toBe(false);
    // With a code, the code decides.
    expect(
      isRetryableForeign(Object.assign(new Error('Request to Snowflake failed.'), { code: '390100' })),
    ).toBe(false);
  });

  it('leaves values shorter than 3 characters in the message', () => {
    expect(redact('value 1 at line 12', ['1', '12'])).toBe('value 1 at line 12');
  });
});

describe('isSessionGone', () => {
  it('recognises a session the server no longer knows (regression: a restarted server failed the sink for good)', () => {
    const driverError = Object.assign(new Error('Request to Snowflake failed.  Invalid token'), {
      code: 401004,
    });
    const error = statementError(driverError, 'insert into t values (?)', []);
    expect(error.retryable).toBe(true);
    expect(isSessionGone(error)).toBe(true);
    expect(isSessionGone(driverError)).toBe(true);
  });

  it('leaves other failures alone', () => {
    const error = statementError(Object.assign(new Error('syntax error'), { code: '001003' }), 'selec 1', []);
    expect(error.retryable).toBe(false);
    expect(isSessionGone(error)).toBe(false);
  });
});
