/**
 * The metric catalogue: one definition per metric, used by the live dashboard's queries, shown as
 * the dashboard's tooltips and listed in `docs/metrics.md`; the dbt marts follow the same words.
 *
 * Every metric is an aggregate over one of two canonical relations, whatever the source (the
 * stream table, the dbt facts or the RAW Olist tables):
 *
 * - the **order relation** ({@link METRIC_ORDER_COLUMNS}): one row per order, with its latest
 *   status and its totals;
 * - the **item relation** ({@link METRIC_ITEM_COLUMNS}): one row per order item, with the status of
 *   its order.
 *
 * A caller builds the relation (de-duplicated: one row per order, one per item) and selects the
 * metrics' `sql` expressions over it.
 */

/** The statuses that make an order not count as a sale. */
export const EXCLUDED_ORDER_STATUSES = ['canceled', 'unavailable'] as const;

/**
 * The columns of the order relation, one row per order.
 *
 * - `order_id`, `order_status` (latest), `customer_unique_id`
 * - `items_count`: its order items; `items_value`: the sum of their `price`;
 *   `freight_value`: the sum of their `freight_value`; `payment_value`: the sum of its payments
 */
export const METRIC_ORDER_COLUMNS = [
  'order_id',
  'order_status',
  'customer_unique_id',
  'items_count',
  'items_value',
  'freight_value',
  'payment_value',
] as const;

/** The columns of the item relation, one row per order item: `order_id`, `order_status`, `seller_id`, `price`, `freight_value`. */
export const METRIC_ITEM_COLUMNS = [
  'order_id',
  'order_status',
  'seller_id',
  'price',
  'freight_value',
] as const;

/**
 * The SQL condition of a net order over a relation with an `order_status` column: not canceled and
 * not unavailable. A missing status counts as net.
 */
