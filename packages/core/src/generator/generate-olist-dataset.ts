import { join } from 'node:path';
import type { OrderstreamError } from '../errors/orderstream-error.js';
import { ensureDirectory } from '../fs/ensure-directory.js';
import { resolveOptions } from '../options/resolve-options.js';
import { formatCents } from '../schema/fields.js';
import { OLIST_TABLE_KEYS, OLIST_TABLES, type OlistTableKey } from '../schema/olist-tables.js';
import {
  CsvFileWriter,
  csvId,
  csvText,
  naiveTimestamp,
  type WrittenFile,
} from './internal/csv-file-writer.js';
import { type DrawnOrder, OrderDrawer, PurchaseTimeSampler } from './internal/order-drawer.js';
import {
  REVIEW_MESSAGES_BAD,
  REVIEW_MESSAGES_GOOD,
  REVIEW_TITLES_BAD,
  REVIEW_TITLES_GOOD,
  TRANSLATED_CATEGORIES,
} from './internal/reference-data.js';
import { RANDOM_STREAMS, SeededRandom } from './internal/seeded-random.js';
import { createMalformedRow, type InjectedMalformedRow } from './malformed-rows.js';
import {
  createOlistCatalog,
  KAGGLE_ORDER_COUNT,
  type OlistCatalogCustomer,
  type OlistCatalogProduct,
} from './olist-catalog.js';
import {
  type GenerateOlistOptions,
  type GenerateOlistProgress,
  generateOlistOptionsSchema,
} from './options.js';
import { applyOrderDefects, emptyDefectsTruth, type OlistDefectsTruth } from './order-defects.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const KAGGLE_GEOLOCATION_ROWS = 1_000_163;
// Rows per order of the order-dependent tables, from the Kaggle counts.
const ITEMS_PER_ORDER = 112_650 / KAGGLE_ORDER_COUNT;
const PAYMENTS_PER_ORDER = 103_886 / KAGGLE_ORDER_COUNT;
const REVIEWS_PER_ORDER = 99_224 / KAGGLE_ORDER_COUNT;
const PROGRESS_EVERY = 16_384;

const SHARED_REVIEW_ID_RATE = 814 / 98_410;

/** What one generated file holds. */
export interface GeneratedOlistFile {
  /** The table's key. */
  table: OlistTableKey;
  /** The full path written. */
  path: string;
  /** Valid data rows (malformed rows not counted). */
  rows: number;
  /** Malformed rows injected into this file. */
  malformedRows: number;
  /** Physical lines, the header included (quoted line breaks in reviews count). */
  lines: number;
  /** Size, bytes. */
  bytes: number;
  /** The SHA-256 of the file, hex. */
  sha256: string;
}

/** The result of {@link generateOlistDataset}. */
export interface GenerateOlistResult {
  /** The folder written. */
  outDir: string;
  /** The seed used. */
  seed: number;
  /** The orders generated. */
  orders: number;
  /** Each table's file. */
  files: Record<OlistTableKey, GeneratedOlistFile>;
  /** Valid data rows over all files. */
  totalRows: number;
  /** Bytes over all files. */
  totalBytes: number;
  /** The injected real-data defects, or `null` when `defects` was off. */
  defects: OlistDefectsTruth | null;
  /** Every injected malformed row, in file then line order. */
  malformedRows: InjectedMalformedRow[];
}

const headerLine = (table: OlistTableKey): string =>
  table === 'categoryTranslation'
    ? `\uFEFF${OLIST_TABLES[table].header.join(',')}\n`
    : `${OLIST_TABLES[table].header.map((name) => `"${name}"`).join(',')}\n`;

const optionalInt = (value: number | null): string => (value === null ? '' : String(value));
const optionalTimestamp = (value: number | null): string => (value === null ? '' : naiveTimestamp(value));

