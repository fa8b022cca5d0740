import { RAW_TABLES } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import { createTableSql, mergeFromStagingSql, quoteIdent, selectStagedSql } from './sql.js';

const offsets = RAW_TABLES.sink_offsets;
if (!offsets) throw new Error('sink_offsets missing');

describe('Snowflake SQL', () => {
  it('quotes identifiers upper-case, so unquoted names in queries find them', () => {
    expect(quoteIdent('partition')).toBe('"PARTITION"');
    expect(quoteIdent('odd"name')).toBe('"ODD""NAME"');
  });

  it('creates tables with the documented types and NOT NULL, without a PRIMARY KEY', () => {
    const sql = createTableSql('"RAW"."SINK_OFFSETS"', offsets);
    expect(sql).toContain('"NEXT_OFFSET" BIGINT NOT NULL');
    expect(sql).toContain('"TOPIC_ID" VARCHAR,');
    expect(sql).toContain('"UPDATED_AT" TIMESTAMP_TZ NOT NULL');
    expect(sql).not.toMatch(/PRIMARY KEY/);
  });

  it('merges on the natural key and updates only the other columns', () => {
    const sql = mergeFromStagingSql('"RAW"."SINK_OFFSETS"', offsets);
    expect(sql).toContain(
      'ON t."CONSUMER_GROUP" = s."CONSUMER_GROUP" AND t."TOPIC" = s."TOPIC" AND t."PARTITION" = s."PARTITION"',
    );
    expect(sql).toContain('UPDATE SET t."NEXT_OFFSET" = s."NEXT_OFFSET", t."TOPIC_ID" = s."TOPIC_ID"');
    expect(sql).not.toContain('t."TOPIC" = s."TOPIC",');
  });

  it('casts staged text to each column type, JSON through PARSE_JSON', () => {
    const alerts = RAW_TABLES.alerts;
    if (!alerts) throw new Error('alerts missing');
    const sql = selectStagedSql(alerts);
    expect(sql).toContain('PARSE_JSON("DETAILS") AS "DETAILS"');
    expect(sql).toContain('CAST("OBSERVED" AS FLOAT) AS "OBSERVED"');
    expect(sql).toContain('"ALERT_ID" AS "ALERT_ID"');
  });
});
