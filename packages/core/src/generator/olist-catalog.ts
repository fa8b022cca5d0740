import { z } from 'zod';
import { resolveOptions } from '../options/resolve-options.js';
import {
  CATEGORY_PRICE_FACTOR,
  TRANSLATED_CATEGORIES,
  UNTRANSLATED_CATEGORIES,
} from './internal/reference-data.js';
import { RANDOM_STREAMS, SeededRandom, WeightedIndex } from './internal/seeded-random.js';
import { type CityRef, STATES } from './internal/states.js';

/** The size of the Kaggle data set, which every other count is scaled from. */
export const KAGGLE_ORDER_COUNT = 99_441;

const KAGGLE_PEOPLE = 96_096;
const KAGGLE_PRODUCTS = 32_951;
const KAGGLE_SELLERS = 3_095;
const KAGGLE_ZIP_PREFIXES = 19_015;
const NO_CATEGORY_RATE = 610 / KAGGLE_PRODUCTS;
const NO_DIMENSIONS_RATE = 2 / KAGGLE_PRODUCTS;

/** A zip code prefix with its city, state and centre, as the geolocation table lists them. */
export interface OlistCatalogPlace {
  /** Five digits, leading zeros kept. */
  readonly zipCodePrefix: string;
  /** The city as Olist writes it in customers and sellers: lowercase, without accents. */
  readonly city: string;
  /** The city as some geolocation rows write it, with accents; `null` when it has none. */
  readonly accentedCity: string | null;
  /** The two-letter state code. */
  readonly state: string;
  /** Latitude of the prefix's centre, degrees. */
  readonly lat: number;
  /** Longitude of the prefix's centre, degrees. */
  readonly lng: number;
  /** Relative share of the people living there (and of geolocation rows). */
  readonly weight: number;
}

/** A seller of the catalog. */
export interface OlistCatalogSeller {
  readonly sellerId: string;
  readonly zipCodePrefix: string;
  readonly city: string;
  readonly state: string;
}

/** A person who buys: Olist's `customer_unique_id` with an address. */
export interface OlistCatalogCustomer {
  readonly customerUniqueId: string;
  readonly zipCodePrefix: string;
  readonly city: string;
  readonly state: string;
}

/** A product of the catalog, with the price and sellers every order of it uses. */
export interface OlistCatalogProduct {
  readonly productId: string;
  /** The Portuguese category name; `null` for the products Olist lists without one (a defect). */
  readonly categoryName: string | null;
  /** Unit price, in cents. */
  readonly priceCents: number;
  /** Relative popularity (Zipf-like): the share of items that are this product. */
  readonly popularity: number;
  /** Who sells it (one, sometimes two); the first is the usual one. */
  readonly sellerIds: readonly string[];
  readonly nameLength: number | null;
  readonly descriptionLength: number | null;
  readonly photosQty: number | null;
  /** Weight, grams; `null` for the products Olist lists without dimensions (a defect). */
  readonly weightG: number | null;
  readonly lengthCm: number | null;
  readonly heightCm: number | null;
  readonly widthCm: number | null;
}

/**
 * The reference entities of one seed: places (zip prefixes), sellers, products and people. The
 * data set generator writes these, and the live event stream refers to them, so a stream and a
 * history made with the same seed and size join.
 */
export interface OlistCatalog {
  /** The seed it was made from. */
  readonly seed: number;
  /** The order count it was sized for. */
  readonly orders: number;
  /** Whether product defects (no category, no dimensions) were applied. */
  readonly defects: boolean;
  readonly places: readonly OlistCatalogPlace[];
  readonly sellers: readonly OlistCatalogSeller[];
  readonly products: readonly OlistCatalogProduct[];
  readonly customers: readonly OlistCatalogCustomer[];
}

/** The defaults of {@link OlistCatalogOptions}. */
export const OLIST_CATALOG_DEFAULTS = {
  seed: 42,
  orders: KAGGLE_ORDER_COUNT,
  defects: false,
} as const;

