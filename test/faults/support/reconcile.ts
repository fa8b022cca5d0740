import { join } from 'node:path';
import type { Warehouse } from '@orderstream/core';
import { runDbt } from '@orderstream/core';
import { DuckDbWarehouse } from '@orderstream/duckdb';
import type { MartTotals, Totals } from './source.js';

/** The warehouse side of a reconciliation: what `raw_order_events` holds for one topic. */
export interface WarehouseTotals extends Totals {
  /** Distinct (partition, offset) pairs: below `rows` means a record was written twice. */
  readonly distinctRecords: number;
}

const money = (value: unknown): string => {
  if (value === null || value === undefined) return '0.00';
  const text = String(value);
  // Exact decimals come back as strings; normalise "12.5" or "12" to two decimals without floats.
  const [whole = '0', fraction = ''] = text.split('.');
  return `${whole}.${fraction.padEnd(2, '0').slice(0, 2)}`;
};

/**
 * Counts and sums the rows of `raw_order_events` that came from `topic`, in the warehouse's own
 * exact decimal arithmetic.
 */
export async function warehouseTotals(warehouse: Warehouse, topic: string): Promise<WarehouseTotals> {
  const table = warehouse.qualify('raw_order_events');
  const [row] = await warehouse.query<Record<string, unknown>>(
    `SELECT count(*) AS n,
            count(DISTINCT event_id) AS events,
            count(DISTINCT order_id) AS orders,
            count(DISTINCT kafka_partition * 10000000000 + kafka_offset) AS records,
            sum(items_value) AS items,
            sum(freight_value) AS freight,
            sum(payment_value) AS payments
       FROM ${table} WHERE kafka_topic = ?`,
    [topic],
  );
  return {
    rows: Number(row?.n ?? 0),
    distinctEvents: Number(row?.events ?? 0),
    distinctOrders: Number(row?.orders ?? 0),
    distinctRecords: Number(row?.records ?? 0),
    items: money(row?.items),
    freight: money(row?.freight),
    payments: money(row?.payments),
  };
}

/**
 * Per partition, whether the rows are exactly offsets `0 .. next - 1` of the stored offset: the
 * rows and the offsets of every flush committed together.
 *
 * @returns a list of mismatches, empty when consistent
 */
export async function offsetMismatches(
  warehouse: Warehouse,
  groupId: string,
  topic: string,
): Promise<string[]> {
  const stored = await warehouse.readOffsets(groupId, topic);
  const rows = await warehouse.query<{ p: unknown; n: unknown; lo: unknown; hi: unknown }>(
    `SELECT kafka_partition AS p, count(*) AS n, min(kafka_offset) AS lo, max(kafka_offset) AS hi
       FROM ${warehouse.qualify('raw_order_events')} WHERE kafka_topic = ? GROUP BY 1`,
    [topic],
  );
  const problems: string[] = [];
  for (const offset of stored) {
    const row = rows.find((r) => Number(r.p) === offset.partition);
    const next = Number(offset.nextOffset);
    const n = Number(row?.n ?? 0);
    if (n !== next || (n > 0 && (Number(row?.lo) !== 0 || Number(row?.hi) !== next - 1))) {
      problems.push(
        `partition ${offset.partition}: stored next offset ${next}, rows ${n} (offsets ${row?.lo ?? '-'}..${row?.hi ?? '-'})`,
      );
    }
  }
  for (const row of rows) {
    if (!stored.some((o) => o.partition === Number(row.p)))
      problems.push(`partition ${row.p}: ${row.n} rows but no stored offset`);
  }
  return problems;
}

/**
 * Runs a full `dbt build` on a DuckDB file (no warehouse of this process may hold it open) and
 * reads what the marts hold: in-stream orders and the revenue of their lines, in exact decimals.
 */
export async function martTotals(path: string): Promise<MartTotals & { models: string }> {
  const summary = await runDbt({
    projectDir: join(process.cwd(), 'dbt_transform'),
    args: ['build'],
    duckdbPath: path,
  });
  const warehouse = new DuckDbWarehouse({ path });
  try {
    const [row] = await warehouse.query<{ orders: unknown; revenue: unknown }>(
      `SELECT (SELECT count(*) FROM marts.fct_orders WHERE in_stream) AS orders,
              (SELECT sum(i.price + i.freight_value) FROM marts.fct_order_items i
                 JOIN marts.fct_orders o USING (order_id) WHERE o.in_stream) AS revenue`,
    );
    return {
      orders: Number(row?.orders ?? 0),
      revenue: money(row?.revenue),
      models: `${summary.models.passed}/${summary.models.total} models, ${summary.tests.passed + summary.tests.warned}/${summary.tests.total} tests`,
    };
  } finally {
    await warehouse.close();
  }
}
