import type { OrderStatus, PaymentType } from '../../schema/fields.js';
import type {
  OlistCatalog,
  OlistCatalogCustomer,
  OlistCatalogProduct,
  OlistCatalogSeller,
} from '../olist-catalog.js';
import {
  FIRST_PURCHASE_DAY,
  HOUR_WEIGHTS,
  INSTALLMENT_WEIGHTS,
  ITEM_COUNT_WEIGHTS,
  LAST_PURCHASE_DAY,
  MONTHLY_ORDERS,
  SPECIAL_DAYS,
  STATUS_WEIGHTS,
  WEEKDAY_WEIGHTS,
} from './reference-data.js';
import { type SeededRandom, WeightedIndex } from './seeded-random.js';
import { STATES } from './states.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** After this instant the Kaggle data holds only canceled orders (the export's cut-off). */
const CANCELED_ONLY_FROM = Date.UTC(2018, 8, 1);

/** One item of a drawn order. */
export interface DrawnItem {
  readonly product: OlistCatalogProduct;
  readonly seller: OlistCatalogSeller;
  readonly priceCents: number;
  readonly freightCents: number;
}

/** One payment of a drawn order. */
export interface DrawnPayment {
  readonly type: PaymentType;
  readonly installments: number;
  valueCents: number;
}

/** An order with everything that hangs off it; times are epoch milliseconds of the naive wall clock. */
export interface DrawnOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly customer: OlistCatalogCustomer;
  status: OrderStatus;
  purchasedAt: number;
  approvedAt: number | null;
  carrierAt: number | null;
  deliveredAt: number | null;
  readonly estimatedAt: number;
  readonly shippingLimitAt: number;
  /** Whether the delivery came after the estimate (decided before any defect is applied). */
  readonly late: boolean;
  /** Emptied for the real data's orders without items (see ../order-defects.ts). */
  items: readonly DrawnItem[];
  readonly payments: DrawnPayment[];
}

const startOfDay = (ms: number): number => ms - (ms % DAY);

const STATE_CENTRES = new Map(
  STATES.map((state) => [state.code, { lat: state.cities[0]?.[3] ?? 0, lng: state.cities[0]?.[4] ?? 0 }]),
);

function distanceKm(fromState: string, toState: string): number {
  const a = STATE_CENTRES.get(fromState);
  const b = STATE_CENTRES.get(toState);
  if (a === undefined || b === undefined) return 0;
  const dLat = (a.lat - b.lat) * 111;
  const dLng = (a.lng - b.lng) * 111 * Math.cos(((a.lat + b.lat) / 2) * (Math.PI / 180));
  return Math.sqrt(dLat * dLat + dLng * dLng);
}

/**
 * Draws purchase instants with the Kaggle shape: monthly volumes, weekday and hour-of-day curves
 * and the Black Friday 2017 spike.
 */
export class PurchaseTimeSampler {
  readonly #days: number[] = [];
  readonly #dayIndex: WeightedIndex;
  readonly #hourIndex = new WeightedIndex(HOUR_WEIGHTS);

  constructor() {
    const special = new Map(SPECIAL_DAYS.map(([day, orders]) => [Date.parse(`${day}T00:00:00Z`), orders]));
    const first = Date.parse(`${FIRST_PURCHASE_DAY}T00:00:00Z`);
    const last = Date.parse(`${LAST_PURCHASE_DAY}T00:00:00Z`);
    const weights: number[] = [];
    for (const [year, month, orders] of MONTHLY_ORDERS) {
      const monthDays: number[] = [];
      for (let day = Date.UTC(year, month - 1, 1); new Date(day).getUTCMonth() === month - 1; day += DAY) {
        if (day >= first && day <= last) monthDays.push(day);
      }
      let budget = orders;
      let weekdayTotal = 0;
      for (const day of monthDays) {
        const fixed = special.get(day);
        if (fixed !== undefined) budget -= fixed;
        else weekdayTotal += WEEKDAY_WEIGHTS[new Date(day).getUTCDay()] as number;
      }
      for (const day of monthDays) {
        const fixed = special.get(day);
        this.#days.push(day);
        weights.push(
          fixed ??
            (weekdayTotal > 0
              ? (budget * (WEEKDAY_WEIGHTS[new Date(day).getUTCDay()] as number)) / weekdayTotal
              : 0),
        );
      }
    }
    this.#dayIndex = new WeightedIndex(weights);
  }

