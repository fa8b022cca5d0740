// The plain-text tables the commands print (check, generate, load-history).

/**
 * A byte count for people: `12.3 MB`, `4.5 kB`, `17 B`.
 *
 * @param bytes - the count
 * @returns the text
 */
export const formatBytes = (bytes: number): string =>
  bytes >= 1e6
    ? `${(bytes / 1e6).toFixed(1)} MB`
    : bytes >= 1e3
      ? `${(bytes / 1e3).toFixed(1)} kB`
      : `${bytes} B`;

/**
 * The lines of a table: the header, a rule, the body, a rule and the totals, each column as wide
 * as its widest cell, two spaces apart; text columns are left-aligned, the others right-aligned.
 *
 * @param header - the column names
 * @param body - the rows
 * @param totals - the closing row
 * @param textColumns - the indexes of the left-aligned columns
 * @returns the lines, without trailing spaces
 */
export function textTable(
  header: readonly string[],
  body: readonly (readonly string[])[],
  totals: readonly string[],
  textColumns: readonly number[],
): string[] {
  const rows = [header, ...body, totals];
  const widths = header.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        textColumns.includes(column) ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...body.map(line), rule, line(totals)];
}