/**
 * Generates a synthetic Olist data set: the nine CSV files of the Kaggle "Brazilian E-Commerce
 * Public Dataset by Olist", in its exact format and with its shape, from a seed.
 *
 * Format, as in the Kaggle files (checked against `head` of the originals): the headers as in
 * {@link OLIST_TABLES} (typos included) with every name quoted, except
 * `product_category_name_translation.csv`, whose header is bare and which alone starts with a UTF-8
 * BOM; text values (ids, zip prefixes, cities, review text) quoted when they start with a digit,
 * as Olist's export does (`"00e7ee1b050b8499577073aeb2a297a1"` but `e481f51cbdc54678b7cc49136f2d6af7`,
 * `"01037"` with its leading zero), or when they hold a comma, quote or line break (with `""`
 * escaping); numbers, money and timestamps bare; LF line endings (a review message may hold a
 * quoted CRLF, as real ones do); money with two decimals (`58.90`); timestamps
 * `YYYY-MM-DD HH:MM:SS`; empty fields for nulls.
 *
 * Shape: the status mix (97% delivered), monthly volumes from 2016-09 to 2018-10 with the Black
 * Friday 2017 spike, hour and weekday curves, about 90% single-item orders, lognormal prices and
 * freight, payment types and installments summing exactly to items plus freight, review scores
 * that fall for late deliveries, SP-heavy customers and sellers whose zip prefixes are in the
 * geolocation table, Zipf-like product popularity and about 3% repeat buyers.
 *
 * Same seed and options give byte-identical files; the data comes from pure-rand's xoroshiro128+,
 * one independent stream per part, so turning `defects` on changes only the defects.
 *
 * @param options - where, how many, seed, defects and malformed rows
 * @returns per-file rows, bytes and SHA-256, and the ground truth of what was injected
 * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` for bad options; `CORE_FILE_UNWRITABLE`
 *   when a file cannot be written; the signal's reason when aborted
 * @example
 * ```ts
 * const result = await generateOlistDataset({ outDir: './data/olist', orders: 5000, seed: 7 });
 * console.log(result.files.orders.rows, result.files.orders.sha256);
 * ```
 */
