import type { ColumnDefinition, ColumnType, TableDefinition } from './column-types.js';
import { OLIST_TABLE_KEYS, OLIST_TABLES } from './olist-tables.js';

const c = (name: string, type: ColumnType, nullable = false): ColumnDefinition => ({ name, type, nullable });

/**
 * The stream's landing table: one row per order event, typed columns for fast reads plus the raw
 * JSON, with the Kafka position it came from. Keyed by `event_id`, so replays are idempotent.
 */
export const RAW_ORDER_EVENTS: TableDefinition = {
  name: 'raw_order_events',
  key: ['event_id'],
  columns: [
    c('event_id', 'text'),
    c('event_type', 'text'),
    c('event_time', 'timestamptz'),
    c('schema_version', 'integer'),
    c('source', 'text'),
    c('order_id', 'text'),
    c('customer_id', 'text'),
    c('customer_unique_id', 'text'),
    c('customer_state', 'text'),
    c('order_status', 'text'),
    c('order_purchase_timestamp', 'timestamp'),
    c('items_count', 'integer'),
    c('items_value', 'money'),
    c('freight_value', 'money'),
    c('payment_value', 'money'),
    c('payload', 'json'),
    c('kafka_topic', 'text', true),
    c('kafka_partition', 'integer', true),
    c('kafka_offset', 'bigint', true),
    c('kafka_key', 'text', true),
    c('ingested_at', 'timestamptz'),
  ],
};

/**
 * The quarantine: every rejected CSV row or Kafka message, with where it came from and why.
 * `source` is `csv` or `kafka`; `source_name` the file or topic; `position` the partition/offset or
 * file; `line` the 1-based physical line of the CSV record.
 */
export const RAW_REJECTS: TableDefinition = {
  name: 'raw_rejects',
  key: ['source', 'source_name', 'position', 'line'],
  columns: [
    c('source', 'text'),
    c('source_name', 'text'),
    c('position', 'text'),
    c('line', 'bigint'),
    c('field', 'text', true),
    c('code', 'text'),
    c('reason', 'text'),
    c('raw', 'text', true),
    c('rejected_at', 'timestamptz'),
  ],
};

/** The sink's per-partition progress: the next offset to read, committed with the rows. */
export const SINK_OFFSETS: TableDefinition = {
  name: 'sink_offsets',
  key: ['consumer_group', 'topic', 'partition'],
  columns: [
    c('consumer_group', 'text'),
    c('topic', 'text'),
    c('partition', 'integer'),
    c('next_offset', 'bigint'),
    c('topic_id', 'text', true),
    c('updated_at', 'timestamptz'),
  ],
};

/** What the historical loader loaded: one row per file. */
export const LOAD_MANIFEST: TableDefinition = {
  name: 'load_manifest',
  key: ['file_name'],
  columns: [
    c('file_name', 'text'),
    c('table_name', 'text'),
    c('size_bytes', 'bigint'),
    c('sha256', 'text'),
    c('rows_loaded', 'bigint'),
    c('rows_rejected', 'bigint'),
    c('loaded_at', 'timestamptz'),
  ],
};

/** Alerts raised by the detectors and the health checks, for the dashboard. */
export const ALERTS: TableDefinition = {
  name: 'alerts',
  key: ['alert_id'],
  columns: [
    c('alert_id', 'text'),
    c('rule', 'text'),
    c('series', 'text'),
    c('severity', 'text'),
    c('state', 'text'),
    c('started_at', 'timestamptz'),
    c('fired_at', 'timestamptz', true),
    c('resolved_at', 'timestamptz', true),
    c('observed', 'double', true),
    c('expected', 'double', true),
    c('band_low', 'double', true),
    c('band_high', 'double', true),
    c('explanation', 'text'),
    c('details', 'json', true),
  ],
};

/**
 * Every table of the RAW schema, by name: the nine Olist tables, the stream's landing table, the
 * quarantine, the sink's offsets, the load manifest and the alerts.
 */
export const RAW_TABLES: Readonly<Record<string, TableDefinition>> = Object.fromEntries(
  [
    ...OLIST_TABLE_KEYS.map((key) => {
      const { name, columns, key: naturalKey } = OLIST_TABLES[key];
      return { name, columns, key: naturalKey };
    }),
    RAW_ORDER_EVENTS,
    RAW_REJECTS,
    SINK_OFFSETS,
    LOAD_MANIFEST,
    ALERTS,
  ].map((table) => [table.name, table]),
);
