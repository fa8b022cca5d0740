import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOrderstreamError } from '../errors/orderstream-error.js';
import { parseCents } from '../schema/fields.js';
import { OLIST_TABLE_KEYS, OLIST_TABLES, type OlistTableKey } from '../schema/olist-tables.js';
import { generateOlistDataset } from './generate-olist-dataset.js';
import {
  ms,
  ORDERS,
  plain,
  type Row,
  readTable,
  readText,
  root,
  share,
  useGeneratedDatasets,
  withDefects,
} from './generate-olist-dataset-fixtures.js';

useGeneratedDatasets();

describe('generateOlistDataset determinism', () => {
  it('writes byte-identical files for the same seed and options, and reports their true SHA-256', async () => {
    const again = await generateOlistDataset({ outDir: join(root, 'again'), orders: ORDERS, seed: 7 });
    for (const table of OLIST_TABLE_KEYS) {
      const bytes = await readFile(again.files[table].path);
      expect(createHash('sha256').update(bytes).digest('hex'), table).toBe(again.files[table].sha256);
      expect(bytes.length, table).toBe(again.files[table].bytes);
      expect(again.files[table].sha256, table).toBe(plain.files[table].sha256);
    }
  });

  it('writes different files for a different seed', async () => {
    const other = await generateOlistDataset({ outDir: join(root, 'other'), orders: ORDERS, seed: 8 });
    for (const table of OLIST_TABLE_KEYS) {
      if (table === 'categoryTranslation') continue; // a fixed list
      expect(other.files[table].sha256, table).not.toBe(plain.files[table].sha256);
    }
  });

  it('changes only the defective rows when defects are switched on', async () => {
    for (const table of ['categoryTranslation', 'geolocation', 'customers', 'sellers'] as const) {
      expect(withDefects.files[table].sha256, table).toBe(plain.files[table].sha256);
    }
    // the items are the same but for the orders that lost theirs
    const withoutItems = new Set(withDefects.defects?.ordersWithoutItems);
    const plainItems = await readTable(plain, 'orderItems');
    expect(await readTable(withDefects, 'orderItems')).toEqual(
      plainItems.filter((row) => !withoutItems.has(row.order_id as string)),
    );
    const before = await readTable(plain, 'orders');
    const after = await readTable(withDefects, 'orders');
    const touched = new Set([
      ...(withDefects.defects?.deliveredWithoutDeliveryDate ?? []),
      ...(withDefects.defects?.timestampsOutOfOrder.map((entry) => entry.orderId) ?? []),
    ]);
    expect(after.length).toBe(before.length);
    const changed = after.filter((row, index) => JSON.stringify(row) !== JSON.stringify(before[index]));
    expect(new Set(changed.map((row) => row.order_id))).toEqual(touched);
  });

  it('fails with CORE_FILE_UNWRITABLE when the folder cannot be created', async () => {
    const blocker = join(root, 'a-file');
    await writeFile(blocker, 'not a folder');
    const error = await generateOlistDataset({ outDir: join(blocker, 'sub'), orders: 10 }).catch(
      (e: unknown) => e,
    );
    expect(isOrderstreamError(error) && error.code).toBe('CORE_FILE_UNWRITABLE');
  });

  it("stops with the signal's reason when aborted mid-way, before writing every order", async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    let rowsAtAbort = 0;
    const error = await generateOlistDataset({
      outDir: join(root, 'aborted'),
      orders: 50_000,
      signal: controller.signal,
      onProgress: ({ table, rowsWritten }) => {
        if (table === 'orders' && rowsAtAbort === 0) {
          rowsAtAbort = rowsWritten;
          controller.abort(reason);
        }
      },
    }).catch((e: unknown) => e);
    expect(error).toBe(reason);
    const orders = await readFile(join(root, 'aborted', OLIST_TABLES.orders.file), 'utf8').catch(() => '');
    expect(orders.split('\n').length).toBeLessThan(50_000);
  });

  it('rejects invalid options with CORE_INVALID_OPTIONS', async () => {
    const error = await generateOlistDataset({ outDir: join(root, 'bad'), orders: 0 }).catch(
      (e: unknown) => e,
    );
    expect(isOrderstreamError(error) && error.code).toBe('CORE_INVALID_OPTIONS');
  });
});

