import type { Binds, Connection, DataType, RowStatement } from 'snowflake-sdk';
import type { ResultColumn } from './values.js';

/** Numbers (exact decimals, 64-bit integers) and JSON come back as text; see `readValue`. */
const FETCH_AS_STRING: DataType[] = ['Number', 'JSON'];

/** What one statement returned. */
export interface StatementResult {
  readonly rows: Record<string, unknown>[];
  readonly columns: readonly ResultColumn[];
}

/** Runs one statement on one session and resolves with its rows and column types. */
export function execute(connection: Connection, sqlText: string, binds?: Binds): Promise<StatementResult> {
  return new Promise((resolve, reject) => {
    connection.execute({
      sqlText,
      ...(binds === undefined || binds.length === 0 ? {} : { binds }),
      fetchAsString: FETCH_AS_STRING,
      complete: (error, statement, rows) => {
        if (error) {
          reject(error);
          return;
        }
        const columns = ((statement as RowStatement).getColumns?.() ?? []).map((column) => ({
          name: column.getName(),
          type: column.getType(),
          scale: column.getScale() ?? null,
        }));
        resolve({ rows: (rows ?? []) as Record<string, unknown>[], columns });
      },
    });
  });
}
