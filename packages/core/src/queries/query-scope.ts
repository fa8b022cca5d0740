/**
 * The filters of the live queries: a customer state and a product category, each optional. Their
 * values are bound as SQL parameters, never spliced into the SQL text.
 */
export interface OrderFilters {
  /** Only orders of customers in this state (a two-letter UF code such as `SP`). */
  readonly state?: string | undefined;
  /** Only orders with at least one item of this product category (Olist's Portuguese name). */
  readonly category?: string | undefined;
}

/** When, and over which orders, a query computes. */
export interface QueryScope {
  /** The instant the data is computed for: every window ends at it or is relative to it. */
  readonly now: Date;
  /**
   * The filters of the live order queries; the queries of alerts, pipeline health and history
   * take none.
   * @defaultValue none: every order
   */
  readonly filters?: OrderFilters | undefined;
}
