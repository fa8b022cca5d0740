import { OrderstreamError } from '../../errors/orderstream-error.js';
import { DEFAULT_BUSINESS_TIME_ZONE } from '../../time/business-time-zone.js';
import type { QueryParam, Warehouse } from '../../warehouse/warehouse.js';

/** The fields of an order item the queries read from the event's JSON (`order.items[]`). */
export type ItemField = 'seller_id' | 'price' | 'freight_value' | 'product_category_name';

/** A SQL fragment with its parameters, in the order their `?` appear. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly QueryParam[];
}

/** Where a per-row item condition looks: the events table and the event-time window of the query. */
export interface ItemScope {
  /** The quoted name of `raw_order_events`. */
  readonly events: string;
  /** The instant parameters bounding `event_time`, `[from, to)` (ISO text, see `instantParam`). */
  readonly from: string;
  readonly to: string;
}

/**
 * What differs between the warehouses' SQL, and nothing else: every query is written once,
 * in the common subset of DuckDB and Snowflake SQL, and asks the dialect for these pieces. Each
 * piece is SQL text built only from constants and the caller's SQL; values stay `?` parameters.
 */
export interface SqlDialect {
  /** The `Warehouse.dialect` this applies to. */
  readonly name: 'duckdb' | 'snowflake';
  /** The placeholder of an instant parameter bound with {@link instantParam}. */
  readonly instant: string;
  /**
   * The business time zone (IANA name) of every hour and day the queries bucket by; see
   * `businessTimeZoneSchema` in core.
   */
  readonly timeZone: string;
  /**
   * A column of a RAW table, quoted as the engine stores it; needed for names that are keywords
   * (`partition`).
   */
  column(name: string): string;
  /** Seconds since 1970-01-01 UTC of a timestamp expression, with the fraction, as a number. */
  epochSeconds(timestamp: string): string;
  /**
   * Seconds since 1970-01-01 of the business time zone's wall clock at an instant (a
   * `timestamptz` expression), as if that wall clock were UTC: `floor(x / 3600) % 24` is the
   * local hour, `floor(x / 86400)` the local day, and `x - epochSeconds(t)` the zone's offset
   * (which tells the two 23:00 hours of a day whose clocks went back apart).
   */
  localEpochSeconds(timestamp: string): string;
  /** Milliseconds from `from` to `to` (two timestamp expressions). */
  millisecondsBetween(from: string, to: string): string;
  /**
   * One row per item of each order in `source`: a `SELECT` of the source's `columns` plus, for
   * each entry of `fields`, the item's field as text under the entry's name. `source` is SQL
   * producing a `payload` column (the event as received) and the `columns`.
   */
  itemRows(source: string, columns: readonly string[], fields: Readonly<Record<string, ItemField>>): string;
  /**
   * A condition on a `raw_order_events` row: some item of the order has `field` equal to the
   * next parameter. `scope` bounds the rows the condition may have to look at.
   */
  anyItemEquals(field: ItemField, value: QueryParam, scope: ItemScope): SqlFragment;
}

/** JSON path of the items array inside `payload` (the event as received: `{ order: { items } }`). */
const ITEMS_PATH = '$.order.items';
const NAME = /^[a-z_][a-z0-9_]*$/;

/** Aliases and columns are spliced into SQL: only plain lower-case names are accepted. */
function name(value: string): string {
  if (!NAME.test(value)) throw new TypeError(`not a plain SQL name: ${value}`);
  return value;
}

/**
 * DuckDB: JSON paths with a wildcard give an item field of every item as a list in one parse of
 * the payload, which `unnest` turns into rows and `list_contains` searches in place.
 */
const duckDbBase: Omit<SqlDialect, 'timeZone' | 'localEpochSeconds'> = {
  name: 'duckdb',
  instant: 'CAST(? AS TIMESTAMPTZ)',
  column: (column) => `"${name(column)}"`,
  epochSeconds: (timestamp) => `epoch(${timestamp})`,
  millisecondsBetween: (from, to) => `date_diff('millisecond', ${from}, ${to})`,
  itemRows(source, columns, fields) {
    const items = Object.entries(fields).map(
      ([alias, field]) =>
        `unnest(json_extract_string(payload, '${ITEMS_PATH}[*].${name(field)}')) AS ${name(alias)}`,
    );
    return `SELECT ${[...columns.map(name), ...items].join(', ')} FROM (${source}) AS item_source`;
  },
  anyItemEquals: (field, value) => ({
    sql: `list_contains(json_extract_string(payload, '${ITEMS_PATH}[*].${name(field)}'), ?)`,
    params: [value],
  }),
};

/**
 * Snowflake: the payload is a `VARIANT`; items become rows with `LATERAL FLATTEN`. Snowflake
 * cannot evaluate a correlated subquery over the outer row's FLATTEN, so an item condition is an
 * uncorrelated semi-join on `event_id`, bounded by the query's event-time window.
 */
