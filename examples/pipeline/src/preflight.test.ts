import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOrderstreamError, OrderstreamError } from '@orderstream/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  checkPortFree,
  checkReadableDir,
  checkWarehouseUri,
  checkWritableFile,
  parseBrokerList,
  portOption,
} from './preflight.js';
import { reportError } from './run-action.js';
import { isUsageError, UsageError } from './usage-error.js';

const code = (expected: string) => (error: unknown) => isUsageError(error) && error.code === expected;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-preflight-'));
  await writeFile(join(dir, 'a-file'), 'x');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('portOption', () => {
  it('takes whole numbers 1-65535 (0 only where allowed) and refuses the rest with CLI_PORT_INVALID', () => {
    expect(portOption('--port')('8501')).toBe(8501);
    expect(portOption('--metrics-port', true)('0')).toBe(0);
    for (const bad of ['0', '99999', '-1', '80.5', 'http', '']) {
      expect(() => portOption('--port')(bad), bad).toThrow(
        expect.objectContaining({ code: 'CLI_PORT_INVALID' }),
      );
    }
  });
});

describe('checkPortFree', () => {
  it('passes for a free port and names the taken one with CLI_PORT_IN_USE', async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    await expect(checkPortFree('--port', '127.0.0.1', port)).rejects.toSatisfy(code('CLI_PORT_IN_USE'));
    await new Promise((done) => server.close(done));
    await checkPortFree('--port', '127.0.0.1', port);
  });
});

describe('folders and files', () => {
  it('refuses a missing folder or a file where a folder to read should be', async () => {
    await expect(checkReadableDir('--data', join(dir, 'nope'), 'fix')).rejects.toSatisfy(
      code('CLI_PATH_NOT_FOUND'),
    );
    await expect(checkReadableDir('--data', join(dir, 'a-file'), 'fix')).rejects.toSatisfy(
      code('CLI_PATH_NOT_FOUND'),
    );
    await checkReadableDir('--data', dir, 'fix');
  });

  it('says a file cannot be WRITTEN when its folder cannot be created (/proc, a file in the way)', async () => {
    for (const path of ['/proc/x/w.duckdb', join(dir, 'a-file', 'w.duckdb')]) {
      await expect(checkWritableFile('--warehouse', path)).rejects.toSatisfy(
        (error) =>
          code('CLI_PATH_UNWRITABLE')(error) && / cannot be written: /.test((error as Error).message),
      );
    }
    await checkWritableFile('--warehouse', join(dir, 'new', 'w.duckdb'));
  });
});

describe('checkWarehouseUri', () => {
  it('knows duckdb and snowflake, and wants the Snowflake account and user', async () => {
    await checkWarehouseUri(`duckdb:${join(dir, 'w.duckdb')}`);
    await checkWarehouseUri('duckdb::memory:');
    await expect(checkWarehouseUri('oracle:x')).rejects.toSatisfy(code('CLI_WAREHOUSE_INVALID'));
    await expect(checkWarehouseUri('snowflake', '--warehouse', {})).rejects.toSatisfy(
      code('CLI_WAREHOUSE_INVALID'),
    );
    await checkWarehouseUri('snowflake', '--warehouse', { SNOWFLAKE_ACCOUNT: 'a', SNOWFLAKE_USER: 'u' });
  });
});

describe('parseBrokerList', () => {
  it('takes host:port lists and refuses anything else with CLI_BROKERS_INVALID', () => {
    expect(parseBrokerList('a:9092, b.example.com:9093,')).toEqual(['a:9092', 'b.example.com:9093']);
    expect(parseBrokerList('[::1]:9092')).toEqual(['[::1]:9092']);
    for (const bad of ['', ',', 'localhost', 'localhost,9092', 'a:0', 'a:99999', ':9092', 'a b:1']) {
      expect(() => parseBrokerList(bad), bad).toThrow(
        expect.objectContaining({ code: 'CLI_BROKERS_INVALID' }),
      );
    }
  });
});

describe('UsageError', () => {
  it("is an OrderstreamError of core's, with its CLI code, details and cause", () => {
    const cause = new Error('EADDRINUSE');
    const error = new UsageError('CLI_PORT_IN_USE', '--port 1 is in use', 'pass another port', {
      cause,
      details: { option: '--port', value: 1 },
    });
    expect(isOrderstreamError(error)).toBe(true);
    expect(error).toBeInstanceOf(OrderstreamError);
    expect(error).toMatchObject({
      name: 'UsageError',
      code: 'CLI_PORT_IN_USE',
      details: { option: '--port', value: 1 },
      retryable: false,
      cause,
    });
  });
});

describe('reportError', () => {
  it('prints one line per failure, a stack only with --verbose, and picks the exit code', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      const usage = new UsageError('CLI_PORT_IN_USE', '--port 1 is in use', 'pass another port');
      expect(await reportError(usage, false)).toBe(2);
      expect(await reportError(new Error('boom\nsecond line'), false)).toBe(1);
      expect(lines).toEqual([
        'error CLI_PORT_IN_USE: --port 1 is in use — fix: pass another port',
        'error: boom second line (an unexpected failure: --verbose shows the stack trace)',
      ]);
      lines.length = 0;
      // An SDK error keeps its code.
      expect(await reportError(new OrderstreamError('CORE_FILE_NOT_FOUND', 'no x.csv'), false)).toBe(1);
      expect(lines).toEqual(['error CORE_FILE_NOT_FOUND: no x.csv']);
      lines.length = 0;
      expect(await reportError(new Error('boom'), true)).toBe(1);
      expect(lines[1]).toMatch(/^Error: boom\n\s+at /);
    } finally {
      vi.restoreAllMocks();
    }
  });
});
