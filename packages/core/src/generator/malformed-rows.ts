import { OLIST_TABLES, type OlistTableKey } from '../schema/olist-tables.js';
import type { SeededRandom } from './internal/seeded-random.js';

/** The kinds of malformed row the generator can inject. */
export const MALFORMED_ROW_KINDS = ['wrong_type', 'bad_id', 'bad_column_count', 'broken_quoting'] as const;

/** One of {@link MALFORMED_ROW_KINDS}. */
export type MalformedRowKind = (typeof MALFORMED_ROW_KINDS)[number];

/** Ground truth of one injected malformed row. */
export interface InjectedMalformedRow {
  /** The table whose file holds it. */
  table: OlistTableKey;
  /** The file name (without folder). */
  file: string;
  /** Its 1-based physical line in the file (the header is line 1). */
  line: number;
  /** What is wrong with it. */
  kind: MalformedRowKind;
  /** The column that was broken; `null` for a wrong column count. */
  field: string | null;
}

interface Cell {
  readonly column: string;
  value: string;
  quoted: boolean;
}

/** A valid value for a column, from its name and type. */
function validCell(random: SeededRandom, column: string, type: string): Cell {
  if (column.endsWith('_id')) {
    const value = random.hexId();
    return { column, value, quoted: /^\d/.test(value) };
  }
  if (column.endsWith('zip_code_prefix'))
    return { column, value: String(random.intBetween(1000, 99999)).padStart(5, '0'), quoted: true };
  if (column.endsWith('_state')) return { column, value: 'SP', quoted: false };
  if (column.endsWith('_city')) return { column, value: 'sao paulo', quoted: false };
  if (column === 'order_status') return { column, value: 'delivered', quoted: false };
  if (column === 'payment_type') return { column, value: 'credit_card', quoted: false };
  if (column === 'product_category_name') return { column, value: 'perfumaria', quoted: false };
  if (column === 'product_category_name_english') return { column, value: 'perfumery', quoted: false };
  switch (type) {
    case 'integer':
      return { column, value: String(random.intBetween(1, 9)), quoted: false };
    case 'money':
      return { column, value: `${random.intBetween(10, 300)}.90`, quoted: false };
    case 'double':
      return { column, value: String(-23.5 - random.float()), quoted: false };
    case 'timestamp':
      return {
        column,
        value: `2017-0${random.intBetween(1, 9)}-1${random.intBetween(0, 9)} 10:4${random.intBetween(0, 9)}:00`,
        quoted: false,
      };
    default:
      return { column, value: 'texto', quoted: false };
  }
}

const WRONG_VALUES: Readonly<Record<string, string>> = {
  integer: 'dois',
  money: '12,90',
  double: 'lat?',
  timestamp: '2017-13-45 25:61:00',
};

/**
 * Builds malformed rows of one table: a row of valid values with one thing broken. Each kind
 * breaks the row so that it is rejected whatever the reader's quoting leniency: stray quotes go
 * into typed fields, wrong types into non-nullable-looking values.
 */
export function createMalformedRow(
  random: SeededRandom,
  table: OlistTableKey,
): { text: string; kind: MalformedRowKind; field: string | null } {
  const definition = OLIST_TABLES[table];
  const cells = definition.columns.map((column) => validCell(random, column.name, column.type));
  const idCells = cells.filter((cell) => cell.column.endsWith('_id'));
  const typedCells = cells.filter((cell) => {
    const type = definition.columns.find((column) => column.name === cell.column)?.type ?? 'text';
    return type in WRONG_VALUES || cell.column.endsWith('zip_code_prefix') || cell.column.endsWith('_state');
  });
  const kinds = MALFORMED_ROW_KINDS.filter((kind) => kind !== 'bad_id' || idCells.length > 0);
  const kind = random.pick(kinds);
  let field: string | null = null;
  switch (kind) {
    case 'wrong_type': {
      const cell = typedCells.length > 0 ? random.pick(typedCells) : random.pick(cells);
      const type = definition.columns.find((column) => column.name === cell.column)?.type ?? 'text';
      cell.value =
        WRONG_VALUES[type] ??
        (cell.column.endsWith('_state')
          ? 'Sao Paulo'
          : cell.column.endsWith('zip_code_prefix')
            ? 'CEP-1'
            : '');
      cell.quoted = cell.value.includes(',');
      field = cell.column;
      break;
    }
    case 'bad_id': {
      const cell = random.pick(idCells);
      cell.value = random.chance(0.5) ? cell.value.slice(1) : `${cell.value.slice(0, 30)}ZZ`;
      field = cell.column;
      break;
    }
    case 'bad_column_count': {
      if (random.chance(0.5)) cells.pop();
      else cells.push({ column: 'extra', value: 'extra', quoted: false });
      break;
    }
    case 'broken_quoting': {
      // A quote inside a bare field: strict CSV parsers reject the record and carry on with the next line.
      const candidates = cells.filter(
        (cell) => !cell.quoted && cell.value.length >= 2 && !cell.column.endsWith('_city'),
      );
      const cell = candidates.length > 0 ? random.pick(candidates) : random.pick(cells);
      const at = 1 + random.int(cell.value.length - 1);
      cell.value = `${cell.value.slice(0, at)}"${cell.value.slice(at)}`;
      cell.quoted = false;
      field = cell.column;
      break;
    }
  }
  const text = cells
    .map((cell) => (cell.quoted ? `"${cell.value.replace(/"/g, '""')}"` : cell.value))
    .join(',');
  return { text: `${text}\n`, kind, field };
}
