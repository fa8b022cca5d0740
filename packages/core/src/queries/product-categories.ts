import type { QueryContext } from './internal/query-context.js';
import { instantParam } from './internal/sql.js';
import { DAY_MS } from './internal/time-windows.js';
import type { QueryScope } from './query-scope.js';

/** How far back the stream is scanned for categories. */
const LOOKBACK_DAYS = 30;

/**
 * The product categories present in the stream over the last 30 days, plus those of the Olist
 * translation table when it is loaded, sorted.
 */
export async function readProductCategories(
  { warehouse, dialect }: QueryContext,
  { now }: QueryScope,
): Promise<string[]> {
  const found = new Set<string>();
  const items = dialect.itemRows(
    `SELECT payload FROM ${warehouse.qualify('raw_order_events')}
     WHERE event_type = 'order_created' AND event_time >= ${dialect.instant}`,
    [],
    { category: 'product_category_name' },
  );
  const streamed = await warehouse.query(
    `SELECT DISTINCT category FROM (${items}) AS item_rows WHERE category IS NOT NULL`,
    [instantParam(new Date(now.getTime() - LOOKBACK_DAYS * DAY_MS))],
  );
  for (const row of streamed) found.add(String(row.category));
  const [translation] = await warehouse.query(
    `SELECT count(*) AS n FROM information_schema.tables WHERE lower(table_name) = 'product_category_name_translation'`,
  );
  if (Number(translation?.n ?? 0) > 0) {
    try {
      const rows = await warehouse.query(
        `SELECT DISTINCT product_category_name AS category FROM ${warehouse.qualify('product_category_name_translation')}`,
      );
      for (const row of rows) found.add(String(row.category));
    } catch {
      // A table of that name outside the RAW schema: the stream's categories are enough.
    }
  }
  return [...found].sort();
}
