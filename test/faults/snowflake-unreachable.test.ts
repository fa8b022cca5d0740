import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnTs, stopChild } from './support/child.js';

// Regression (issue 19): with Snowflake refusing connections or answering HTTP 500,
// `orderstream sink --warehouse snowflake` printed nothing for 90 s (snowflake-sdk retried the
// login silently). Now every attempt is a log line with its backoff, and the command gives up with
// a typed error at its deadline.

const DEADLINE_MS = 4_000;
const PASSWORD = 'unreachable-test-password-0451';

let http500: Server;
let http500Port: number;
let closedPort: number;

beforeAll(async () => {
  http500 = createServer((_request, response) => {
    response.statusCode = 500;
    response.end('internal error');
  });
  await new Promise<void>((resolve) => http500.listen(0, '127.0.0.1', resolve));
  http500Port = (http500.address() as AddressInfo).port;
  // A port that was free a moment ago and is closed now: connections are refused.
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  await new Promise<void>((resolve) => http500?.close(() => resolve()) ?? resolve());
});

async function runSink(accessUrl: string) {
  const child = spawnTs(
    'examples/pipeline/src/cli.ts',
    ['sink', '--warehouse', 'snowflake', '--warehouse-deadline-ms', String(DEADLINE_MS)],
    {
      KAFKA_BROKERS: inject('kafkaBrokers'),
      SNOWFLAKE_ACCOUNT: 'orderstream',
      SNOWFLAKE_USER: 'unreachable',
      SNOWFLAKE_PASSWORD: PASSWORD,
      SNOWFLAKE_DATABASE: 'ORDERSTREAM_TEST',
      SNOWFLAKE_ACCESS_URL: accessUrl,
      SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
      ORDERSTREAM_LOG_FORMAT: 'text',
    },
  );
  // A generous bound only so that a hang fails the test instead of the suite: the deadline is 4 s.
  const timer = setTimeout(() => void stopChild(child, 1_000), 120_000);
  try {
    const code = await child.exited;
    return { code, output: child.stderr() };
  } finally {
    clearTimeout(timer);
  }
}

function expectVisibleWaitingAndTypedGiveUp(output: string, failure: RegExp): void {
  const waiting = output
    .split('\n')
    .filter((line) => line.startsWith('warn: waiting for a Snowflake session'));
  // One line per attempt, each naming the failure and its backoff.
  expect(waiting.length, output).toBeGreaterThanOrEqual(2);
  for (const line of waiting) {
    expect(line).toMatch(
      /^warn: waiting for a Snowflake session for account orderstream as unreachable: attempt \d+ failed/,
    );
    expect(line).toMatch(failure);
    expect(line).toMatch(/retrying in \d+\.\d s \(gives up after 4\.0 s\)$/);
  }
  const attempts = waiting.map((line) => Number(/attempt (\d+) failed/.exec(line)?.[1]));
  expect(attempts).toEqual(attempts.map((_, index) => index + 1));
  expect(output).toMatch(/gave up waiting for a Snowflake session .*: attempt \d+ failed after (\d+\.\d) s/);
  const gaveUpAfter = Number(
    /attempt \d+ failed after (\d+\.\d) s \(/.exec(output.split('gave up')[1] ?? '')?.[1],
  );
  expect(gaveUpAfter).toBeGreaterThanOrEqual(DEADLINE_MS / 1000);
  expect(output).toMatch(
    /error CORE_RETRY_DEADLINE_EXCEEDED: Gave up waiting for a Snowflake session for account orderstream as unreachable after \d+ attempts in \d+\.\d s \(deadline 4\.0 s\): SNOWFLAKE_CONNECTION_FAILED/,
  );
  expect(output).not.toContain(PASSWORD);
}

describe('orderstream sink with Snowflake unreachable', () => {
  it('logs each login attempt with its backoff and fails with CORE_RETRY_DEADLINE_EXCEEDED when the port is closed', async () => {
    const { code, output } = await runSink(`http://127.0.0.1:${closedPort}`);
    expect(code, output).toBe(1);
    expectVisibleWaitingAndTypedGiveUp(output, /ECONNREFUSED/);
  });

  it('logs each login attempt with its backoff and fails with CORE_RETRY_DEADLINE_EXCEEDED when Snowflake answers HTTP 500', async () => {
    const { code, output } = await runSink(`http://127.0.0.1:${http500Port}`);
    expect(code, output).toBe(1);
    expectVisibleWaitingAndTypedGiveUp(output, /Request to Snowflake failed\./);
  });
});
