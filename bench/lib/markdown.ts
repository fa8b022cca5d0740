import { spreadOf } from './stats.js';

/**
 * Formats a number with a fixed number of decimals; `–` for missing or non-finite values.
 *
 * @param value - the number
 * @param digits - decimals (default: 0 above 100, 2 below 10, else 1)
 */
export function num(value: number | null | undefined, digits?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toFixed(d);
}

/**
 * A table cell for repeated measurements: the median, then the range when there was more than one.
 *
 * @param samples - one value per repeat
 * @param digits - decimals, as for `num`
 * @returns e.g. `10933 (10512–11240)` or `10933` for one sample
 */
export function medianCell(samples: readonly number[], digits?: number): string {
  const s = spreadOf(samples);
  if (s.n <= 1) return num(s.median, digits);
  return `${num(s.median, digits)} (${num(s.min, digits)}–${num(s.max, digits)})`;
}

/** Pads markdown tables the way the repository's formatter does, so written files stay lint-clean. */
export function alignTables(input: readonly string[]): string[] {
  const output: string[] = [];
  for (let i = 0; i < input.length; ) {
    if (!input[i]?.startsWith('|')) {
      output.push(input[i] as string);
      i += 1;
      continue;
    }
    const block: string[][] = [];
    for (; i < input.length && input[i]?.startsWith('|'); i++) {
      block.push(
        (input[i] as string)
          .replaceAll('\\|', '\u0000')
          .slice(1, -1)
          .split('|')
          .map((cell) => cell.trim().replaceAll('\u0000', '\\|')),
      );
    }
    const right = (block[1] ?? []).map((cell) => cell.endsWith(':'));
    const widths = (block[0] ?? []).map((_, c) =>
      Math.max(3, ...block.filter((_, r) => r !== 1).map((cells) => [...(cells[c] ?? '')].length)),
    );
    block.forEach((cells, r) => {
      const padded = widths.map((width, c) => {
        if (r === 1) return right[c] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width);
        const cell = cells[c] ?? '';
        const pad = ' '.repeat(width - [...cell].length);
        return right[c] ? pad + cell : cell + pad;
      });
      output.push(`| ${padded.join(' | ')} |`);
    });
  }
  return output;
}
