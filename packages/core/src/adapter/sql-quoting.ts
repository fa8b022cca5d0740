/**
 * Quotes an SQL identifier the standard way: in double quotes, with inner double quotes doubled.
 * Engines that fold unquoted names (Snowflake: to upper case) fold the name first.
 *
 * @param name - a table, column or schema name
 * @returns the quoted identifier
 * @example
 * ```ts
 * quoteIdentifier('olist_orders'); // "olist_orders"
 * quoteIdentifier('my "table"'); // "my ""table"""
 * ```
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Quotes an SQL string literal the standard way: in single quotes, with inner single quotes
 * doubled. For DDL and file paths only; data always goes through binding.
 *
 * @param value - the text
 * @returns the literal
 * @example
 * ```ts
 * quoteStringLiteral("it's"); // 'it''s'
 * ```
 */
export function quoteStringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
