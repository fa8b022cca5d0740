import { describe, expect, it } from 'vitest';
import { TRANSLATED_CATEGORIES, UNTRANSLATED_CATEGORIES } from './internal/reference-data.js';
import { createOlistCatalog } from './olist-catalog.js';

describe('createOlistCatalog', () => {
  it('scales products, sellers, people and zip prefixes from the Kaggle counts', () => {
    const orders = 9944;
    const kaggle = (count: number) => Math.round((count * orders) / 99_441);
    const catalog = createOlistCatalog({ seed: 1, orders });
    expect(catalog.products).toHaveLength(kaggle(32_951));
    expect(catalog.sellers).toHaveLength(kaggle(3_095));
    expect(catalog.customers).toHaveLength(kaggle(96_096));
    // A prefix drawn twice within a full city range is dropped, so a few may be missing.
    expect(catalog.places.length).toBeGreaterThan(kaggle(19_015) * 0.95);
    expect(catalog.places.length).toBeLessThanOrEqual(kaggle(19_015));
  });

  it('is the same for the same options and different for another seed', () => {
    const a = createOlistCatalog({ seed: 1, orders: 2000 });
    const b = createOlistCatalog({ seed: 1, orders: 2000 });
    const c = createOlistCatalog({ seed: 2, orders: 2000 });
    expect(b).toEqual(a);
    expect(c.products[0]?.productId).not.toBe(a.products[0]?.productId);
  });

  it('uses the 73 Olist category names, two of them without translation', () => {
    expect(TRANSLATED_CATEGORIES).toHaveLength(71);
    const names = new Set([
      ...TRANSLATED_CATEGORIES.map(([name]) => name),
      ...UNTRANSLATED_CATEGORIES.map(([name]) => name),
    ]);
    expect(names.size).toBe(73);
    const used = new Set(createOlistCatalog({ seed: 3 }).products.map((product) => product.categoryName));
    expect(used.size).toBeGreaterThan(65);
    for (const name of used) expect(names.has(name as string)).toBe(true);
  });

  it('gives every seller a product and keeps unique zip prefixes', () => {
    const catalog = createOlistCatalog({ seed: 4, orders: 5000 });
    const selling = new Set(catalog.products.flatMap((product) => product.sellerIds));
    expect(selling.size).toBe(catalog.sellers.length);
    expect(new Set(catalog.places.map((place) => place.zipCodePrefix)).size).toBe(catalog.places.length);
    expect(catalog.places.every((place) => /^\d{5}$/.test(place.zipCodePrefix))).toBe(true);
  });

  it('applies product defects only when asked, to the same products whatever else', () => {
    const plain = createOlistCatalog({ seed: 4, orders: 20_000 });
    const defective = createOlistCatalog({ seed: 4, orders: 20_000, defects: true });
    const missing = defective.products.filter((product) => product.categoryName === null);
    expect(plain.products.some((product) => product.categoryName === null)).toBe(false);
    expect(missing.length / defective.products.length).toBeGreaterThan(0.01);
    expect(missing.length / defective.products.length).toBeLessThan(0.03);
    const untouched = defective.products.filter(
      (product) => product.categoryName !== null && product.weightG !== null,
    );
    const byId = new Map(plain.products.map((product) => [product.productId, product]));
    expect(untouched.length).toBeGreaterThan(0);
    const changed = untouched.filter(
      (product) => JSON.stringify(byId.get(product.productId)) !== JSON.stringify(product),
    );
    expect(changed).toEqual([]);
  });
});
