import { z } from 'zod';
import type { ColumnDefinition, ColumnType } from './column-types.js';
import {
  float,
  integer,
  money,
  naiveTimestamp,
  olistId,
  orderStatus,
  paymentType,
  stateCode,
  text,
  zipPrefix,
} from './fields.js';

interface FieldSpec<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly type: ColumnType;
  readonly nullable: boolean;
}

const field = <S extends z.ZodType>(schema: S, type: ColumnType): FieldSpec<S> => ({
  schema,
  type,
  nullable: false,
});
const nullable = <S extends z.ZodType>(spec: FieldSpec<S>): FieldSpec<z.ZodNullable<S>> => ({
  ...spec,
  schema: spec.schema.nullable(),
  nullable: true,
});

const id = () => field(olistId, 'text');
const zip = () => field(zipPrefix, 'text');
const state = () => field(stateCode, 'text');
const str = () => field(text, 'text');
const int = () => field(integer, 'integer');
const dbl = () => field(float, 'double');
const cents = () => field(money, 'money');
const ts = () => field(naiveTimestamp, 'timestamp');

function defineTable<const F extends Record<string, FieldSpec>>(
  name: string,
  file: string,
  key: string[],
  fields: F,
) {
  const shape = Object.fromEntries(Object.entries(fields).map(([column, spec]) => [column, spec.schema])) as {
    [K in keyof F]: F[K]['schema'];
  };
  const columns: ColumnDefinition[] = Object.entries(fields).map(([column, spec]) => ({
    name: column,
    type: spec.type,
    nullable: spec.nullable,
  }));
  return {
    name,
    file,
    key,
    header: Object.keys(fields),
    columns,
    schema: z.object(shape).strict(),
  };
}

const customers = defineTable('olist_customers', 'olist_customers_dataset.csv', ['customer_id'], {
  customer_id: id(),
  customer_unique_id: id(),
  customer_zip_code_prefix: zip(),
  customer_city: str(),
  customer_state: state(),
});

const geolocation = defineTable('olist_geolocation', 'olist_geolocation_dataset.csv', [], {
  geolocation_zip_code_prefix: zip(),
  geolocation_lat: dbl(),
  geolocation_lng: dbl(),
  geolocation_city: str(),
  geolocation_state: state(),
});

const orderItems = defineTable(
  'olist_order_items',
  'olist_order_items_dataset.csv',
  ['order_id', 'order_item_id'],
  {
    order_id: id(),
    order_item_id: int(),
    product_id: id(),
    seller_id: id(),
    shipping_limit_date: ts(),
    price: cents(),
    freight_value: cents(),
  },
);

const orderPayments = defineTable(
  'olist_order_payments',
  'olist_order_payments_dataset.csv',
  ['order_id', 'payment_sequential'],
  {
    order_id: id(),
    payment_sequential: int(),
    payment_type: field(paymentType, 'text'),
    payment_installments: int(),
    payment_value: cents(),
  },
);

// Review ids repeat in the real data (one review covering several orders), so the natural key is
// the pair.
const orderReviews = defineTable(
  'olist_order_reviews',
  'olist_order_reviews_dataset.csv',
  ['review_id', 'order_id'],
  {
    review_id: id(),
    order_id: id(),
    review_score: int(),
    review_comment_title: nullable(str()),
    review_comment_message: nullable(str()),
    review_creation_date: ts(),
    review_answer_timestamp: ts(),
  },
);

const orders = defineTable('olist_orders', 'olist_orders_dataset.csv', ['order_id'], {
  order_id: id(),
  customer_id: id(),
  order_status: field(orderStatus, 'text'),
  order_purchase_timestamp: ts(),
  order_approved_at: nullable(ts()),
  order_delivered_carrier_date: nullable(ts()),
  order_delivered_customer_date: nullable(ts()),
  order_estimated_delivery_date: ts(),
});

const products = defineTable('olist_products', 'olist_products_dataset.csv', ['product_id'], {
  product_id: id(),
  product_category_name: nullable(str()),
  product_name_lenght: nullable(int()),
  product_description_lenght: nullable(int()),
  product_photos_qty: nullable(int()),
  product_weight_g: nullable(int()),
  product_length_cm: nullable(int()),
  product_height_cm: nullable(int()),
  product_width_cm: nullable(int()),
});

const sellers = defineTable('olist_sellers', 'olist_sellers_dataset.csv', ['seller_id'], {
  seller_id: id(),
  seller_zip_code_prefix: zip(),
  seller_city: str(),
  seller_state: state(),
});

const categoryTranslation = defineTable(
  'product_category_name_translation',
  'product_category_name_translation.csv',
  ['product_category_name'],
  {
    product_category_name: str(),
    product_category_name_english: str(),
  },
);

/**
 * The nine tables of the Kaggle data set "Brazilian E-Commerce Public Dataset by Olist": for each,
 * its file name, header (exactly as in the CSV, typos included), RAW table name, natural key and
 * the zod schema of one parsed row.
 *
 * Parsed types: ids and zip prefixes stay text; money becomes integer **cents**; timestamps become
 * `Date`s keeping Olist's zone-less wall clock as UTC; empty fields are `null` where the real data
 * has gaps.
 *
 * @example
 * ```ts
 * const row = OLIST_TABLES.orders.schema.parse(record);
 * row.order_purchase_timestamp; // Date
 * ```
 */
export const OLIST_TABLES = {
  customers,
  geolocation,
  orderItems,
  orderPayments,
  orderReviews,
  orders,
  products,
  sellers,
  categoryTranslation,
} as const;

/** The key of one Olist table in {@link OLIST_TABLES}. */
export type OlistTableKey = keyof typeof OLIST_TABLES;

/** The definition of one Olist table. */
export type OlistTable = (typeof OLIST_TABLES)[OlistTableKey];

/** The keys of the nine Olist tables, in load order (dimensions before facts). */
export const OLIST_TABLE_KEYS: readonly OlistTableKey[] = [
  'categoryTranslation',
  'geolocation',
  'customers',
  'sellers',
  'products',
  'orders',
  'orderItems',
  'orderPayments',
  'orderReviews',
];

/** A parsed row of `olist_customers_dataset.csv`. */
export type OlistCustomer = z.output<typeof customers.schema>;
/** A parsed row of `olist_geolocation_dataset.csv`. */
export type OlistGeolocation = z.output<typeof geolocation.schema>;
/** A parsed row of `olist_order_items_dataset.csv` (`price`, `freight_value` in cents). */
export type OlistOrderItem = z.output<typeof orderItems.schema>;
/** A parsed row of `olist_order_payments_dataset.csv` (`payment_value` in cents). */
export type OlistOrderPayment = z.output<typeof orderPayments.schema>;
/** A parsed row of `olist_order_reviews_dataset.csv`. */
export type OlistOrderReview = z.output<typeof orderReviews.schema>;
/** A parsed row of `olist_orders_dataset.csv`. */
export type OlistOrder = z.output<typeof orders.schema>;
/** A parsed row of `olist_products_dataset.csv`. */
export type OlistProduct = z.output<typeof products.schema>;
/** A parsed row of `olist_sellers_dataset.csv`. */
export type OlistSeller = z.output<typeof sellers.schema>;
/** A parsed row of `product_category_name_translation.csv`. */
export type OlistCategoryTranslation = z.output<typeof categoryTranslation.schema>;
