import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isOrderstreamError } from '../errors/orderstream-error.js';
import { resolveOptions } from './resolve-options.js';

const schema = z.object({
  batchSize: z.int().positive().default(500),
  password: z.string().optional(),
});

describe('resolveOptions', () => {
  it('fills defaults', () => {
    expect(resolveOptions('Thing', schema, {})).toEqual({ batchSize: 500 });
  });

  it('throws CORE_INVALID_OPTIONS naming the component and the field, without the values', () => {
    try {
      resolveOptions('Thing', schema, { batchSize: -1, password: 42 as unknown as string });
      expect.unreachable();
    } catch (error) {
      expect(isOrderstreamError(error) && error.code).toBe('CORE_INVALID_OPTIONS');
      const message = (error as Error).message;
      expect(message).toContain('Invalid Thing options');
      expect(message).toContain('batchSize');
      expect(message).toContain('password');
      expect(JSON.stringify((error as { details: unknown }).details)).not.toContain('42');
    }
  });
});
