// The packages' defaults that the CLI's options show in `--help`, written out here so that parsing
// and checking the command line loads no package (@orderstream/kafka loads kafkajs, duckdb its
// native engine: seconds, for a user error that must cost well under two). The packages stay the
// one place these defaults are decided: package-defaults.test.ts fails when one here differs.

/** The packages' defaults the CLI shows, each named after the constant it mirrors. */
export const PACKAGE_DEFAULTS = {
  /** `ORDER_SINK_DEFAULTS.topic`, `ORDER_PRODUCER_DEFAULTS.topic`, `ENSURE_TOPICS_DEFAULTS.ordersTopic`. */
  ordersTopic: 'orders',
  /** `ORDER_SINK_DEFAULTS.deadLetterTopic`, `ENSURE_TOPICS_DEFAULTS.deadLetterTopic`. */
  deadLetterTopic: 'orders.dlq',
  /** `ORDER_SINK_DEFAULTS.flushMaxRecords`. */
  sinkFlushMaxRecords: 10_000,
  /** `ORDER_SINK_DEFAULTS.flushIntervalMs`, in milliseconds. */
  sinkFlushIntervalMs: 500,
  /** `ENSURE_TOPICS_DEFAULTS.partitions`. */
  ordersTopicPartitions: 3,
  /** `KAGGLE_ORDER_COUNT` of `@orderstream/core`: the orders of the real Olist data set. */
  kaggleOrderCount: 99_441,
  /** `DUCKDB_WAREHOUSE_DEFAULTS.path`: the file `--warehouse duckdb` opens. */
  duckDbPath: './data/orderstream.duckdb',
} as const;