/** The zod schema of {@link OlistCatalogOptions}. */
export const olistCatalogOptionsSchema = z
  .object({
    /**
     * The seed; the same seed and sizes give the same catalog.
     * @defaultValue 42
     */
    seed: z.int().min(0).max(0xffff_ffff).default(OLIST_CATALOG_DEFAULTS.seed),
    /**
     * The order count the catalog is sized for: products, sellers, people and places scale with it
     * from the Kaggle counts (32,951 products, 3,095 sellers, 96,096 people, 19,015 zip prefixes for
     * 99,441 orders).
     * @defaultValue 99441 orders
     */
    orders: z.int().min(1).max(100_000_000).default(OLIST_CATALOG_DEFAULTS.orders),
    /**
     * Applies the real data's product defects: about 1.85% of products without a category (and
     * without name/description lengths and photo count), and a very few without dimensions.
     * @defaultValue false
     */
    defects: z.boolean().default(OLIST_CATALOG_DEFAULTS.defects),
  })
  .strict();

/**
 * Options of {@link createOlistCatalog}.
 *
 * @interface
 */
export type OlistCatalogOptions = z.input<typeof olistCatalogOptionsSchema>;

interface CitySlot {
  readonly stateIndex: number;
  readonly city: CityRef;
  readonly zipMin: number;
  readonly zipMax: number;
  readonly places: number[];
}

const scaled = (kaggle: number, orders: number, minimum: number): number =>
  Math.max(minimum, Math.round((kaggle * orders) / KAGGLE_ORDER_COUNT));

/** Olist prices end in .90, .99 or .00 more often than not. */
function priceCents(random: SeededRandom, median: number): number {
  const reais = Math.min(6735, Math.max(0.85, random.lognormal(median, 0.85)));
  const whole = Math.floor(reais);
  const u = random.float();
  const cents = u < 0.4 ? 90 : u < 0.65 ? 99 : u < 0.85 ? 0 : random.int(100);
  return Math.max(85, whole * 100 + cents);
}

const clampInt = (value: number, min: number, max: number): number =>
  Math.min(max, Math.max(min, Math.round(value)));

/**
 * Builds the catalog of a seed: the zip prefixes (with cities and coordinates), sellers (about 60%
 * in SP), products (73 categories, lognormal prices with a median near 75 BRL, Zipf-like
 * popularity) and people (about 42% in SP), scaled to `orders`. Deterministic: the same options
 * give the same catalog, and the catalog does not depend on anything else the generator draws.
 *
 * @param options - seed, size and whether to apply product defects
 * @returns the catalog
 * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` when an option is out of range
 * @example
 * ```ts
 * const catalog = createOlistCatalog({ seed: 42, orders: 2000 });
 * catalog.products.length; // 663
 * ```
 */
export function createOlistCatalog(options: OlistCatalogOptions = {}): OlistCatalog {
  const { seed, orders, defects } = resolveOptions('createOlistCatalog', olistCatalogOptionsSchema, options);
  const { places, slotsByState } = createPlaces(seed, orders);
  const sellers = createSellers(seed, orders, places, slotsByState);
  const products = createProducts(seed, orders, sellers, defects);
  const customers = createCustomers(seed, orders, places, slotsByState);
  return { seed, orders, defects, places, sellers, products, customers };
}