  /** A purchase instant (epoch ms, naive wall clock). */
  sample(random: SeededRandom): number {
    const day = this.#days[this.#dayIndex.sample(random)] as number;
    const hour = this.#hourIndex.sample(random);
    return day + hour * HOUR + random.int(60) * MINUTE + random.int(60) * SECOND;
  }
}

const statusIndex = new WeightedIndex(STATUS_WEIGHTS.map(([, orders]) => orders));
const itemCountIndex = new WeightedIndex(ITEM_COUNT_WEIGHTS);
const installmentIndex = new WeightedIndex(INSTALLMENT_WEIGHTS);

/**
 * Draws orders (items, payments, status and timeline) from a catalog with the Kaggle
 * distributions. Products come from a Zipf-like popularity, except that a share of draws walks
 * through the catalog once, so every product sells at least about once, as in the real data.
 */
export class OrderDrawer {
  readonly #catalog: OlistCatalog;
  readonly #sellers: Map<string, OlistCatalogSeller>;
  readonly #popularity: WeightedIndex;
  readonly #coverageShare: number;
  readonly #historical: boolean;
  #coverageNext = 0;

  /**
   * @param catalog - where products, sellers and people come from
   * @param expectedItems - how many items will be drawn; `0` turns catalog coverage off
   * @param historical - applies the Kaggle export's cut-off (orders after 2018-08 are canceled)
   */
  constructor(catalog: OlistCatalog, expectedItems: number, historical: boolean) {
    this.#catalog = catalog;
    this.#historical = historical;
    this.#sellers = new Map(catalog.sellers.map((seller) => [seller.sellerId, seller]));
    this.#popularity = new WeightedIndex(catalog.products.map((product) => product.popularity));
    this.#coverageShare = expectedItems > 0 ? Math.min(0.9, catalog.products.length / expectedItems) : 0;
  }

