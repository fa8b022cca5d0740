/** One CSV field of the bulk path's files: `NULL` as nothing, every value double-quoted. */
export function csvField(value: string | null): string {
  return value === null ? '' : `"${value.replace(/"/g, '""')}"`;
}

/** One CSV line (with its newline). */
export function csvLine(values: readonly (string | null)[]): string {
  return `${values.map(csvField).join(',')}\n`;
}