function createPlaces(seed: number, orders: number) {
  const random = SeededRandom.stream(seed, RANDOM_STREAMS.places);
  const slotsByState: CitySlot[][] = STATES.map((state, stateIndex) => {
    const span = state.zipMax - state.zipMin + 1;
    const capitalSpan = state.cities.length === 1 ? span : Math.floor(span * 0.4);
    const otherSpan =
      state.cities.length === 1 ? 0 : Math.floor((span - capitalSpan) / (state.cities.length - 1));
    return state.cities.map((city, cityIndex) => {
      const zipMin =
        cityIndex === 0 ? state.zipMin : state.zipMin + capitalSpan + (cityIndex - 1) * otherSpan;
      const zipMax = cityIndex === 0 ? zipMin + capitalSpan - 1 : zipMin + otherSpan - 1;
      return { stateIndex, city, zipMin, zipMax, places: [] };
    });
  });
  const slots = slotsByState.flat();
  const slotWeights = slots.map((slot) => {
    const state = STATES[slot.stateIndex];
    const cityTotal = state?.cities.reduce((sum, city) => sum + city[2], 0) ?? 1;
    return ((state?.customerShare ?? 0) * slot.city[2]) / cityTotal;
  });
  const slotIndex = new WeightedIndex(slotWeights);
  const target = Math.max(slots.length, scaled(KAGGLE_ZIP_PREFIXES, orders, 0));
  const used = new Set<number>();
  const raw: { slot: CitySlot; zip: number; lat: number; lng: number }[] = [];
  for (let i = 0; i < target; i++) {
    // Every city gets one prefix first, so every state and city can be drawn at any scale.
    const slot = i < slots.length ? (slots[i] as CitySlot) : (slots[slotIndex.sample(random)] as CitySlot);
    const span = slot.zipMax - slot.zipMin + 1;
    let zip = slot.zipMin + random.int(span);
    let probes = 0;
    while (used.has(zip) && probes < span) {
      zip = zip === slot.zipMax ? slot.zipMin : zip + 1;
      probes++;
    }
    const lat = slot.city[3] + random.normal() * 0.04;
    const lng = slot.city[4] + random.normal() * 0.04;
    if (used.has(zip)) continue;
    used.add(zip);
    raw.push({ slot, zip, lat, lng });
  }
  raw.sort((a, b) => a.zip - b.zip);
  for (const [index, entry] of raw.entries()) entry.slot.places.push(index);
  const shareOf = new Map(
    slots.map((slot, s) => [slot, (slotWeights[s] as number) / Math.max(1, slot.places.length)]),
  );
  const places: OlistCatalogPlace[] = raw.map((entry) => ({
    zipCodePrefix: String(entry.zip).padStart(5, '0'),
    city: entry.slot.city[0],
    accentedCity: entry.slot.city[1],
    state: STATES[entry.slot.stateIndex]?.code ?? 'SP',
    lat: Math.round(entry.lat * 1e6) / 1e6,
    lng: Math.round(entry.lng * 1e6) / 1e6,
    weight: shareOf.get(entry.slot) ?? 0,
  }));
  return { places, slotsByState };
}

/** Picks a place: a state by `share`, a city of it by weight, then one of the city's prefixes. */
function createPlacePicker(shares: readonly number[], slotsByState: readonly CitySlot[][]) {
  const stateIndex = new WeightedIndex(shares);
  const cityIndexes = slotsByState.map((slots) => new WeightedIndex(slots.map((slot) => slot.city[2])));
  return (random: SeededRandom): number => {
    const s = stateIndex.sample(random);
    const slots = slotsByState[s] as CitySlot[];
    const slot = slots[(cityIndexes[s] as WeightedIndex).sample(random)] as CitySlot;
    return random.pick(slot.places);
  };
}

function createSellers(
  seed: number,
  orders: number,
  places: readonly OlistCatalogPlace[],
  slotsByState: readonly CitySlot[][],
): OlistCatalogSeller[] {
  const random = SeededRandom.stream(seed, RANDOM_STREAMS.sellers);
  const pickPlace = createPlacePicker(
    STATES.map((state) => state.sellerShare),
    slotsByState,
  );
  const count = scaled(KAGGLE_SELLERS, orders, 3);
  const sellers: OlistCatalogSeller[] = [];
  for (let i = 0; i < count; i++) {
    const sellerId = random.hexId();
    const place = places[pickPlace(random)] as OlistCatalogPlace;
    sellers.push({ sellerId, zipCodePrefix: place.zipCodePrefix, city: place.city, state: place.state });
  }
  return sellers;
}

function shuffledRanks(random: SeededRandom, count: number): Int32Array {
  const ranks = new Int32Array(count);
  for (let i = 0; i < count; i++) ranks[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const swap = ranks[i] as number;
    ranks[i] = ranks[j] as number;
    ranks[j] = swap;
  }
  return ranks;
}

