import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isOrderstreamError } from '@orderstream/core';
import type { SnowflakeWarehouse } from '@orderstream/snowflake';
import { createSnowflakeWarehouse, SnowflakeWarehouse as Warehouse } from '@orderstream/snowflake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropSchema,
  EMULATOR_PASSWORD,
  onEmulator,
  testBatching,
  testConnection,
  uniqueSchema,
} from './support/snowflake-kit.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Every string reachable from an error: message, details, and the whole cause chain. */
function everythingIn(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    if (current instanceof Error) parts.push(current.message, current.stack ?? '');
    parts.push(JSON.stringify(current, Object.getOwnPropertyNames(current as object)));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

describe('SnowflakeWarehouse secrets', () => {
  it('keeps the password out of a failed login: message, details and cause chain', async () => {
    const password = 'known-Password-4711-must-not-leak';
    const failing = createSnowflakeWarehouse({
      // Nothing listens on port 9: the login fails at once.
      connection: { ...testConnection(), password, accessUrl: 'http://127.0.0.1:9' },
      schema: 'NOWHERE',
      retries: 0,
      maxLoginRetries: 0,
    });
    const error = await failing.catch((caught: unknown) => caught);
    expect(isOrderstreamError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('SNOWFLAKE_CONNECTION_FAILED');
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(everythingIn(error)).not.toContain(password);
  });

  it('keeps bound values out of a failed statement', async () => {
    const schema = uniqueSchema('SECRETS');
    const warehouse = await createSnowflakeWarehouse({ connection: testConnection(), schema });
    try {
      const secret = 'card-number-4111111111111111';
      const error = await warehouse
        .query(`select cast(? as number(10,0)) as n`, [secret])
        .catch((caught: unknown) => caught);
      expect(isOrderstreamError(error)).toBe(true);
      expect((error as { details: { sql: string } }).details.sql).toContain('cast(? as number');
      expect(everythingIn(error)).not.toContain(secret);
      expect(everythingIn(error)).not.toContain(EMULATOR_PASSWORD);
    } finally {
      await warehouse.close();
    }
  });
});

describe.skipIf(!onEmulator)(
  'SnowflakeWarehouse read back by an independent client (Python connector)',
  () => {
    const schema = uniqueSchema('PYREAD');
    let warehouse: SnowflakeWarehouse;

    beforeAll(async () => {
      warehouse = await createSnowflakeWarehouse({ connection: testConnection(), schema, ...testBatching });
      await warehouse.migrate();
    });
    afterAll(async () => {
      await warehouse.close();
      await dropSchema(schema);
    });

    it('stores what the adapter wrote: upserted once per key, UTC instants, parsed VARIANT', async () => {
      const rows = Array.from({ length: 250 }, (_, i) => ({
        alert_id: `a-${String(i).padStart(3, '0')}`,
        rule: 'revenue-drop',
        series: 'revenue',
        severity: 'warning',
        state: 'firing',
        started_at: new Date(Date.UTC(2026, 10, 25, 21, 0, i % 60, 123)),
        observed: i / 4,
        explanation: `row ${i}`,
        details: JSON.stringify({ i, label: 'três' }),
      }));
      await warehouse.write([{ table: 'alerts', rows }]);
      await warehouse.write([{ table: 'alerts', rows: rows.slice(0, 10) }]);
      const sql = `SELECT COUNT(*) AS N, COUNT(DISTINCT ALERT_ID) AS D, SUM(OBSERVED) AS S,
        MIN(STARTED_AT) AS FIRST, MAX(DETAILS:i::NUMBER) AS MAX_I FROM ${schema}.ALERTS`;
      const { stdout } = await run(
        join(repoRoot, '.venv/bin/python'),
        [
          join(repoRoot, 'scripts/fakesnow_query.py'),
          '--database',
          testConnection().database,
          '--schema',
          schema,
          sql,
        ],
        { env: { ...process.env, FAKESNOW_PORT: new URL(testConnection().accessUrl ?? '').port } },
      );
      const [result] = JSON.parse(stdout) as Record<string, unknown>[];
      expect(result?.N).toBe(250);
      expect(result?.D).toBe(250);
      expect(result?.S).toBe(rows.reduce((sum, row) => sum + row.observed, 0));
      expect(String(result?.FIRST)).toMatch(/^2026-11-25T21:00:00\.123/);
      expect(Number(result?.MAX_I)).toBe(249);
      const fromAdapter = await warehouse.query<{ n: number }>(
        `select count(*) as n from ${warehouse.qualify('alerts')}`,
      );
      expect(fromAdapter).toEqual([{ n: 250 }]);
    });
  },
);

describe('SnowflakeWarehouse options', () => {
  it('rejects a connection without a password or private key, naming the problem', () => {
    const { password: _password, ...withoutPassword } = testConnection();
    expect(() => new Warehouse({ connection: withoutPassword as never })).toThrow(/privateKeyPath/);
  });
});
