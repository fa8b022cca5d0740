import { isOrderstreamError } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import { snowflakeConnectionFromEnv, snowflakeSchemaFromEnv } from './connection-from-env.js';
import { SnowflakeWarehouse } from './snowflake-warehouse.js';

describe('snowflakeConnectionFromEnv', () => {
  it('maps the SNOWFLAKE_* variables, skipping empty ones', () => {
    const env = {
      SNOWFLAKE_ACCOUNT: 'org-acct',
      SNOWFLAKE_USER: 'loader',
      SNOWFLAKE_PRIVATE_KEY_PATH: '/keys/rsa_key.p8',
      SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: 'phrase',
      SNOWFLAKE_ROLE: 'ORDERSTREAM_LOADER',
      SNOWFLAKE_WAREHOUSE: 'LOAD_WH',
      SNOWFLAKE_DATABASE: 'ANALYTICS',
      SNOWFLAKE_PORT: '8443',
      SNOWFLAKE_PASSWORD: '',
      SNOWFLAKE_SCHEMA: 'RAW_DEV',
    };
    expect(snowflakeConnectionFromEnv(env)).toEqual({
      account: 'org-acct',
      username: 'loader',
      privateKeyPath: '/keys/rsa_key.p8',
      privateKeyPassphrase: 'phrase',
      role: 'ORDERSTREAM_LOADER',
      warehouse: 'LOAD_WH',
      database: 'ANALYTICS',
      port: 8443,
    });
    expect(snowflakeSchemaFromEnv(env)).toBe('RAW_DEV');
    expect(snowflakeSchemaFromEnv({})).toBeUndefined();
  });

  it('is validated by the warehouse: a missing database fails with CORE_INVALID_OPTIONS, without secrets', () => {
    let caught: unknown;
    try {
      new SnowflakeWarehouse({
        connection: snowflakeConnectionFromEnv({
          SNOWFLAKE_ACCOUNT: 'a',
          SNOWFLAKE_USER: 'u',
          SNOWFLAKE_PASSWORD: 'pw-that-must-not-leak',
        }),
      });
    } catch (error) {
      caught = error;
    }
    expect(isOrderstreamError(caught)).toBe(true);
    expect((caught as { code: string }).code).toBe('CORE_INVALID_OPTIONS');
    expect((caught as Error).message).toContain('connection.database');
    expect(
      JSON.stringify([(caught as Error).message, (caught as { details: unknown }).details]),
    ).not.toContain('pw-that-must-not-leak');
  });

  it('resolves the documented defaults', () => {
    const warehouse = new SnowflakeWarehouse({
      connection: { account: 'a', username: 'u', password: 'p', database: 'D' },
    });
    expect(warehouse.options).toMatchObject({
      schema: 'RAW',
      queryTag: 'orderstream',
      poolSize: 4,
      arrayBindingThreshold: 100_000,
      stage: 'ORDERSTREAM_LOAD',
      retries: 3,
      maxLoginRetries: 0,
      retryDeadlineMs: 60_000,
    });
    expect(warehouse.qualify('olist_orders')).toBe('"RAW"."OLIST_ORDERS"');
  });
});
