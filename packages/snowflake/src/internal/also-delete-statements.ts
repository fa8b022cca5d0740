import type { ReplaceTableOptions, TableDefinition } from '@orderstream/core';
import { quoteIdent } from './sql.js';
import { tableColumn, tableDefinition } from './table-lookup.js';
import { bindParam } from './values.js';

/** One `DELETE` of `alsoDelete` with its binds. */
export interface AlsoDeleteStatement {
  readonly sql: string;
  readonly binds: ReturnType<typeof bindParam>[];
}

/**
 * The `DELETE` statements of a replacement's `alsoDelete`, checked against the managed tables.
 *
 * @throws `OrderstreamError` `SNOWFLAKE_UNKNOWN_TABLE`, `SNOWFLAKE_UNKNOWN_COLUMN`
 */
export function alsoDeleteStatements(
  tables: Readonly<Record<string, TableDefinition>>,
  removals: ReplaceTableOptions['alsoDelete'],
  qualify: (table: string) => string,
): AlsoDeleteStatement[] {
  return (removals ?? []).map((removal) => {
    const target = tableDefinition(tables, removal.table);
    const entries = Object.entries(removal.where);
    for (const [column] of entries) tableColumn(target, column);
    const predicate =
      entries.length === 0
        ? 'TRUE'
        : entries.map(([column]) => `${quoteIdent(column)} IS NOT DISTINCT FROM ?`).join(' AND ');
    return {
      sql: `DELETE FROM ${qualify(target.name)} WHERE ${predicate}`,
      binds: entries.map(([, value]) => bindParam(value)),
    };
  });
}