export async function generateOlistDataset(options: GenerateOlistOptions): Promise<GenerateOlistResult> {
  const resolved = resolveOptions('generateOlistDataset', generateOlistOptionsSchema, options);
  const { outDir, seed, orders, defects, malformedRows, onProgress, signal } = resolved;
  signal?.throwIfAborted();
  await ensureDirectory(outDir);
  const catalog = createOlistCatalog({ seed, orders, defects });
  const geolocationRows = Math.max(
    catalog.places.length,
    Math.round((KAGGLE_GEOLOCATION_ROWS * orders) / KAGGLE_ORDER_COUNT),
  );
  const estimates: Record<OlistTableKey, number> = {
    categoryTranslation: TRANSLATED_CATEGORIES.length,
    geolocation: geolocationRows,
    sellers: catalog.sellers.length,
    products: catalog.products.length,
    orders,
    customers: orders,
    orderItems: Math.round(orders * ITEMS_PER_ORDER),
    orderPayments: Math.round(orders * PAYMENTS_PER_ORDER),
    orderReviews: Math.round(orders * REVIEWS_PER_ORDER),
  };
  const rowsEstimated = Object.values(estimates).reduce((sum, rows) => sum + rows, 0);

  // Malformed rows: a table chosen uniformly (so every file gets some), a position within it.
  const malformedRandom = SeededRandom.stream(seed, RANDOM_STREAMS.malformed);
  const positions = new Map<OlistTableKey, number[]>(OLIST_TABLE_KEYS.map((key) => [key, []]));
  for (let i = 0; i < malformedRows; i++) {
    const table = malformedRandom.pick(OLIST_TABLE_KEYS);
    positions.get(table)?.push(malformedRandom.int(estimates[table] + 1));
  }
  const injected: InjectedMalformedRow[] = [];
  const writers = new Map<OlistTableKey, CsvFileWriter>();
  const open = (table: OlistTableKey): CsvFileWriter => {
    const file = OLIST_TABLES[table].file;
    const writer = new CsvFileWriter(
      join(outDir, file),
      headerLine(table),
      (positions.get(table) ?? []).sort((a, b) => a - b),
      (line) => {
        const row = createMalformedRow(malformedRandom, table);
        injected.push({ table, file, line, kind: row.kind, field: row.field });
        return row.text;
      },
    );
    writers.set(table, writer);
    return writer;
  };

  let rowsWritten = 0;
  const progress = (table: OlistTableKey, force = false) => {
    if (onProgress !== undefined && (force || rowsWritten % PROGRESS_EVERY === 0)) {
      onProgress({ table, rowsWritten, rowsEstimated } satisfies GenerateOlistProgress);
    }
  };
  const written = new Map<OlistTableKey, WrittenFile>();
  const close = async (table: OlistTableKey) => {
    const writer = writers.get(table) as CsvFileWriter;
    written.set(table, await writer.close());
    progress(table, true);
  };

  const truth = emptyDefectsTruth();

  try {
    // Dimensions first, each from the catalog.
    const translation = open('categoryTranslation');
    for (const [name, english] of TRANSLATED_CATEGORIES) {
      translation.row(`${name},${english}\n`);
      rowsWritten++;
    }
    await close('categoryTranslation');

    const geolocation = open('geolocation');
    const geoRandom = SeededRandom.stream(seed, RANDOM_STREAMS.geolocation);
    const spare = geolocationRows - catalog.places.length;
    let weightTotal = 0;
    for (const place of catalog.places) weightTotal += place.weight;
    for (const place of catalog.places) {
      const count = 1 + Math.floor((spare * place.weight) / weightTotal + geoRandom.float());
      const prefix = `${csvId(place.zipCodePrefix)},`;
      const suffix = `,${place.state}\n`;
      for (let i = 0; i < count; i++) {
        const lat = place.lat + (geoRandom.float() - 0.5) * 0.02;
        const lng = place.lng + (geoRandom.float() - 0.5) * 0.02;
        const city = place.accentedCity !== null && geoRandom.chance(0.1) ? place.accentedCity : place.city;
        geolocation.row(`${prefix}${lat},${lng},${city}${suffix}`);
        rowsWritten++;
        progress('geolocation');
      }
      await geolocation.maybeFlush();
      signal?.throwIfAborted();
    }
    await close('geolocation');

    const sellers = open('sellers');
    for (const seller of catalog.sellers) {
      sellers.row(
        `${csvId(seller.sellerId)},${csvId(seller.zipCodePrefix)},${seller.city},${seller.state}\n`,
      );
      rowsWritten++;
    }
    await close('sellers');

    const products = open('products');
    for (const product of catalog.products) {
      products.row(productLine(product));
      rowsWritten++;
      progress('products');
      if (product.categoryName === null) truth.productsWithoutCategory.push(product.productId);
      if (product.weightG === null) truth.productsWithoutDimensions.push(product.productId);
      await products.maybeFlush();
      signal?.throwIfAborted();
    }
    await close('products');

    // The five order tables are written together, one order at a time.
    const orderWriter = open('orders');
    const customerWriter = open('customers');
    const itemWriter = open('orderItems');
    const paymentWriter = open('orderPayments');
    const reviewWriter = open('orderReviews');
    const random = SeededRandom.stream(seed, RANDOM_STREAMS.orders);
    const defectRandom = SeededRandom.stream(seed, RANDOM_STREAMS.orderDefects);
    const drawer = new OrderDrawer(catalog, estimates.orderItems, true);
    const times = new PurchaseTimeSampler();
    const people = catalog.customers;
    let previousReviewId: string | null = null;
    const sharedReviewIds = new Set<string>();
    for (let i = 0; i < orders; i++) {
      // The first orders each bring a new person; the rest are repeat purchases of anyone.
      const person = (i < people.length ? people[i] : random.pick(people)) as OlistCatalogCustomer;
      const orderId = random.hexId();
      const order = drawer.draw(random, orderId, person, times.sample(random));
      applyOrderDefects(order, defectRandom, defects ? truth : null);

      orderWriter.row(orderLine(order));
      customerWriter.row(
        `${csvId(order.customerId)},${csvId(person.customerUniqueId)},${csvId(person.zipCodePrefix)},${person.city},${person.state}\n`,
      );
      const shippingLimit = naiveTimestamp(order.shippingLimitAt);
      const orderField = csvId(orderId);
      let itemNumber = 0;
      for (const item of order.items) {
        itemNumber++;
        itemWriter.row(
          `${orderField},${itemNumber},${csvId(item.product.productId)},${csvId(item.seller.sellerId)},${shippingLimit},${formatCents(item.priceCents)},${formatCents(item.freightCents)}\n`,
        );
      }
      let sequential = 0;
      for (const payment of order.payments) {
        sequential++;
        paymentWriter.row(
          `${orderField},${sequential},${payment.type},${payment.installments},${formatCents(payment.valueCents)}\n`,
        );
      }
      // Reviews: nearly every order has one, a few have two; some review ids cover two orders.
      const reviewCount = random.chance(0.9923) ? (random.chance(0.0055) ? 2 : 1) : 0;
      for (let r = 0; r < reviewCount; r++) {
        const shareId = defectRandom.chance(SHARED_REVIEW_ID_RATE);
        let reviewId = random.hexId();
        if (defects && shareId && r === 0 && previousReviewId !== null) {
          reviewId = previousReviewId;
          sharedReviewIds.add(reviewId);
        }
        const review = reviewLine(random, order, reviewId, r);
        reviewWriter.row(review.line, review.breaks);
        previousReviewId = reviewId;
      }
      rowsWritten += 2 + order.items.length + order.payments.length + reviewCount;
      if ((i & 1023) === 1023) {
        onProgress?.({ table: 'orders', rowsWritten, rowsEstimated });
        signal?.throwIfAborted();
        await Promise.all([
          orderWriter.maybeFlush(),
          customerWriter.maybeFlush(),
          itemWriter.maybeFlush(),
          paymentWriter.maybeFlush(),
          reviewWriter.maybeFlush(),
        ]);
      }
    }
    truth.sharedReviewIds = [...sharedReviewIds];
    for (const table of ['orders', 'customers', 'orderItems', 'orderPayments', 'orderReviews'] as const) {
      await close(table);
    }
  } catch (error) {
    for (const writer of writers.values()) writer.destroy();
    throw error;
  }

  const files = {} as Record<OlistTableKey, GeneratedOlistFile>;
  let totalRows = 0;
  let totalBytes = 0;
  for (const table of OLIST_TABLE_KEYS) {
    const file = written.get(table) as WrittenFile;
    files[table] = { table, path: join(outDir, OLIST_TABLES[table].file), ...file };
    totalRows += file.rows;
    totalBytes += file.bytes;
  }
  injected.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return {
    outDir,
    seed,
    orders,
    files,
    totalRows,
    totalBytes,
    defects: defects ? truth : null,
    malformedRows: injected,
  };
}

