import type { ColumnDefinition } from '@orderstream/core';
import { isOrderstreamError } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import { bindParam, readValue, textWriter } from './values.js';

const col = (type: ColumnDefinition['type']): ColumnDefinition => ({ name: 'c', type, nullable: true });

describe('textWriter', () => {
  it('writes every column type as the text Snowflake casts back exactly', () => {
    const date = new Date('2017-10-02T10:56:33.042Z');
    expect(textWriter('t', col('money'))(12_990)).toBe('129.90');
    expect(textWriter('t', col('money'))(-5)).toBe('-0.05');
    expect(textWriter('t', col('bigint'))('9007199254740993')).toBe('9007199254740993');
    expect(textWriter('t', col('double'))(-23.545621281269)).toBe('-23.545621281269');
    expect(textWriter('t', col('timestamp'))(date)).toBe('2017-10-02 10:56:33.042');
    expect(textWriter('t', col('timestamptz'))(date)).toBe('2017-10-02T10:56:33.042Z');
    expect(textWriter('t', col('boolean'))(false)).toBe('false');
    expect(textWriter('t', col('integer'))(null)).toBeNull();
    expect(textWriter('t', col('json'))(undefined)).toBeNull();
  });

  it('rejects a value of the wrong type without putting the value in the error', () => {
    const secret = 'cpf-123.456.789-00';
    let caught: unknown;
    try {
      textWriter('olist_orders', col('money'))(secret);
    } catch (error) {
      caught = error;
    }
    expect(isOrderstreamError(caught)).toBe(true);
    expect((caught as { code: string }).code).toBe('SNOWFLAKE_INVALID_VALUE');
    expect(JSON.stringify({ ...(caught as object), message: (caught as Error).message })).not.toContain(
      secret,
    );
    expect(() => textWriter('t', col('money'))(1.5)).toThrow(/money/);
    expect(() => textWriter('t', col('integer'))(2 ** 31)).toThrow(/integer/);
    expect(() => textWriter('t', col('timestamp'))(new Date(Number.NaN))).toThrow(/timestamp/);
  });
});

describe('readValue', () => {
  it('reads NUMBER exactly: integers as numbers when safe, decimals as strings with the column scale', () => {
    expect(readValue('42', { name: 'N', type: 'fixed', scale: 0 })).toBe(42);
    expect(readValue('9007199254740993', { name: 'N', type: 'fixed', scale: 0 })).toBe('9007199254740993');
    expect(readValue('129.9', { name: 'M', type: 'fixed', scale: 2 })).toBe('129.90');
    expect(readValue('-0.05', { name: 'M', type: 'fixed', scale: 2 })).toBe('-0.05');
    expect(readValue('1.5', { name: 'F', type: 'real', scale: null })).toBe(1.5);
    expect(readValue(null, { name: 'F', type: 'real', scale: null })).toBeNull();
  });

  it('reads timestamps as plain Dates and VARIANT as its JSON text', () => {
    const value = readValue(new Date(1_000), { name: 'T', type: 'timestamp_tz', scale: 9 });
    expect(value).toBeInstanceOf(Date);
    expect((value as Date).getTime()).toBe(1_000);
    expect(readValue({ a: 1 }, { name: 'J', type: 'variant', scale: null })).toBe('{"a":1}');
  });
});

describe('bindParam', () => {
  it('binds Dates as ISO instants and leaves other values alone', () => {
    expect(bindParam(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01T00:00:00.000Z');
    expect(bindParam(3)).toBe(3);
    expect(bindParam(null)).toBeNull();
  });
});
