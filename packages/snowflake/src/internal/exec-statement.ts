import type { Connection } from 'snowflake-sdk';
import type { SnowflakeErrorCode } from '../snowflake-error-codes.js';
import { statementError } from './snowflake-error.js';
import type { StatementResult } from './statement.js';
import { execute } from './statement.js';

/** Values bound to one statement, or rows of values for an array-bound one. */
export type StatementBinds =
  | readonly (readonly (string | number | boolean | null)[])[]
  | readonly (string | number | boolean | null)[];

/** Runs one statement on a session; a failure becomes an `OrderstreamError` with `code`. */
export type ExecStatement = (
  session: Connection,
  sql: string,
  binds?: StatementBinds,
  code?: SnowflakeErrorCode,
) => Promise<StatementResult>;

/**
 * An {@link ExecStatement} whose errors never carry the connection's secrets nor the bound values.
 *
 * @param secrets - the connection's password and passphrase, redacted from error messages
 */
export function execStatement(secrets: readonly string[]): ExecStatement {
  return async (session, sql, binds = [], code = 'SNOWFLAKE_TRANSACTION_FAILED') => {
    try {
      return await execute(session, sql, binds as never);
    } catch (error) {
      const values = (binds as readonly unknown[]).flatMap((bind) => (Array.isArray(bind) ? bind : [bind]));
      throw statementError(error, sql, [...secrets, ...values], code);
    }
  };
}
