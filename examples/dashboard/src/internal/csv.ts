import type { CsvTable } from '../panels/panel.js';

/** Cells starting with these could run as formulas in a spreadsheet; they get a leading quote. */
const FORMULA_START = /^[=+\-@\t\r]/;

function encodeCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Encodes a table as RFC 4180 CSV (CRLF line ends), neutralising spreadsheet formulas.
 *
 * @param table - the columns and rows
 * @returns the CSV text with a header line
 */
export function toCsv(table: CsvTable): string {
  const lines = [table.columns.map(encodeCell), ...table.rows.map((row) => row.map(encodeCell))];
  return `${lines.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}