export const NET_ORDER_SQL = `coalesce(order_status, '') NOT IN (${EXCLUDED_ORDER_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** The ids of the catalogue's metrics. */
export const METRIC_IDS = [
  'orders',
  'netOrders',
  'deliveredOrders',
  'gmv',
  'freight',
  'orderValue',
  'items',
  'averageBasket',
  'activeCustomers',
  'activeSellers',
  'payments',
] as const;

/** One of {@link METRIC_IDS}. */
export type MetricId = (typeof METRIC_IDS)[number];

/** How a metric's value is read: a count, or money in the data's currency (R$ for Olist). */
export type MetricUnit = 'orders' | 'items' | 'customers' | 'sellers' | 'BRL';

/** How a metric is computed from the canonical relations. */
export type MetricFormula =
  | {
      /** An aggregate expression over one relation. */
      readonly kind: 'aggregate';
      /** The relation the expression reads: the order relation or the item relation. */
      readonly relation: 'order' | 'item';
      /** The SQL aggregate (portable: DuckDB and Snowflake), over the relation's columns. */
      readonly sql: string;
      /**
       * The same metric over the item relation, for breakdowns by seller or category; absent
       * when the metric has no per-item form.
       */
      readonly itemSql?: string;
    }
  | {
      /** A ratio of two other metrics' values (computed by the caller, rounded to the cent for money). */
      readonly kind: 'ratio';
      readonly numerator: MetricId;
      /** The SQL aggregate of the denominator over the order relation. */
      readonly denominatorSql: string;
      /** What the denominator counts, in words. */
      readonly denominator: string;
    }
  | {
      /** The sum of other metrics. */
      readonly kind: 'sum';
      readonly of: readonly MetricId[];
    };

/** One metric of the catalogue. */
export interface MetricDefinition {
  readonly id: MetricId;
  /** The name people see (tiles, axes, column headers). */
  readonly label: string;
  /** The definition in one or two sentences; the dashboard's tooltip and the docs' text. */
  readonly definition: string;
  readonly unit: MetricUnit;
  readonly formula: MetricFormula;
}

const NET = NET_ORDER_SQL;

/**
 * The catalogue, by id. See `docs/metrics.md` (generated from it and checked by a test).
 *
 * @example
 * ```ts
 * const { label, definition, formula } = METRIC_CATALOGUE.gmv;
 * // formula: { kind: 'aggregate', relation: 'order', sql: "coalesce(sum(CASE WHEN … THEN items_value END), 0)" }
 * ```
 */
export const METRIC_CATALOGUE: Readonly<Record<MetricId, MetricDefinition>> = {
  orders: {
    id: 'orders',
    label: 'Orders',
    definition: 'Distinct orders placed (purchase time in the period), all statuses.',
    unit: 'orders',
    formula: { kind: 'aggregate', relation: 'order', sql: 'count(DISTINCT order_id)' },
  },
  netOrders: {
    id: 'netOrders',
    label: 'Net orders',
    definition: 'Orders placed in the period whose status is not canceled or unavailable.',
    unit: 'orders',
    formula: {
      kind: 'aggregate',
      relation: 'order',
      sql: `count(DISTINCT CASE WHEN ${NET} THEN order_id END)`,
      itemSql: `count(DISTINCT CASE WHEN ${NET} THEN order_id END)`,
    },
  },
  deliveredOrders: {
    id: 'deliveredOrders',
    label: 'Delivered orders',
    definition: 'Orders placed in the period whose status is delivered.',
    unit: 'orders',
    formula: {
      kind: 'aggregate',
      relation: 'order',
      sql: `count(DISTINCT CASE WHEN order_status = 'delivered' THEN order_id END)`,
    },
  },
  gmv: {
    id: 'gmv',
    label: 'Revenue',
    definition:
      'GMV: the sum of item prices of net orders (not canceled or unavailable) placed in the period. Freight excluded.',
    unit: 'BRL',
    formula: {
      kind: 'aggregate',
      relation: 'order',
      sql: `coalesce(sum(CASE WHEN ${NET} THEN items_value END), 0)`,
      itemSql: `coalesce(sum(CASE WHEN ${NET} THEN price END), 0)`,
    },
  },
  freight: {
    id: 'freight',
    label: 'Freight',
    definition: 'The sum of item freight values of net orders placed in the period.',
    unit: 'BRL',
    formula: {
      kind: 'aggregate',
      relation: 'order',
      sql: `coalesce(sum(CASE WHEN ${NET} THEN freight_value END), 0)`,
      itemSql: `coalesce(sum(CASE WHEN ${NET} THEN freight_value END), 0)`,
    },
  },
  orderValue: {
    id: 'orderValue',
    label: 'Order value',
    definition:
      'Revenue (GMV) plus freight: item prices and freight values of net orders placed in the period.',
    unit: 'BRL',
    formula: { kind: 'sum', of: ['gmv', 'freight'] },
  },
  items: {
    id: 'items',
    label: 'Items sold',
    definition: 'Order items of net orders placed in the period.',
    unit: 'items',
    formula: {
      kind: 'aggregate',
      relation: 'order',
      sql: `coalesce(sum(CASE WHEN ${NET} THEN items_count END), 0)`,
      itemSql: `count(CASE WHEN ${NET} THEN order_id END)`,
    },
  },
  averageBasket: {
    id: 'averageBasket',
    label: 'Average basket',
    definition: 'Revenue (GMV) ÷ the number of net orders with at least one item, placed in the period.',
    unit: 'BRL',
    formula: {
      kind: 'ratio',
      numerator: 'gmv',
      denominatorSql: `count(DISTINCT CASE WHEN ${NET} AND items_count > 0 THEN order_id END)`,
      denominator: 'net orders with at least one item',
    },
  },
  activeCustomers: {
    id: 'activeCustomers',
    label: 'Active customers',
    definition: 'Distinct customers (customer_unique_id) with at least one net order placed in the period.',
    unit: 'customers',
    formula: {
      kind: 'aggregate',
      relation: 'order',
      sql: `count(DISTINCT CASE WHEN ${NET} THEN customer_unique_id END)`,
    },
  },
  activeSellers: {
    id: 'activeSellers',
    label: 'Active sellers',
    definition: 'Distinct sellers with at least one item in a net order placed in the period.',
    unit: 'sellers',
    formula: {
      kind: 'aggregate',
      relation: 'item',
      sql: `count(DISTINCT CASE WHEN ${NET} THEN seller_id END)`,
      itemSql: `count(DISTINCT CASE WHEN ${NET} THEN seller_id END)`,
    },
  },
  payments: {
    id: 'payments',
    label: 'Payments',
    definition:
      'The sum of payment values of orders placed in the period, all statuses. Orders without items that have payments are their own reconciliation category, not a mismatch.',
    unit: 'BRL',
    formula: { kind: 'aggregate', relation: 'order', sql: 'coalesce(sum(payment_value), 0)' },
  },
};

/**
 * A metric of the catalogue.
 *
 * @param id - the metric's id
 * @returns its definition
 * @example
 * ```ts
 * metricDefinition('activeCustomers').label; // 'Active customers'
 * ```
 */
export function metricDefinition(id: MetricId): MetricDefinition {
  return METRIC_CATALOGUE[id];
}