const snowflakeBase: Omit<SqlDialect, 'timeZone' | 'localEpochSeconds'> = {
  name: 'snowflake',
  instant: 'CAST(? AS TIMESTAMP_TZ)',
  // The adapter creates columns quoted upper-case (Snowflake's folding of unquoted names).
  column: (column) => `"${name(column).toUpperCase()}"`,
  // From milliseconds: EPOCH_SECOND is a whole number, and not every implementation truncates it
  // (the emulator rounds), which would move an order in the last half second of an hour.
  epochSeconds: (timestamp) => `(DATE_PART(EPOCH_MILLISECOND, ${timestamp}) / 1000)`,
  millisecondsBetween: (from, to) => `DATEDIFF(millisecond, ${from}, ${to})`,
  itemRows(source, columns, fields) {
    const items = Object.entries(fields).map(
      ([alias, field]) => `item.value['${name(field)}']::VARCHAR AS ${name(alias)}`,
    );
    return `SELECT ${[...columns.map((column) => `item_source.${name(column)}`), ...items].join(', ')}
      FROM (${source}) AS item_source, LATERAL FLATTEN(input => item_source.payload['order']['items']) AS item`;
  },
  anyItemEquals: (field, value, scope) => ({
    sql: `event_id IN (SELECT item_event.event_id
      FROM ${scope.events} AS item_event, LATERAL FLATTEN(input => item_event.payload['order']['items']) AS item
      WHERE item_event.event_time >= CAST(? AS TIMESTAMP_TZ) AND item_event.event_time < CAST(? AS TIMESTAMP_TZ)
        AND item.value['${name(field)}']::VARCHAR = ?)`,
    params: [scope.from, scope.to, value],
  }),
};

/** IANA names are spliced into SQL as a literal: only their own characters are accepted. */
const ZONE = /^[A-Za-z0-9_+\-/]+$/;

function zoneLiteral(timeZone: string): string {
  if (!ZONE.test(timeZone)) throw new TypeError(`not an IANA time-zone name: ${timeZone}`);
  return `'${timeZone}'`;
}

/**
 * The DuckDB dialect for a business time zone: ICU's `timezone(zone, instant)` gives the wall
 * clock as a plain `TIMESTAMP`, whose epoch counts local seconds.
 *
 * @param timeZone - a validated IANA name
 * @returns the dialect
 */
function duckDbFor(timeZone: string): SqlDialect {
  const zone = zoneLiteral(timeZone);
  return {
    ...duckDbBase,
    timeZone,
    localEpochSeconds: (timestamp) => `epoch(timezone(${zone}, ${timestamp}))`,
  };
}

/**
 * The Snowflake dialect for a business time zone: `CONVERT_TIMEZONE(zone, instant)` as a
 * `TIMESTAMP_NTZ` is the wall clock; its epoch (from milliseconds, see `epochSeconds`) counts
 * local seconds.
 *
 * @param timeZone - a validated IANA name
 * @returns the dialect
 */
function snowflakeFor(timeZone: string): SqlDialect {
  const zone = zoneLiteral(timeZone);
  return {
    ...snowflakeBase,
    timeZone,
    localEpochSeconds: (timestamp) =>
      `(DATE_PART(EPOCH_MILLISECOND, CAST(CONVERT_TIMEZONE(${zone}, ${timestamp}) AS TIMESTAMP_NTZ)) / 1000)`,
  };
}

/** DuckDB in the default business time zone. */
export const duckDbDialect: SqlDialect = duckDbFor(DEFAULT_BUSINESS_TIME_ZONE);
/** Snowflake in the default business time zone. */
export const snowflakeDialect: SqlDialect = snowflakeFor(DEFAULT_BUSINESS_TIME_ZONE);

const DIALECTS: Readonly<Record<string, (timeZone: string) => SqlDialect>> = {
  duckdb: duckDbFor,
  snowflake: snowflakeFor,
};

/** The engines the queries have SQL for, by `Warehouse.dialect`. */
export const SUPPORTED_DIALECTS: readonly string[] = Object.keys(DIALECTS);

/**
 * The dialect of a warehouse, from its `dialect` name, in a business time zone.
 *
 * @param warehouse - the warehouse the queries read
 * @param timeZone - the business time zone (validated IANA name)
 * @returns the dialect
 * @throws `OrderstreamError` `CORE_UNSUPPORTED_WAREHOUSE` for an engine the queries have no SQL for
 */
export function sqlDialectFor(
  warehouse: Pick<Warehouse, 'dialect'>,
  timeZone: string = DEFAULT_BUSINESS_TIME_ZONE,
): SqlDialect {
  const dialect = Object.hasOwn(DIALECTS, warehouse.dialect) ? DIALECTS[warehouse.dialect] : undefined;
  if (dialect === undefined) {
    throw new OrderstreamError(
      'CORE_UNSUPPORTED_WAREHOUSE',
      `The dashboard queries have no SQL for the "${warehouse.dialect}" warehouse; supported: ${SUPPORTED_DIALECTS.join(', ')}.`,
      { details: { dialect: warehouse.dialect, supported: SUPPORTED_DIALECTS } },
    );
  }
  return dialect(timeZone);
}
