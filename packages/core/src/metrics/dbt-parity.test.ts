import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXCLUDED_ORDER_STATUSES, METRIC_IDS } from './catalogue.js';

const read = (path: string) =>
  readFileSync(fileURLToPath(new URL(`../../../../${path}`, import.meta.url)), 'utf8');

/** docs/metrics.md's "In the dbt marts" table: catalogue id → mart column. */
function martColumns(): Map<string, string> {
  const doc = read('docs/metrics.md');
  const section = doc.slice(doc.indexOf('## In the dbt marts'));
  const columns = new Map<string, string>();
  for (const match of section.matchAll(/^\| [^|]*\(`(\w+)`\) \| `(\w+)`/gm)) {
    columns.set(match[1] as string, match[2] as string);
  }
  return columns;
}

describe('the dbt marts and the metric catalogue', () => {
  it('name a mart column for every catalogue metric, and the sales macro computes each', () => {
    const columns = martColumns();
    expect([...columns.keys()].sort()).toEqual([...METRIC_IDS].sort());
    const macro = read('dbt_transform/macros/sales_metrics.sql');
    for (const column of columns.values()) {
      expect(macro, `sales_metrics.sql selects ${column}`).toMatch(new RegExp(`\\bas ${column},?\\s*$`, 'm'));
    }
  });

  it('leave out the same statuses from net orders', () => {
    const statuses = EXCLUDED_ORDER_STATUSES.map((s) => `'${s}'`).join(', ');
    for (const model of ['fct_orders', 'fct_order_items']) {
      const sql = read(`dbt_transform/models/marts/core/${model}.sql`);
      expect(sql, model).toContain(`orders.order_status not in (${statuses}) as is_net`);
    }
  });
});
