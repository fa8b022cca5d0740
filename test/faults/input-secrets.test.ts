import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrderEventStream, generateOlistDataset, loadHistory } from '@orderstream/core';
import { createDashboardServer } from '@orderstream/example-dashboard';
import { createKafkaJsClientFactory, createOrderProducer } from '@orderstream/kafka';
import type { SnowflakeConnectionOptions } from '@orderstream/snowflake';
import { createSnowflakeWarehouse, SnowflakeWarehouse } from '@orderstream/snowflake';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshTopics } from '../../packages/kafka/test/support/kit.js';
import { accessUrl } from '../../packages/snowflake/test/support/snowflake-kit.js';
import { printReconciliation } from './support/input-kit.js';
import { captureOutput, exposedText, leakedSecrets, runCli } from './support/input-secrets.js';

// Known secrets, distinctive enough that any occurrence is a leak.
const PASSWORD = 'Pw-7f3c9e1d-LEAKCHECK-password';
const PASSPHRASE = 'Pp-2b8a6d4f-LEAKCHECK-passphrase';
const KEY_PASSPHRASE = 'Kp-9d1e5c7a-LEAKCHECK-real-key-passphrase';
const SASL_PASSWORD = 'Sa-4c6e8a0b-LEAKCHECK-sasl';
const SECRETS = [PASSWORD, PASSPHRASE, KEY_PASSPHRASE, SASL_PASSWORD];

const brokers = inject('kafkaBrokers');
const UNREACHABLE = 'http://127.0.0.1:1';

let dir = '';
let keyPath = '';
let dataDir = '';
/** What each scenario exposed: its name, the text checked, and whether it failed as provoked. */
const checked: Array<{ what: string; text: string; failed: boolean }> = [];

function record(what: string, text: string, failed: boolean): void {
  checked.push({ what, text, failed });
}

const connection = (overrides: Partial<SnowflakeConnectionOptions> = {}): SnowflakeConnectionOptions => ({
  account: 'orderstream',
  username: 'orderstream',
  password: PASSWORD,
  database: 'ORDERSTREAM_TEST',
  accessUrl,
  ...overrides,
});

