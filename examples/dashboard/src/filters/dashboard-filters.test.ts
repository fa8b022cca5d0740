import { isOrderstreamError } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import { filterKey, parseDashboardFilters } from './dashboard-filters.js';

const known = async (category: string) => category === 'beleza_saude';
const parse = (query: string) => parseDashboardFilters(new URLSearchParams(query), known);

async function rejection(query: string): Promise<{ code: string; message: string }> {
  try {
    await parse(query);
  } catch (error) {
    if (isOrderstreamError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error(`expected ${query} to be rejected`);
}

describe('parseDashboardFilters', () => {
  it('accepts allow-listed states and known categories', async () => {
    await expect(parse('state=SP&category=beleza_saude')).resolves.toEqual({
      state: 'SP',
      category: 'beleza_saude',
    });
    await expect(parse('')).resolves.toEqual({});
  });

  it('names an unknown filter key and the allowed ones', async () => {
    expect(await rejection('sort=desc')).toEqual({
      code: 'DASHBOARD_INVALID_FILTER',
      message: 'Invalid filter: unknown filter "sort" (allowed: state, category).',
    });
  });

  it.each([
    ["state=SP' OR 1=1--", 'state'],
    ['state=sp', 'state'],
    ['state=XX', 'state'],
    ["category=beleza_saude'--", 'category'],
    [`category=${'a'.repeat(65)}`, 'category'],
    ['category=unknown_category', 'unknown category'],
    ['state=SP&state=RJ', 'more than once'],
  ])('rejects %s', async (query, mention) => {
    const { code, message } = await rejection(query);
    expect(code).toBe('DASHBOARD_INVALID_FILTER');
    expect(message).toContain(mention);
  });

  it.each(['__proto__=x', 'constructor=x', 'toString=x', 'hasOwnProperty=x'])(
    'rejects the prototype key %s as unknown (regression: __proto__ was ignored and showed unfiltered data)',
    async (query) => {
      const { code, message } = await rejection(query);
      expect(code).toBe('DASHBOARD_INVALID_FILTER');
      expect(message).toContain('unknown filter');
    },
  );

  it('shortens and sanitises hostile keys echoed in the message', async () => {
    const { message } = await rejection(`${'\u0000x'.repeat(50)}=1`);
    expect(message).not.toContain('\u0000');
    expect(message.length).toBeLessThan(120);
  });
});

describe('filterKey', () => {
  it('is the same for equal filters and distinct otherwise', () => {
    expect(filterKey({ state: 'SP' })).toBe(filterKey({ state: 'SP', category: undefined }));
    expect(filterKey({ state: 'SP' })).not.toBe(filterKey({ category: 'SP' }));
    expect(filterKey({})).toBe('');
  });
});