function createProducts(
  seed: number,
  orders: number,
  sellers: readonly OlistCatalogSeller[],
  defects: boolean,
): OlistCatalogProduct[] {
  const random = SeededRandom.stream(seed, RANDOM_STREAMS.products);
  const defectRandom = SeededRandom.stream(seed, RANDOM_STREAMS.catalogDefects);
  const categories = [
    ...TRANSLATED_CATEGORIES.map(([name, , share]) => [name, share] as const),
    ...UNTRANSLATED_CATEGORIES,
  ];
  const categoryIndex = new WeightedIndex(categories.map(([, share]) => share));
  const count = scaled(KAGGLE_PRODUCTS, orders, 10);
  const popularityRanks = shuffledRanks(random, count);
  const sellerRanks = shuffledRanks(random, sellers.length);
  const sellerIndex = new WeightedIndex(Array.from(sellerRanks, (rank) => 1 / (rank + 1) ** 0.7));
  const products: OlistCatalogProduct[] = [];
  for (let i = 0; i < count; i++) {
    const productId = random.hexId();
    const [categoryName] = categories[categoryIndex.sample(random)] as readonly [string, number];
    const price = priceCents(random, 75 * (CATEGORY_PRICE_FACTOR[categoryName] ?? 1));
    // Every seller sells something: the first products go one to each seller.
    const firstSeller = i < sellers.length ? i : sellerIndex.sample(random);
    const secondSeller = random.chance(0.04) ? sellerIndex.sample(random) : firstSeller;
    const sellerIds = [(sellers[firstSeller] as OlistCatalogSeller).sellerId];
    if (secondSeller !== firstSeller) sellerIds.push((sellers[secondSeller] as OlistCatalogSeller).sellerId);
    const photoDraw = random.float();
    const product = {
      productId,
      categoryName: categoryName as string | null,
      priceCents: price,
      popularity: 1 / ((popularityRanks[i] as number) + 2) ** 0.6,
      sellerIds,
      nameLength: clampInt(48 + random.normal() * 10, 5, 76) as number | null,
      descriptionLength: clampInt(random.lognormal(600, 0.8), 4, 3992) as number | null,
      photosQty: (photoDraw < 0.5
        ? 1
        : photoDraw < 0.7
          ? 2
          : photoDraw < 0.81
            ? 3
            : random.intBetween(4, 20)) as number | null,
      weightG: clampInt(random.lognormal(700, 1.2), 2, 40425) as number | null,
      lengthCm: clampInt(random.lognormal(25, 0.5), 7, 105) as number | null,
      heightCm: clampInt(random.lognormal(12, 0.7), 2, 105) as number | null,
      widthCm: clampInt(random.lognormal(18, 0.5), 6, 118) as number | null,
    };
    // Defect decisions are always drawn, so switching defects on changes nothing else.
    const noCategory = defectRandom.chance(NO_CATEGORY_RATE);
    const noDimensions = defectRandom.chance(NO_DIMENSIONS_RATE);
    if (defects && noCategory) {
      product.categoryName = null;
      product.nameLength = null;
      product.descriptionLength = null;
      product.photosQty = null;
    }
    if (defects && noDimensions) {
      product.weightG = null;
      product.lengthCm = null;
      product.heightCm = null;
      product.widthCm = null;
    }
    products.push(product);
  }
  return products;
}

function createCustomers(
  seed: number,
  orders: number,
  places: readonly OlistCatalogPlace[],
  slotsByState: readonly CitySlot[][],
): OlistCatalogCustomer[] {
  const random = SeededRandom.stream(seed, RANDOM_STREAMS.people);
  const pickPlace = createPlacePicker(
    STATES.map((state) => state.customerShare),
    slotsByState,
  );
  const count = scaled(KAGGLE_PEOPLE, orders, 1);
  const customers: OlistCatalogCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const customerUniqueId = random.hexId();
    const place = places[pickPlace(random)] as OlistCatalogPlace;
    customers.push({
      customerUniqueId,
      zipCodePrefix: place.zipCodePrefix,
      city: place.city,
      state: place.state,
    });
  }
  return customers;
}