const schema = (prefix: string) => `${prefix}_${Date.now().toString(36)}`.toUpperCase();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-faults-secrets-'));
  // An encrypted private key whose passphrase is not the one configured: decrypting it fails.
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: KEY_PASSPHRASE },
  });
  keyPath = join(dir, 'rsa_key.p8');
  await writeFile(keyPath, privateKey, { mode: 0o600 });
  dataDir = join(dir, 'olist');
  await generateOlistDataset({ outDir: dataDir, orders: 40, malformedRows: 3, seed: 5 });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('secrets never reach logs, errors or responses', () => {
  it('the Snowflake adapter: bad SQL with a bound secret, an unreachable account, a key it cannot decrypt', async () => {
    const warehouse = await createSnowflakeWarehouse({
      connection: connection(),
      schema: schema('SECRETS_A'),
      retries: 0,
    });
    const badSql = await captureOutput(async () => {
      await warehouse.migrate();
      return warehouse.query('SELEC ? FROM nowhere', [PASSWORD]);
    });
    record(
      'snowflake: bad SQL',
      `${exposedText(badSql.error)}\n${badSql.output}`,
      badSql.error !== undefined,
    );
    const missing = await captureOutput(() =>
      warehouse.query('SELECT * FROM no_such_table WHERE x = ?', [PASSPHRASE]),
    );
    record(
      'snowflake: unknown table',
      `${exposedText(missing.error)}\n${missing.output}`,
      missing.error !== undefined,
    );
    await warehouse.close();

    const unreachable = new SnowflakeWarehouse({
      connection: connection({ accessUrl: UNREACHABLE }),
      retries: 0,
      maxLoginRetries: 0,
    });
    const down = await captureOutput(() => unreachable.open());
    record(
      'snowflake: unreachable account',
      `${exposedText(down.error)}\n${down.output}`,
      down.error !== undefined,
    );
    await unreachable.close();

    const { password: _none, ...keyPair } = connection({
      privateKeyPath: keyPath,
      privateKeyPassphrase: PASSPHRASE,
    });
    const locked = new SnowflakeWarehouse({ connection: keyPair, retries: 0, maxLoginRetries: 0 });
    const key = await captureOutput(() => locked.open());
    record(
      'snowflake: wrong key passphrase',
      `${exposedText(key.error)}\n${key.output}`,
      key.error !== undefined,
    );
    await locked.close();
  });

  it('loadHistory and the dashboard over a Snowflake warehouse, with a rejected filter', async () => {
    const warehouse = await createSnowflakeWarehouse({
      connection: connection(),
      schema: schema('SECRETS_B'),
      retries: 0,
    });
    try {
      const load = await captureOutput(() => loadHistory({ dataDir, warehouse }));
      record(
        'loadHistory into Snowflake',
        `${JSON.stringify(load.result)}\n${exposedText(load.error)}\n${load.output}`,
        load.error !== undefined,
      );
      expect(load.error).toBeUndefined();

      const responses = await captureOutput(async () => {
        const dashboard = await createDashboardServer({ warehouse, port: 0, pollIntervalMs: 200 });
        try {
          const texts: string[] = [];
          for (const path of [
            'api/panels/kpis',
            'api/panels/top-sellers',
            'api/panels/health',
            'api/panels/kpis.csv',
            'api/history',
            'api/filters',
            'api/panels',
            'api/panels/kpis?state=XX',
          ]) {
            const response = await fetch(`${dashboard.url}${path}`);
            texts.push(
              `${path} ${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`,
            );
          }
          return texts.join('\n');
        } finally {
          await dashboard.close();
        }
      });
      record(
        'dashboard HTTP responses (Snowflake)',
        `${responses.result}\n${exposedText(responses.error)}\n${responses.output}`,
        /\b5\d\d\b/.test(responses.result ?? ''),
      );
    } finally {
      await warehouse.close();
    }
  });

  it('the producer with a SASL password the broker does not accept', async () => {
    const producer = createOrderProducer({
      clientFactory: createKafkaJsClientFactory({
        brokers: brokers.split(','),
        sasl: { mechanism: 'plain', username: 'orderstream', password: SASL_PASSWORD },
        // The most the client library logs: its own log lines must not carry the password either.
        logLevel: 'debug',
      }),
      topic: 'orders-secrets-nonexistent',
    });
    const sent = await captureOutput(() => producer.send([...createOrderEventStream({ seed: 1, limit: 1 })]));
    record('producer: SASL refused', `${exposedText(sent.error)}\n${sent.output}`, sent.error !== undefined);
    await producer.disconnect().catch(() => undefined);
  });

  it('the CLI (text and JSON logs): load-history, sink and produce with secrets in the environment', async () => {
    const env = {
      SNOWFLAKE_ACCOUNT: 'orderstream',
      SNOWFLAKE_USER: 'orderstream',
      SNOWFLAKE_DATABASE: 'ORDERSTREAM_TEST',
      SNOWFLAKE_PASSWORD: PASSWORD,
      SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: PASSPHRASE,
      SNOWFLAKE_ACCESS_URL: accessUrl,
      SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
      KAFKA_BROKERS: brokers,
      KAFKA_SASL_PASSWORD: SASL_PASSWORD,
    };
    // Key-pair login with a key the passphrase does not open: fails at once, no network retries.
    const lockedKey = { SNOWFLAKE_PASSWORD: '', SNOWFLAKE_PRIVATE_KEY_PATH: keyPath };
    const { topic, dlq } = await freshTopics(1);
    const produced = await runCli(
      ['produce', '--topic', topic, '--count', '20', '--log-format', 'text'],
      env,
    );
    record(`cli text: produce ok (exit ${produced.code})`, `${produced.stdout}\n${produced.stderr}`, false);
    expect(produced.code, produced.stderr.slice(-400)).toBe(0);

    type Run = [
      what: string,
      args: string[],
      extra: Record<string, string>,
      shouldFail: boolean,
      stopWhen?: RegExp,
    ];
    // A sink into Snowflake that starts, writes the 20 events, then is stopped with SIGTERM.
    const sinkOk = (format: string): Run => [
      'sink ok, stopped by SIGTERM',
      [
        'sink',
        '--warehouse',
        `snowflake:${schema(`SECRETS_${format}`)}`,
        '--topic',
        topic,
        '--dlq',
        dlq,
        '--group',
        `secrets-${format}`,
        '--metrics-interval-ms',
        '500',
      ],
      {},
      false,
      /\b20 rows\b|"records":20\b/,
    ];
    // Sequential: the emulator serves one client well at a time (two sinks at once stalled one).
    const runs: Array<[format: string, ...Run]> = [
      // Text: a JSON-format sink into the emulator sometimes had no partition for 90 s (3 of 4
      // tries on a loaded machine; text 4 of 4 fine) — reported as an open question, not understood yet.
      ['text', ...sinkOk('text')],
      [
        'text',
        'load-history, undecryptable key',
        ['load-history', '--data', dataDir, '--warehouse', 'snowflake'],
        lockedKey,
        true,
      ],
      [
        'json',
        'sink, undecryptable key',
        ['sink', '--warehouse', 'snowflake', '--topic', topic, '--dlq', dlq],
        lockedKey,
        true,
      ],
      [
        'json',
        'produce to a missing topic',
        ['produce', '--topic', 'secrets-missing-topic', '--count', '5'],
        {},
        true,
      ],
    ];
    for (const [format, what, args, extra, shouldFail, stopWhen] of runs) {
      const run = await runCli(
        [...args, '--log-format', format],
        { ...env, ...extra },
        { timeoutMs: 90_000, ...(stopWhen ? { stopWhen } : {}) },
      );
      record(`cli ${format}: ${what} (exit ${run.code})`, `${run.stdout}\n${run.stderr}`, run.code !== 0);
      console.log(`  cli ${format} ${what}: ${run.stderr.trim().split('\n').at(-1)?.slice(0, 200)}`);
      if (stopWhen)
        expect(stopWhen.test(run.stdout + run.stderr), `${what} never logged its 20 rows`).toBe(true);
      if (shouldFail) expect(run.code, `${what}: ${run.stderr.slice(-400)}`).not.toBe(0);
      else expect(run.code, `${what}: ${run.stderr.slice(-400)}`).toBe(0);
    }
  }, 300_000);

  it('the leak check itself sees a secret printed, thrown as a cause, or base64-encoded (control)', async () => {
    const printed = await captureOutput(async () => {
      process.stderr.write(`connecting with ${PASSWORD}\n`);
      throw new Error('login failed', { cause: { body: Buffer.from(SASL_PASSWORD).toString('base64') } });
    });
    expect(leakedSecrets(printed.output, SECRETS)).toEqual([PASSWORD]);
    expect(leakedSecrets(exposedText(printed.error), SECRETS)).toEqual([SASL_PASSWORD]);
  });

  afterAll(() => {
    printReconciliation(
      'secrets: occurrences of 4 known secrets',
      checked.map(({ what, text, failed }): [string, unknown, unknown] => [
        `${what}${failed ? ' [failed as provoked]' : ''} (${text.length} chars)`,
        0,
        leakedSecrets(text, SECRETS).length,
      ]),
    );
  });

  it('found no secret anywhere', () => {
    expect(checked.length).toBeGreaterThan(10);
    const leaks = checked.flatMap(({ what, text }) =>
      leakedSecrets(text, SECRETS).map((secret) => {
        const at = text.indexOf(secret);
        return `${what}: ${secret} in …${text.slice(Math.max(0, at - 150), at + secret.length + 50)}…`;
      }),
    );
    expect(leaks).toEqual([]);
  });
});