function productLine(product: OlistCatalogProduct): string {
  return `${csvId(product.productId)},${product.categoryName ?? ''},${optionalInt(product.nameLength)},${optionalInt(
    product.descriptionLength,
  )},${optionalInt(product.photosQty)},${optionalInt(product.weightG)},${optionalInt(product.lengthCm)},${optionalInt(
    product.heightCm,
  )},${optionalInt(product.widthCm)}\n`;
}

function orderLine(order: DrawnOrder): string {
  return `${csvId(order.orderId)},${csvId(order.customerId)},${order.status},${naiveTimestamp(order.purchasedAt)},${optionalTimestamp(
    order.approvedAt,
  )},${optionalTimestamp(order.carrierAt)},${optionalTimestamp(order.deliveredAt)},${naiveTimestamp(order.estimatedAt)}\n`;
}

/** A review row: score by how the order went, optional Portuguese title and message, dates after delivery. */
function reviewLine(
  random: SeededRandom,
  order: DrawnOrder,
  reviewId: string,
  nth: number,
): { line: string; breaks: number } {
  const u = random.float();
  const delivered = order.status === 'delivered';
  // Score tables (5,4,3,2,1 cumulative) for on time, late, and not delivered.
  const cumulative = !delivered
    ? [0.15, 0.22, 0.32, 0.4]
    : order.late
      ? [0.25, 0.37, 0.47, 0.55]
      : [0.63, 0.84, 0.92, 0.945];
  const score =
    u < (cumulative[0] as number)
      ? 5
      : u < (cumulative[1] as number)
        ? 4
        : u < (cumulative[2] as number)
          ? 3
          : u < (cumulative[3] as number)
            ? 2
            : 1;
  const good = score >= 4;
  const title = random.chance(0.115) ? random.pick(good ? REVIEW_TITLES_GOOD : REVIEW_TITLES_BAD) : '';
  let message = '';
  let breaks = 0;
  if (random.chance(score <= 2 ? 0.7 : 0.36)) {
    const messages = good || score === 3 ? REVIEW_MESSAGES_GOOD : REVIEW_MESSAGES_BAD;
    message = random.pick(messages);
    if (random.chance(0.03)) {
      message = `${message}\r\n${random.pick(messages)}`;
      breaks = 1;
    }
  }
  const basis = order.deliveredAt ?? order.estimatedAt;
  const created =
    basis -
    (basis % DAY) +
    DAY * (1 + (random.chance(0.15) ? random.int(10) : 0) + nth * random.intBetween(1, 30));
  const answered = created + Math.round(Math.max(HOUR, random.lognormal(1.2 * DAY, 0.9)) / 1000) * 1000;
  return {
    line: `${csvId(reviewId)},${csvId(order.orderId)},${score},${csvText(title)},${csvText(message)},${naiveTimestamp(created)},${naiveTimestamp(answered)}\n`,
    breaks,
  };
}