describe('generateOlistDataset format', () => {
  it('writes each header exactly, names quoted, with a BOM only on the translation file', async () => {
    for (const table of OLIST_TABLE_KEYS) {
      const text = await readText(plain, table);
      const firstLine = text.slice(0, text.indexOf('\n'));
      const header = OLIST_TABLES[table].header;
      if (table === 'categoryTranslation') {
        expect(firstLine).toBe(`\uFEFF${header.join(',')}`);
      } else {
        expect(text.charCodeAt(0), table).not.toBe(0xfeff);
        expect(firstLine, table).toBe(header.map((name) => `"${name}"`).join(','));
      }
    }
  });

  it('quotes ids and zip prefixes only when they start with a digit, writes 2-decimal money and plain timestamps', async () => {
    // Olist's export quotes a text value exactly when it starts with a digit.
    const id = '(?:"[0-9][0-9a-f]{31}"|[a-f][0-9a-f]{31})';
    const ts = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}';
    const money = '\\d+\\.\\d{2}';
    const patterns: Partial<Record<OlistTableKey, RegExp>> = {
      orders: new RegExp(
        `^${id},${id},[a-z]+,${ts},(${ts})?,(${ts})?,(${ts})?,\\d{4}-\\d{2}-\\d{2} 00:00:00$`,
      ),
      orderItems: new RegExp(`^${id},\\d+,${id},${id},${ts},${money},${money}$`),
      orderPayments: new RegExp(`^${id},\\d+,[a-z_]+,\\d+,${money}$`),
      customers: new RegExp(`^${id},${id},"\\d{5}",[a-z -]+,[A-Z]{2}$`),
      sellers: new RegExp(`^${id},"\\d{5}",[a-z -]+,[A-Z]{2}$`),
      geolocation: /^"\d{5}",-?\d+(\.\d+)?,-?\d+(\.\d+)?,[^,"]+,[A-Z]{2}$/,
      products: new RegExp(`^${id},[a-z_2]*,(\\d+)?,(\\d+)?,(\\d+)?,\\d+,\\d+,\\d+,\\d+$`),
    };
    for (const [table, pattern] of Object.entries(patterns) as [OlistTableKey, RegExp][]) {
      const lines = (await readText(plain, table)).split('\n').slice(1, -1);
      expect(lines.length, table).toBe(plain.files[table].rows);
      expect(
        lines.filter((line) => !pattern.test(line)),
        table,
      ).toEqual([]);
    }
  });

  it('writes ids both bare and quoted, as the real files do', async () => {
    const text = await readText(plain, 'orders');
    expect(text).toMatch(/\n"[0-9][0-9a-f]{31}",/);
    expect(text).toMatch(/\n[a-f][0-9a-f]{31},/);
  });

  it('keeps leading zeros of zip prefixes and ends every line with LF', async () => {
    const sellers = await readTable(plain, 'sellers');
    expect(sellers.some((row) => row.seller_zip_code_prefix?.startsWith('0'))).toBe(true);
    for (const table of OLIST_TABLE_KEYS) {
      const text = await readText(plain, table);
      expect(text.endsWith('\n'), table).toBe(true);
      // A CR only ever appears inside a quoted review message.
      if (table !== 'orderReviews') expect(text.includes('\r'), table).toBe(false);
    }
  });

  it('quotes review text holding commas, quotes or line breaks, escaping quotes as ""', async () => {
    const text = await readText(plain, 'orderReviews');
    const reviews = await readTable(plain, 'orderReviews');
    expect(text).toContain('"Produto de ótima qualidade, chegou antes do prazo."');
    expect(text).toContain('"Tudo certo, como ""prometido"" pelo vendedor."');
    expect(reviews.some((row) => row.review_comment_message?.includes('\r\n'))).toBe(true);
    expect(plain.files.orderReviews.lines).toBe(text.split('\n').length - 1);
    expect(plain.files.orderReviews.lines).toBeGreaterThan(plain.files.orderReviews.rows + 1);
  });

  it('writes the 71 translated categories', async () => {
    const translation = await readTable(plain, 'categoryTranslation');
    expect(translation).toHaveLength(71);
    expect(new Set(translation.map((row) => row.product_category_name)).size).toBe(71);
  });
});

