import { KAGGLE_ORDER_COUNT } from '@orderstream/core';
import { DUCKDB_WAREHOUSE_DEFAULTS } from '@orderstream/duckdb';
import { ENSURE_TOPICS_DEFAULTS, ORDER_PRODUCER_DEFAULTS, ORDER_SINK_DEFAULTS } from '@orderstream/kafka';
import { describe, expect, it } from 'vitest';
import { PACKAGE_DEFAULTS } from './package-defaults.js';

describe('the package defaults the CLI shows without loading the packages', () => {
  it('are the packages’ own', () => {
    expect(PACKAGE_DEFAULTS).toEqual({
      ordersTopic: ORDER_SINK_DEFAULTS.topic,
      deadLetterTopic: ORDER_SINK_DEFAULTS.deadLetterTopic,
      sinkFlushMaxRecords: ORDER_SINK_DEFAULTS.flushMaxRecords,
      sinkFlushIntervalMs: ORDER_SINK_DEFAULTS.flushIntervalMs,
      ordersTopicPartitions: ENSURE_TOPICS_DEFAULTS.partitions,
      kaggleOrderCount: KAGGLE_ORDER_COUNT,
      duckDbPath: DUCKDB_WAREHOUSE_DEFAULTS.path,
    });
    // The same topics under the producer's and the topic creator's names.
    expect(ORDER_PRODUCER_DEFAULTS.topic).toBe(PACKAGE_DEFAULTS.ordersTopic);
    expect(ENSURE_TOPICS_DEFAULTS.ordersTopic).toBe(PACKAGE_DEFAULTS.ordersTopic);
    expect(ENSURE_TOPICS_DEFAULTS.deadLetterTopic).toBe(PACKAGE_DEFAULTS.deadLetterTopic);
  });
});
