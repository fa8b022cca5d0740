import type { WarehouseTotals } from './reconcile.js';
import type { MartTotals, Totals } from './source.js';

/**
 * What one fault test injected and what it found, printed as a small report at the end of the
 * test (pass or fail), with the reconciliation of source against warehouse.
 */
export class FaultReport {
  readonly #injected: string[] = [];
  readonly #found: string[] = [];
  readonly #tables: string[] = [];

  /** @param title - the scenario */
  constructor(readonly title: string) {}

  /** Records a fault that was injected, e.g. `SIGKILL #3 at 12.4 s (7,210 rows committed)`. */
  injected(line: string): void {
    this.#injected.push(line);
  }

  /** Records an observation, e.g. `sink resumed after 31.2 s, 9 retries`. */
  found(line: string): void {
    this.#found.push(line);
  }

  /**
   * Adds a reconciliation table: source against warehouse.
   *
   * @param distinctRecords - the expected distinct (partition, offset) pairs; the source's rows
   *   unless one topic had two incarnations whose offsets overlap
   */
  reconcile(label: string, source: Totals, warehouse: WarehouseTotals, distinctRecords = source.rows): void {
    this.#addTable(label, 'warehouse', [
      ['rows', source.rows, warehouse.rows],
      ['distinct events', source.distinctEvents, warehouse.distinctEvents],
      ['distinct records', distinctRecords, warehouse.distinctRecords],
      ['distinct orders', source.distinctOrders, warehouse.distinctOrders],
      ['items value', source.items, warehouse.items],
      ['freight value', source.freight, warehouse.freight],
      ['payment value', source.payments, warehouse.payments],
    ]);
  }

  /** Adds a reconciliation table: source against the dbt marts built on the warehouse. */
  reconcileMarts(label: string, source: MartTotals, marts: MartTotals): void {
    this.#addTable(label, 'dbt marts', [
      ['in-stream orders', source.orders, marts.orders],
      ['order lines revenue', source.revenue, marts.revenue],
    ]);
  }

  /** One table of `[measure, source, other]` rows, each marked ok or MISMATCH. */
  #addTable(
    label: string,
    other: string,
    rows: ReadonlyArray<readonly [string, string | number, string | number]>,
  ): void {
    const lines = [`reconciliation (${label})`, pad(['', 'source', other, ''])];
    for (const [name, a, b] of rows) {
      lines.push(pad([name, String(a), String(b), String(a) === String(b) ? 'ok' : 'MISMATCH']));
    }
    this.#tables.push(lines.join('\n'));
  }

  /** The report as text. */
  toString(): string {
    const section = (name: string, lines: readonly string[]) =>
      `${name}:\n${lines.length === 0 ? '  (none)' : lines.map((l) => `  - ${l}`).join('\n')}`;
    return [
      `=== fault report: ${this.title} ===`,
      section('injected', this.#injected),
      section('found', this.#found),
      ...this.#tables,
      '='.repeat(24 + this.title.length),
    ].join('\n');
  }

  /** Prints the report on stdout. */
  print(): void {
    process.stdout.write(`\n${this.toString()}\n`);
  }
}

function pad(cells: readonly string[]): string {
  const widths = [20, 16, 16, 8];
  return `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 8) : c.padStart(widths[i] ?? 8))).join(' ')}`;
}