describe('generateOlistDataset shape', () => {
  it('has the Kaggle status mix', async () => {
    const orders = await readTable(plain, 'orders');
    expect(orders).toHaveLength(ORDERS);
    expect(share(orders, (row: Row) => row.order_status === 'delivered')).toBeCloseTo(0.97, 1);
    expect(share(orders, (row: Row) => row.order_status === 'delivered')).toBeGreaterThan(0.955);
    expect(share(orders, (row: Row) => row.order_status === 'shipped')).toBeLessThan(0.025);
    expect(share(orders, (row: Row) => row.order_status === 'canceled')).toBeLessThan(0.02);
  });

  it('has about 90% single-item orders, lognormal prices and freight', async () => {
    const items = await readTable(plain, 'orderItems');
    const perOrder = new Map<string, number>();
    for (const item of items)
      perOrder.set(item.order_id as string, (perOrder.get(item.order_id as string) ?? 0) + 1);
    const single = [...perOrder.values()].filter((count) => count === 1).length / perOrder.size;
    expect(single).toBeGreaterThan(0.87);
    expect(single).toBeLessThan(0.93);
    const median = (values: number[]) =>
      values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const prices = items.map((item) => parseCents(item.price as string) as number);
    const freights = items.map((item) => parseCents(item.freight_value as string) as number);
    expect(median([...prices])).toBeGreaterThan(5500);
    expect(median([...prices])).toBeLessThan(10_000);
    expect(Math.max(...prices)).toBeGreaterThan(100_000);
    expect(median(freights)).toBeGreaterThan(1200);
    expect(median(freights)).toBeLessThan(2500);
  });

  it('makes payments add up exactly, to the cent, to items plus freight for every order', async () => {
    const items = await readTable(plain, 'orderItems');
    const payments = await readTable(plain, 'orderPayments');
    const owed = new Map<string, number>();
    for (const item of items) {
      const cents = (parseCents(item.price as string) ?? 0) + (parseCents(item.freight_value as string) ?? 0);
      owed.set(item.order_id as string, (owed.get(item.order_id as string) ?? 0) + cents);
    }
    const paid = new Map<string, number>();
    for (const payment of payments) {
      paid.set(
        payment.order_id as string,
        (paid.get(payment.order_id as string) ?? 0) + (parseCents(payment.payment_value as string) ?? 0),
      );
    }
    expect(paid.size).toBe(owed.size);
    expect([...owed].filter(([orderId, cents]) => paid.get(orderId) !== cents)).toEqual([]);
  });

  it('has the payment type mix, card installments 1-24 and single installments otherwise', async () => {
    const payments = await readTable(plain, 'orderPayments');
    const typeShare = (type: string) => share(payments, (row: Row) => row.payment_type === type);
    expect(typeShare('credit_card')).toBeGreaterThan(0.7);
    expect(typeShare('credit_card')).toBeLessThan(0.78);
    expect(typeShare('boleto')).toBeGreaterThan(0.16);
    expect(typeShare('boleto')).toBeLessThan(0.22);
    expect(typeShare('voucher')).toBeGreaterThan(0.035);
    expect(typeShare('voucher')).toBeLessThan(0.08);
    expect(typeShare('debit_card')).toBeGreaterThan(0.005);
    expect(typeShare('debit_card')).toBeLessThan(0.03);
    const badInstallments = payments.filter((payment) => {
      const installments = Number(payment.payment_installments);
      return payment.payment_type === 'credit_card'
        ? installments < 1 || installments > 24
        : installments !== 1;
    });
    expect(badInstallments).toEqual([]);
    const cardInstallments = new Set(
      payments.filter((row) => row.payment_type === 'credit_card').map((row) => row.payment_installments),
    );
    expect(cardInstallments.size).toBeGreaterThan(8);
    const sequentials = payments.filter((row) => row.payment_sequential !== '1');
    expect(sequentials.length).toBeGreaterThan(0);
    expect(share(sequentials, (row: Row) => row.payment_type === 'voucher')).toBe(1);
  });

  it('puts about 42% of customers and about 60% of sellers in SP, at geolocated zip prefixes', async () => {
    const customers = await readTable(plain, 'customers');
    const sellers = await readTable(plain, 'sellers');
    const geolocation = await readTable(plain, 'geolocation');
    expect(share(customers, (row: Row) => row.customer_state === 'SP')).toBeGreaterThan(0.38);
    expect(share(customers, (row: Row) => row.customer_state === 'SP')).toBeLessThan(0.46);
    expect(share(customers, (row: Row) => row.customer_state === 'RJ')).toBeGreaterThan(0.1);
    expect(share(sellers, (row: Row) => row.seller_state === 'SP')).toBeGreaterThan(0.45);
    expect(share(sellers, (row: Row) => row.seller_state === 'SP')).toBeLessThan(0.75);
    const places = new Map(
      geolocation.map((row) => [row.geolocation_zip_code_prefix, row.geolocation_state]),
    );
    expect(
      customers.filter((row) => places.get(row.customer_zip_code_prefix) !== row.customer_state),
    ).toEqual([]);
    expect(sellers.filter((row) => places.get(row.seller_zip_code_prefix) !== row.seller_state)).toEqual([]);
    const people = new Set(customers.map((row) => row.customer_unique_id));
    expect(people.size / customers.length).toBeGreaterThan(0.95);
    expect(people.size / customers.length).toBeLessThan(0.99);
  });

  it('spikes on Black Friday 2017 and grows from 2016 to a 2018 plateau', async () => {
    const orders = await readTable(plain, 'orders');
    const perDay = new Map<string, number>();
    const perMonth = new Map<string, number>();
    for (const row of orders) {
      const day = (row.order_purchase_timestamp as string).slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
      perMonth.set(day.slice(0, 7), (perMonth.get(day.slice(0, 7)) ?? 0) + 1);
    }
    const weekBefore = ['17', '18', '19', '20', '21', '22', '23'].map((d) => perDay.get(`2017-11-${d}`) ?? 0);
    const meanBefore = weekBefore.reduce((a, b) => a + b, 0) / weekBefore.length;
    expect(perDay.get('2017-11-24') ?? 0).toBeGreaterThan(3 * meanBefore);
    expect(perMonth.get('2016-10') ?? 0).toBeLessThan((perMonth.get('2017-06') ?? 0) / 4);
    expect(perMonth.get('2017-03') ?? 0).toBeLessThan(perMonth.get('2018-03') ?? 0);
    const hours = new Array(24).fill(0) as number[];
    const weekdays = new Array(7).fill(0) as number[];
    for (const row of orders) {
      const at = ms(row.order_purchase_timestamp as string);
      hours[new Date(at).getUTCHours()] = (hours[new Date(at).getUTCHours()] ?? 0) + 1;
      weekdays[new Date(at).getUTCDay()] = (weekdays[new Date(at).getUTCDay()] ?? 0) + 1;
    }
    expect((hours[4] ?? 0) * 5).toBeLessThan(hours[14] ?? 0);
    expect(weekdays[1] ?? 0).toBeGreaterThan(weekdays[6] ?? 0);
  });

  it('orders the timestamps of every order, and gives late deliveries lower review scores', async () => {
    const orders = await readTable(plain, 'orders');
    const reviews = await readTable(plain, 'orderReviews');
    const late = new Map<string, boolean>();
    const unordered: Row[] = [];
    for (const row of orders) {
      const chain = [
        row.order_purchase_timestamp,
        row.order_approved_at,
        row.order_delivered_carrier_date,
        row.order_delivered_customer_date,
      ]
        .filter((value): value is string => value !== undefined && value !== '')
        .map(ms);
      for (let i = 1; i < chain.length; i++)
        if ((chain[i] as number) < (chain[i - 1] as number)) unordered.push(row);
      if (row.order_status === 'delivered') {
        if (row.order_delivered_customer_date === '') unordered.push(row);
        late.set(
          row.order_id as string,
          (row.order_delivered_customer_date as string) > (row.order_estimated_delivery_date as string),
        );
      }
    }
    expect(unordered).toEqual([]);
    const scores = (wanted: boolean) =>
      reviews
        .filter((row) => late.get(row.order_id as string) === wanted)
        .map((row) => Number(row.review_score));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const all = reviews.map((row) => Number(row.review_score));
    expect(mean(all)).toBeGreaterThan(3.9);
    expect(mean(all)).toBeLessThan(4.3);
    expect(scores(true).length).toBeGreaterThan(100);
    expect(mean(scores(true))).toBeLessThan(mean(scores(false)) - 1);
  });

  it('refers only to existing orders, products and sellers', async () => {
    const orderIds = new Set((await readTable(plain, 'orders')).map((row) => row.order_id));
    const productIds = new Set((await readTable(plain, 'products')).map((row) => row.product_id));
    const sellerIds = new Set((await readTable(plain, 'sellers')).map((row) => row.seller_id));
    const items = await readTable(plain, 'orderItems');
    const dangling = items.filter(
      (item) =>
        !orderIds.has(item.order_id) || !productIds.has(item.product_id) || !sellerIds.has(item.seller_id),
    );
    expect(dangling).toEqual([]);
    const reviews = await readTable(plain, 'orderReviews');
    expect(reviews.filter((row) => !orderIds.has(row.order_id))).toEqual([]);
    const payments = await readTable(plain, 'orderPayments');
    expect(payments.filter((row) => !orderIds.has(row.order_id))).toEqual([]);
    // Nearly every product sells, as in the real data.
    expect(new Set(items.map((item) => item.product_id)).size / productIds.size).toBeGreaterThan(0.85);
  });
});

