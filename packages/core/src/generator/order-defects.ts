import type { OrderStatus } from '../schema/fields.js';
import type { DrawnOrder } from './internal/order-drawer.js';
import type { SeededRandom } from './internal/seeded-random.js';

// The real data's quirks per order, at the full Kaggle set's rates where it is known (99,441
// orders), else at the rate measured on real rows (../shared/olist-real-sample, 1,550 orders).
const DELIVERED_WITHOUT_DATE_RATE = 8 / 96_478;
const CARRIER_BEFORE_APPROVAL_RATE = 0.009;
const APPROVED_BEFORE_PURCHASE_RATE = 0.0005;
const DELIVERED_BEFORE_CARRIER_RATE = 0.0005;
/**
 * Orders without items, by status (Kaggle: 603 of 609 unavailable, 164 of 625 canceled, 5 of 5
 * created orders have payments but no items: 0.78 % of all orders). Their payments stay.
 */
const NO_ITEMS_RATE: Partial<Record<OrderStatus, number>> = {
  unavailable: 603 / 609,
  canceled: 164 / 625,
  created: 1,
};
/** Payments a cent or two off items + freight (installment rounding; 6 of 1,535 real orders). */
const PAYMENT_ROUNDING_RATE = 0.004;
/** Card payments above items + freight by installment interest, 5–15 % (4 of 1,535 real orders). */
const PAYMENT_INTEREST_RATE = 0.0026;
/** Payments that do not add up at all (±0.01..20.00; too rare to measure on 1,535 real orders). */
const PAYMENT_MISMATCH_RATE = 0.0005;

/** A timestamp defect: which pair of an order's timestamps is out of order. */
export type TimestampDefectKind =
  | 'approved_before_purchase'
  | 'carrier_before_approval'
  | 'delivered_before_carrier';

/** How an order's payments differ from its items + freight. */
export type PaymentDifferenceKind = 'rounding' | 'installment_interest' | 'mismatch';

/** The real data's quirks injected by `generateOlistDataset` with `defects: true`. */
export interface OlistDefectsTruth {
  /** Products written with an empty category, name length, description length and photo count. */
  productsWithoutCategory: string[];
  /** Products written with empty weight and dimensions. */
  productsWithoutDimensions: string[];
  /** Orders with status `delivered` but an empty `order_delivered_customer_date`. */
  deliveredWithoutDeliveryDate: string[];
  /** Review ids that appear on two or more orders. */
  sharedReviewIds: string[];
  /** Orders whose timestamps are out of order, and how. */
  timestampsOutOfOrder: { orderId: string; kind: TimestampDefectKind }[];
  /**
   * Orders with items whose payments differ from items plus freight, by how much (payments −
   * items) and why.
   */
  paymentMismatches: { orderId: string; differenceCents: number; kind: PaymentDifferenceKind }[];
  /** Orders (unavailable, canceled, created) written with their payments but no items. */
  ordersWithoutItems: string[];
}

/** An empty {@link OlistDefectsTruth}. */
export const emptyDefectsTruth = (): OlistDefectsTruth => ({
  productsWithoutCategory: [],
  productsWithoutDimensions: [],
  deliveredWithoutDeliveryDate: [],
  sharedReviewIds: [],
  timestampsOutOfOrder: [],
  paymentMismatches: [],
  ordersWithoutItems: [],
});

/**
 * Applies the order-level quirks. The decisions are drawn whether or not defects are on, from
 * their own stream, so the rest of the data is the same either way.
 *
 * @param order - the drawn order, changed in place
 * @param random - the order defects' random stream
 * @param truth - where to list what was applied; `null` applies nothing
 */
export function applyOrderDefects(
  order: DrawnOrder,
  random: SeededRandom,
  truth: OlistDefectsTruth | null,
): void {
  const noDeliveryDate = random.float();
  const timestampDraw = random.float();
  const shift = random.float();
  const paymentDraw = random.float();
  const mismatchCents = random.intBetween(1, 2000) * (random.chance(0.5) ? 1 : -1);
  const noItems = random.float();
  if (truth === null) return;
  if (noItems < (NO_ITEMS_RATE[order.status] ?? 0)) {
    order.items = [];
    truth.ordersWithoutItems.push(order.orderId);
  }
  applyTimestampDefect(order, noDeliveryDate, timestampDraw, shift, truth);
  const main = order.payments[0];
  if (main === undefined || order.items.length === 0) return;
  let kind: PaymentDifferenceKind | null = null;
  let difference = 0;
  if (paymentDraw < PAYMENT_ROUNDING_RATE) {
    kind = 'rounding';
    difference = Math.sign(mismatchCents) * (1 + (Math.abs(mismatchCents) % 2));
  } else if (paymentDraw < PAYMENT_ROUNDING_RATE + PAYMENT_INTEREST_RATE && main.type === 'credit_card') {
    kind = 'installment_interest';
    difference = Math.max(1, Math.round(main.valueCents * (0.05 + shift * 0.1)));
  } else if (paymentDraw < PAYMENT_ROUNDING_RATE + PAYMENT_INTEREST_RATE + PAYMENT_MISMATCH_RATE) {
    kind = 'mismatch';
    difference = mismatchCents;
  }
  if (kind === null) return;
  const value = Math.max(0, main.valueCents + difference);
  truth.paymentMismatches.push({ orderId: order.orderId, differenceCents: value - main.valueCents, kind });
  main.valueCents = value;
}

function applyTimestampDefect(
  order: DrawnOrder,
  noDeliveryDate: number,
  timestampDraw: number,
  shift: number,
  truth: OlistDefectsTruth,
): void {
  const { approvedAt, carrierAt, deliveredAt, purchasedAt } = order;
  if (order.status === 'delivered' && noDeliveryDate < DELIVERED_WITHOUT_DATE_RATE) {
    order.deliveredAt = null;
    truth.deliveredWithoutDeliveryDate.push(order.orderId);
  } else if (
    timestampDraw < CARRIER_BEFORE_APPROVAL_RATE &&
    approvedAt !== null &&
    carrierAt !== null &&
    approvedAt - purchasedAt >= 2000
  ) {
    order.carrierAt =
      purchasedAt + 1000 * Math.floor(((approvedAt - purchasedAt) / 1000) * Math.min(shift, 0.99));
    truth.timestampsOutOfOrder.push({ orderId: order.orderId, kind: 'carrier_before_approval' });
  } else if (
    timestampDraw < CARRIER_BEFORE_APPROVAL_RATE + DELIVERED_BEFORE_CARRIER_RATE &&
    carrierAt !== null &&
    deliveredAt !== null &&
    carrierAt - purchasedAt >= 2000
  ) {
    order.deliveredAt =
      purchasedAt + 1000 * Math.floor(((carrierAt - purchasedAt) / 1000) * Math.min(shift, 0.99));
    truth.timestampsOutOfOrder.push({ orderId: order.orderId, kind: 'delivered_before_carrier' });
  } else if (
    timestampDraw <
      CARRIER_BEFORE_APPROVAL_RATE + DELIVERED_BEFORE_CARRIER_RATE + APPROVED_BEFORE_PURCHASE_RATE &&
    approvedAt !== null
  ) {
    order.approvedAt = purchasedAt - 1000 * (60 + Math.floor(shift * 7200));
    truth.timestampsOutOfOrder.push({ orderId: order.orderId, kind: 'approved_before_purchase' });
  }
}
