import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from './logger.js';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

const secretFields = {
  warehouse: 'snowflake',
  SNOWFLAKE_PASSWORD: 'hunter2-top',
  connection: { account: 'acme', password: 'hunter2-nested', privateKey: '-----BEGIN KEY-----' },
};

describe('createLogger', () => {
  it('json format writes pino lines with the secret fields redacted', () => {
    const out = capture();
    createLogger({ format: 'json', destination: out.stream }).info('sink started', secretFields);
    const [line] = out.lines();
    expect(line).toBeDefined();
    const parsed = JSON.parse(line ?? '{}') as Record<string, unknown>;
    expect(parsed.msg).toBe('sink started');
    expect(parsed.level).toBe(30);
    expect(parsed.warehouse).toBe('snowflake');
    expect(parsed.SNOWFLAKE_PASSWORD).toBe(REDACTED);
    expect(parsed.connection).toEqual({ account: 'acme', password: REDACTED, privateKey: REDACTED });
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain('BEGIN KEY');
  });

  it('text format writes the message only, never the fields', () => {
    const out = capture();
    createLogger({ format: 'text', destination: out.stream }).warn('retrying', secretFields);
    expect(out.lines()).toEqual(['warn: retrying']);
  });

  it('rejects an unknown format with CORE_INVALID_OPTIONS', () => {
    expect(() => createLogger({ format: 'xml' as 'json' })).toThrow(
      expect.objectContaining({ code: 'CORE_INVALID_OPTIONS' }),
    );
  });
});