describe('generateOlistDataset popularity', () => {
  it('makes product popularity Zipf-like: a tenth of the products take a large share of the items', async () => {
    const items = await readTable(plain, 'orderItems');
    const perProduct = new Map<string, number>();
    for (const item of items)
      perProduct.set(item.product_id as string, (perProduct.get(item.product_id as string) ?? 0) + 1);
    const counts = [...perProduct.values()].sort((a, b) => b - a);
    const topTenth = counts.slice(0, Math.ceil(counts.length / 10)).reduce((a, b) => a + b, 0) / items.length;
    expect(topTenth).toBeGreaterThan(0.2);
    expect(counts[0] ?? 0).toBeGreaterThan(10 * (items.length / counts.length));
  });
});

describe('generateOlistDataset defects', () => {
  it('lists exactly the products written without a category', async () => {
    const products = await readTable(withDefects, 'products');
    const empty = products.filter((row) => row.product_category_name === '');
    expect(empty.length).toBeGreaterThan(0);
    expect(new Set(empty.map((row) => row.product_id))).toEqual(
      new Set(withDefects.defects?.productsWithoutCategory),
    );
    for (const row of empty) expect([row.product_name_lenght, row.product_photos_qty]).toEqual(['', '']);
    expect(plain.defects).toBeNull();
  });

  it('lists exactly the orders whose timestamps are out of order', async () => {
    const orders = await readTable(withDefects, 'orders');
    const outOfOrder = orders.filter((row) => {
      const [p, a, c, d] = [
        row.order_purchase_timestamp,
        row.order_approved_at,
        row.order_delivered_carrier_date,
        row.order_delivered_customer_date,
      ];
      return (
        (a !== '' && (a as string) < (p as string)) ||
        (a !== '' && c !== '' && (c as string) < (a as string)) ||
        (c !== '' && d !== '' && (d as string) < (c as string))
      );
    });
    const listed = withDefects.defects?.timestampsOutOfOrder ?? [];
    expect(listed.length / ORDERS).toBeGreaterThan(0.004);
    expect(listed.length / ORDERS).toBeLessThan(0.02);
    expect(new Set(outOfOrder.map((row) => row.order_id))).toEqual(
      new Set(listed.map((entry) => entry.orderId)),
    );
    const undated = orders.filter(
      (row) => row.order_status === 'delivered' && row.order_delivered_customer_date === '',
    );
    expect(undated.map((row) => row.order_id).sort()).toEqual(
      [...(withDefects.defects?.deliveredWithoutDeliveryDate ?? [])].sort(),
    );
  });

  it('shares the listed review ids between orders, and only those', async () => {
    const reviews = await readTable(withDefects, 'orderReviews');
    const orderCount = new Map<string, Set<string>>();
    for (const row of reviews) {
      const orders = orderCount.get(row.review_id as string) ?? new Set<string>();
      orders.add(row.order_id as string);
      orderCount.set(row.review_id as string, orders);
    }
    const shared = [...orderCount].filter(([, orders]) => orders.size > 1).map(([id]) => id);
    expect(shared.length).toBeGreaterThan(10);
    expect(new Set(shared)).toEqual(new Set(withDefects.defects?.sharedReviewIds));
  });

  it('lists exactly the orders whose payments do not add up', async () => {
    const items = await readTable(withDefects, 'orderItems');
    const payments = await readTable(withDefects, 'orderPayments');
    const balance = new Map<string, number>();
    for (const item of items) {
      const cents = (parseCents(item.price as string) ?? 0) + (parseCents(item.freight_value as string) ?? 0);
      balance.set(item.order_id as string, (balance.get(item.order_id as string) ?? 0) - cents);
    }
    for (const row of payments) {
      balance.set(
        row.order_id as string,
        (balance.get(row.order_id as string) ?? 0) + (parseCents(row.payment_value as string) ?? 0),
      );
    }
    const withoutItems = new Set(withDefects.defects?.ordersWithoutItems);
    const off = [...balance].filter(([id, cents]) => cents !== 0 && !withoutItems.has(id));
    expect(off.length).toBeGreaterThan(0);
    expect(new Map(off)).toEqual(
      new Map(withDefects.defects?.paymentMismatches.map((entry) => [entry.orderId, entry.differenceCents])),
    );
  });

  it('writes the listed orders, only unavailable, canceled or created ones, with payments and no items', async () => {
    const listed = new Set(withDefects.defects?.ordersWithoutItems);
    const withItems = new Set((await readTable(withDefects, 'orderItems')).map((row) => row.order_id));
    const paid = new Set((await readTable(withDefects, 'orderPayments')).map((row) => row.order_id));
    const orders = await readTable(withDefects, 'orders');
    const empty = orders.filter((row) => !withItems.has(row.order_id));
    expect(empty.length).toBeGreaterThan(0);
    expect(new Set(empty.map((row) => row.order_id))).toEqual(listed);
    for (const row of empty) {
      expect(['unavailable', 'canceled', 'created']).toContain(row.order_status);
      expect(paid.has(row.order_id)).toBe(true);
    }
    expect(plain.defects).toBeNull();
  });
});

describe('generateOlistDataset malformed rows', () => {
  it('adds the asked number of malformed rows at the lines it reports, keeping every valid row', async () => {
    const result = await generateOlistDataset({
      outDir: join(root, 'malformed'),
      orders: 500,
      seed: 3,
      malformedRows: 30,
    });
    const clean = await generateOlistDataset({ outDir: join(root, 'clean'), orders: 500, seed: 3 });
    expect(result.malformedRows).toHaveLength(30);
    expect(new Set(result.malformedRows.map((row) => row.table)).size).toBeGreaterThan(5);
    for (const table of OLIST_TABLE_KEYS) {
      const injected = result.malformedRows.filter((row) => row.table === table);
      expect(result.files[table].malformedRows, table).toBe(injected.length);
      expect(result.files[table].rows, table).toBe(clean.files[table].rows);
      // Removing the reported lines gives back the clean file, byte for byte.
      const lines = (await readText(result, table)).split('\n');
      const wanted = new Set(injected.map((row) => row.line - 1));
      const kept = lines.filter((_, index) => !wanted.has(index)).join('\n');
      expect(kept, table).toBe(await readText(clean, table));
    }
  });
});