  #pickProduct(random: SeededRandom): OlistCatalogProduct {
    const products = this.#catalog.products;
    if (this.#coverageNext < products.length && random.chance(this.#coverageShare)) {
      return products[this.#coverageNext++] as OlistCatalogProduct;
    }
    return products[this.#popularity.sample(random)] as OlistCatalogProduct;
  }

  /**
   * Draws one order.
   *
   * @param random - the order stream
   * @param orderId - its id
   * @param customer - who buys
   * @param purchasedAt - when (epoch ms, naive wall clock)
   */
  draw(
    random: SeededRandom,
    orderId: string,
    customer: OlistCatalogCustomer,
    purchasedAt: number,
  ): DrawnOrder {
    const customerId = random.hexId();
    let status = STATUS_WEIGHTS[statusIndex.sample(random)]?.[0] as OrderStatus;
    if (this.#historical && purchasedAt >= CANCELED_ONLY_FROM) status = 'canceled';

    const items = this.#drawItems(random, customer);
    let total = 0;
    for (const item of items) total += item.priceCents + item.freightCents;
    const payments = drawPayments(random, total);

    // Timeline: approval depends on the payment (boleto takes a day or two), then carrier, then
    // delivery either before the estimate or late.
    const mainType = payments[0]?.type ?? 'credit_card';
    const approvalDelay =
      mainType === 'boleto'
        ? random.lognormal(30 * HOUR, 0.6)
        : Math.max(30 * SECOND, random.lognormal(15 * MINUTE, 1.3));
    const approvedAt = Math.round((purchasedAt + approvalDelay) / SECOND) * SECOND;
    const carrierAt =
      Math.round((approvedAt + Math.max(HOUR, random.lognormal(2 * DAY, 0.8))) / SECOND) * SECOND;
    const estimateDays = Math.min(155, Math.max(3, Math.round(random.lognormal(22, 0.35))));
    const estimatedAt = startOfDay(purchasedAt) + estimateDays * DAY;
    const seller = items[0]?.seller;
    const sameState = seller !== undefined && seller.state === customer.state;
    const lateDraw = random.float();
    const spreadDraw = random.float();
    const lateness = random.lognormal(4 * DAY, 1);
    let deliveredAt: number;
    if (lateDraw < (sameState ? 0.05 : 0.1) || carrierAt >= estimatedAt) {
      deliveredAt = Math.max(estimatedAt, carrierAt) + lateness;
    } else {
      deliveredAt = carrierAt + (estimatedAt - carrierAt) * (0.1 + 0.8 * spreadDraw ** 1.6);
    }
    deliveredAt = Math.round(deliveredAt / SECOND) * SECOND;
    const shippingLimitAt = approvedAt + 6 * DAY + random.int(48) * HOUR + random.int(3600) * SECOND;
    const canceledStage = random.float();

    const order: DrawnOrder = {
      orderId,
      customerId,
      customer,
      status,
      purchasedAt,
      approvedAt,
      carrierAt,
      deliveredAt,
      estimatedAt,
      shippingLimitAt,
      late: deliveredAt > estimatedAt,
      items,
      payments,
    };
    switch (status) {
      case 'delivered':
        break;
      case 'shipped':
        order.deliveredAt = null;
        break;
      case 'canceled':
        order.deliveredAt = null;
        if (canceledStage > 0.12) order.carrierAt = null;
        if (canceledStage > 0.8) order.approvedAt = null;
        break;
      case 'created':
        order.approvedAt = null;
        order.carrierAt = null;
        order.deliveredAt = null;
        break;
      default:
        order.carrierAt = null;
        order.deliveredAt = null;
    }
    return order;
  }

  #drawItems(random: SeededRandom, customer: OlistCatalogCustomer): DrawnItem[] {
    const count = itemCountIndex.sample(random);
    const items: DrawnItem[] = [];
    let product = this.#pickProduct(random);
    for (let i = 0; i < count; i++) {
      // Olist lists each unit of a product as its own item; a second item is often the same product.
      if (i > 0 && !random.chance(0.6)) product = this.#pickProduct(random);
      const sellerId =
        product.sellerIds.length > 1 && random.chance(0.3) ? product.sellerIds[1] : product.sellerIds[0];
      const seller = this.#sellers.get(sellerId as string) as OlistCatalogSeller;
      items.push({
        product,
        seller,
        priceCents: product.priceCents,
        freightCents: freightCents(random, product, seller, customer),
      });
    }
    return items;
  }
}

function freightCents(
  random: SeededRandom,
  product: OlistCatalogProduct,
  seller: OlistCatalogSeller,
  customer: OlistCatalogCustomer,
): number {
  const kilograms = (product.weightG ?? 700) / 1000;
  const distance =
    seller.state === customer.state ? 0.85 : 1 + 0.25 * (distanceKm(seller.state, customer.state) / 1000);
  const median = (13 + 2 * kilograms ** 0.8) * distance;
  const noise = random.lognormal(1, 0.45);
  if (random.chance(0.003)) return 0;
  return Math.max(1, Math.round(median * noise * 100));
}

/** Splits `total` cents into `parts` positive amounts (or fewer, when total is tiny). */
function split(random: SeededRandom, total: number, parts: number): number[] {
  const count = Math.max(1, Math.min(parts, total));
  if (count === 1) return [total];
  const cuts = new Set<number>();
  while (cuts.size < count - 1) cuts.add(1 + random.int(total - 1));
  const sorted = [...cuts].sort((a, b) => a - b);
  const values: number[] = [];
  let previous = 0;
  for (const cut of sorted) {
    values.push(cut - previous);
    previous = cut;
  }
  values.push(total - previous);
  return values;
}

/**
 * Payments summing exactly to `total`: credit card (~76% of orders, 1-24 installments), boleto
 * (~20%), debit card (~1.5%), voucher only (~2%, often several), and vouchers as extra sequential
 * payments after a credit card.
 */
function drawPayments(random: SeededRandom, total: number): DrawnPayment[] {
  const u = random.float();
  const extraDraw = random.float();
  const countDraw = random.float();
  const installments = installmentIndex.sample(random);
  const voucherShare = 0.05 + 0.5 * random.float();
  if (u < 0.765) {
    const maxInstallments = Math.max(1, Math.floor(total / 500));
    const card = {
      type: 'credit_card' as const,
      installments: Math.min(installments, maxInstallments),
      valueCents: total,
    };
    if (extraDraw >= 0.028 || total < 4) return [card];
    const vouchers = split(
      random,
      Math.max(1, Math.round(total * voucherShare)),
      countDraw < 0.75 ? 1 : countDraw < 0.95 ? 2 : 3,
    );
    let voucherTotal = 0;
    for (const value of vouchers) voucherTotal += value;
    card.valueCents = total - voucherTotal;
    return [
      card,
      ...vouchers.map((valueCents) => ({ type: 'voucher' as const, installments: 1, valueCents })),
    ];
  }
  if (u < 0.963) return [{ type: 'boleto', installments: 1, valueCents: total }];
  if (u < 0.978) return [{ type: 'debit_card', installments: 1, valueCents: total }];
  const parts = countDraw < 0.6 ? 1 : countDraw < 0.8 ? 2 : countDraw < 0.9 ? 3 : 4 + random.int(3);
  return split(random, total, parts).map((valueCents) => ({
    type: 'voucher' as const,
    installments: 1,
    valueCents,
  }));
}
