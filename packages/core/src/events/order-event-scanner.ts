import { isUtf8 } from 'node:buffer';
import { ORDER_STATUSES, PAYMENT_TYPES } from '../schema/fields.js';
import { ORDER_EVENT_SCHEMA_VERSION, ORDER_EVENT_TYPES } from '../schema/order-event.js';
import { type ObjectKeys, ORDER_EVENT_KEYS } from '../schema/order-event-keys.js';
import { ORDER_EVENT_LIMITS } from '../schema/storage-limits.js';
import {
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COLON,
  COMMA,
  JsonByteReader,
  OPEN_ARRAY,
  OPEN_OBJECT,
  utf8Names,
} from './internal/json-byte-reader.js';

/**
 * The text fields an {@link OrderEventScanner} reports, as byte ranges of the scanned value: the
 * text columns of `raw_order_events` that come from the event (`customer_id` is the order's,
 * `customer_unique_id` and `customer_state` the customer's).
 */
export const SCANNED_TEXT_FIELDS = [
  'event_id',
  'event_type',
  'source',
  'order_id',
  'customer_id',
  'customer_unique_id',
  'customer_state',
  'order_status',
] as const;

/** One of {@link SCANNED_TEXT_FIELDS}. */
export type ScannedTextField = (typeof SCANNED_TEXT_FIELDS)[number];

const T_EVENT_ID = 0;
const T_EVENT_TYPE = 1;
const T_SOURCE = 2;
const T_ORDER_ID = 3;
const T_CUSTOMER_ID = 4;
const T_UNIQUE_ID = 5;
const T_STATE = 6;
const T_STATUS = 7;

// The kinds of objects, and their keys by kind (as the schema orders them: the order producers write
// them in, which the key reader tries first).
const EVENT = 0;
const ORDER = 1;
const CUSTOMER = 2;
const ITEM = 3;
const PAYMENT = 4;
const OBJECT_KEYS = [
  ORDER_EVENT_KEYS.event,
  ORDER_EVENT_KEYS.order,
  ORDER_EVENT_KEYS.customer,
  ORDER_EVENT_KEYS.item,
  ORDER_EVENT_KEYS.payment,
] as const;
const KEYS = OBJECT_KEYS.map(({ all }) => utf8Names(all));
/** The required keys of each kind, as a bit set over its keys' positions. */
const REQUIRED = OBJECT_KEYS.map(({ all, required }: ObjectKeys) =>
  required.reduce((bits, key) => bits | (1 << all.indexOf(key)), 0),
);

/** Each key's position in its object's key list, by name. */
const positions = <K extends string>({ all }: ObjectKeys<K>) =>
  Object.fromEntries(all.map((key, index) => [key, index])) as Record<K, number>;
const {
  event_id: EVENT_ID,
  event_type: EVENT_TYPE_KEY,
  event_time: EVENT_TIME,
  schema_version: SCHEMA_VERSION,
  source: SOURCE,
  order: ORDER_KEY,
} = positions(ORDER_EVENT_KEYS.event);
const {
  order_id: ORDER_ID,
  customer_id: ORDER_CUSTOMER_ID,
  order_status: ORDER_STATUS,
  order_purchase_timestamp: PURCHASED_AT,
  order_approved_at: APPROVED_AT,
  order_delivered_carrier_date: CARRIER_DATE,
  order_delivered_customer_date: DELIVERED_DATE,
  order_estimated_delivery_date: ESTIMATED_DATE,
  customer: CUSTOMER_KEY,
  items: ITEMS,
  payments: PAYMENTS,
} = positions(ORDER_EVENT_KEYS.order);
const {
  customer_id: CUSTOMER_ID,
  customer_unique_id: CUSTOMER_UNIQUE_ID,
  customer_zip_code_prefix: CUSTOMER_ZIP,
  customer_city: CUSTOMER_CITY,
  customer_state: CUSTOMER_STATE,
} = positions(ORDER_EVENT_KEYS.customer);
const {
  order_item_id: ORDER_ITEM_ID,
  product_id: PRODUCT_ID,
  seller_id: SELLER_ID,
  shipping_limit_date: SHIPPING_LIMIT,
  price: PRICE,
  freight_value: FREIGHT,
  product_category_name: CATEGORY,
  seller_state: SELLER_STATE,
} = positions(ORDER_EVENT_KEYS.item);
const {
  payment_sequential: PAYMENT_SEQUENTIAL,
  payment_type: PAYMENT_TYPE,
  payment_installments: INSTALLMENTS,
  payment_value: PAYMENT_VALUE,
} = positions(ORDER_EVENT_KEYS.payment);
const EVENT_TYPES = utf8Names(ORDER_EVENT_TYPES);
const STATUSES = utf8Names(ORDER_STATUSES);
const PAYMENT_TYPE_NAMES = utf8Names(PAYMENT_TYPES);

/**
 * Scans the UTF-8 bytes of an order event's JSON, as it arrives from Kafka, and validates it
 * against `orderEventSchema` without building a string or an object: the sink's fast path, at
 * the speed of the loader's byte codecs. What it reads is what `raw_order_events` stores: the
 * text fields as byte ranges of the input ({@link SCANNED_TEXT_FIELDS}), the times as epoch
 * milliseconds and the money sums in cents.
 *
 * Like `parseOrderEvent`'s fast path it only ever *accepts* what the schema accepts (read the way
 * `JSON.parse` reads it): an event in the shape producers write (any key order and JSON
 * whitespace, no escapes, money as strings or plain decimals, instants as
 * `YYYY-MM-DDTHH:MM:SS.sssZ`). Anything else — invalid, or merely unusual — is declined (`scan`
 * returns `false`) and the caller decodes the value the slow way, where zod decides and words the
 * reason. `order-event-scanner.test.ts` checks the agreement on generated and mutated events.
 *
 * One scanner serves every value; its fields hold the last scan that returned `true`.
 *
 * @example
 * ```ts
 * const scanner = new OrderEventScanner();
 * if (scanner.scan(message.value)) console.log(scanner.itemsCents, scanner.eventTimeMs);
 * else console.log(parseOrderEvent(JSON.parse(message.value.toString())));
 * ```
 */
export class OrderEventScanner {
  /** Start of each {@link SCANNED_TEXT_FIELDS} value's bytes (inside the quotes). */
  readonly starts = new Int32Array(SCANNED_TEXT_FIELDS.length);
  /** End (exclusive) of each {@link SCANNED_TEXT_FIELDS} value's bytes. */
  readonly ends = new Int32Array(SCANNED_TEXT_FIELDS.length);
  /** `event_time`, epoch ms. */
  eventTimeMs = 0;
  /** `order.order_purchase_timestamp`, the wall clock read as UTC, epoch ms. */
  purchasedAtMs = 0;
  /** The number of items. */
  itemsCount = 0;
  /** The item prices' sum, cents. */
  itemsCents = 0;
  /** The item freight values' sum, cents. */
  freightCents = 0;
  /** The payment values' sum, cents. */
  paymentCents = 0;

  readonly #r = new JsonByteReader();
  /** The money of the item or payment being read (a payment's value goes in `#price`), cents. */
  #price = -1;
  #freight = -1;

  /**
   * Scans one value.
   *
   * @param bytes - the record value
   * @param start - where the JSON starts in `bytes`
   * @param end - where it ends (exclusive)
   * @returns `true` when the value is an order event the schema accepts (the fields hold it);
   *   `false` when declined: decode it the slow way to learn whether, and why, it is invalid
   */
  scan(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
    const r = this.#r;
    r.reset(bytes, start, end);
    let ok = this.#object(EVENT) === REQUIRED[EVENT] && r.skip() === end;
    // Strings with bytes beyond ASCII: the value must be UTF-8 (the slow path decodes it
    // strictly); well-formed UTF-8 holds no lone surrogate, so its text is well-formed too.
    if (ok && r.high) ok = isUtf8(bytes.subarray(start, end));
    r.reset(EMPTY, 0, 0);
    return ok;
  }

  /**
   * Reads an object of `kind`: every key known and there once. Returns the bit set of the keys
   * seen, or -1 to decline.
   */
  #object(kind: number): number {
    const r = this.#r;
    if (!r.take(OPEN_OBJECT)) return -1;
    const names = KEYS[kind] as readonly Uint8Array[];
    let seen = 0;
    if (r.take(CLOSE_OBJECT)) return seen;
    let key = -1;
    do {
      key = r.key(names, key + 1);
      if (key < 0 || (seen & (1 << key)) !== 0 || !r.take(COLON) || !this.#member(kind, key)) return -1;
      seen |= 1 << key;
    } while (r.take(COMMA));
    return r.take(CLOSE_OBJECT) ? seen : -1;
  }

  /** Reads an array of objects of `kind`; returns the count, or -1 to decline. */
  #array(kind: number): number {
    const r = this.#r;
    if (!r.take(OPEN_ARRAY)) return -1;
    let count = 0;
    if (r.take(CLOSE_ARRAY)) return count;
    do {
      if (!this.#element(kind)) return -1;
      count++;
    } while (r.take(COMMA));
    return r.take(CLOSE_ARRAY) ? count : -1;
  }

  /** Reads the value of key `key` of an object of `kind`. */
  #member(kind: number, key: number): boolean {
    switch (kind) {
      case EVENT:
        return this.#eventField(key);
      case ORDER:
        return this.#orderField(key);
      case CUSTOMER:
        return this.#customerField(key);
      case ITEM:
        return this.#itemField(key);
      default:
        return this.#paymentField(key);
    }
  }

  /** Keeps the last string's bytes as text field `field`. */
  #keep(field: number): true {
    this.starts[field] = this.#r.from;
    this.ends[field] = this.#r.to;
    return true;
  }

  #eventField(key: number): boolean {
    const r = this.#r;
    switch (key) {
      case EVENT_ID:
        return r.uuid() && this.#keep(T_EVENT_ID);
      case EVENT_TYPE_KEY:
        return r.oneOf(EVENT_TYPES) && this.#keep(T_EVENT_TYPE);
      case EVENT_TIME:
        this.eventTimeMs = r.instant();
        return this.eventTimeMs >= 0;
      case SCHEMA_VERSION:
        return r.integer() === ORDER_EVENT_SCHEMA_VERSION;
      case SOURCE:
        return this.#source();
      case ORDER_KEY:
        return this.#object(ORDER) === REQUIRED[ORDER];
      default:
        return false;
    }
  }

  /** 1 to 200 characters, ASCII only (other text has another length in UTF-16: declined). */
  #source(): boolean {
    const r = this.#r;
    const high = r.high;
    r.high = false;
    const ok = r.string() && !r.high && r.to > r.from && r.to - r.from <= 200;
    r.high = high;
    return ok && this.#keep(T_SOURCE);
  }

  #orderField(key: number): boolean {
    const r = this.#r;
    switch (key) {
      case ORDER_ID:
        return r.id() && this.#keep(T_ORDER_ID);
      case ORDER_CUSTOMER_ID:
        return r.id() && this.#keep(T_CUSTOMER_ID);
      case ORDER_STATUS:
        return r.oneOf(STATUSES) && this.#keep(T_STATUS);
      case PURCHASED_AT:
        this.purchasedAtMs = r.timestamp();
        return this.purchasedAtMs >= 0;
      case APPROVED_AT:
      case CARRIER_DATE:
      case DELIVERED_DATE:
        return r.nullableTimestamp();
      case ESTIMATED_DATE:
        return r.timestamp() >= 0;
      case CUSTOMER_KEY:
        return this.#object(CUSTOMER) === REQUIRED[CUSTOMER];
      case ITEMS:
        this.itemsCents = 0;
        this.freightCents = 0;
        this.itemsCount = this.#array(ITEM);
        return this.itemsCount >= 1;
      case PAYMENTS:
        this.paymentCents = 0;
        return this.#array(PAYMENT) >= 0;
      default:
        return false;
    }
  }

  #customerField(key: number): boolean {
    const r = this.#r;
    switch (key) {
      case CUSTOMER_ID:
        return r.id();
      case CUSTOMER_UNIQUE_ID:
        return r.id() && this.#keep(T_UNIQUE_ID);
      case CUSTOMER_ZIP:
        return r.zip();
      case CUSTOMER_CITY:
        return r.text();
      case CUSTOMER_STATE:
        return r.state() && this.#keep(T_STATE);
      default:
        return false;
    }
  }

  /** Reads one item or payment and adds its money to the sums. */
  #element(kind: number): boolean {
    this.#price = -1;
    this.#freight = -1;
    const seen = this.#object(kind);
    const required = REQUIRED[kind] as number;
    if (seen < 0 || (seen & required) !== required) return false;
    if (kind === ITEM) {
      this.itemsCents = add(this.itemsCents, this.#price);
      this.freightCents = add(this.freightCents, this.#freight);
      return this.itemsCents >= 0 && this.freightCents >= 0;
    }
    this.paymentCents = add(this.paymentCents, this.#price);
    return this.paymentCents >= 0;
  }

  #itemField(key: number): boolean {
    const r = this.#r;
    switch (key) {
      case ORDER_ITEM_ID:
        return count(r.integer(), 1);
      case PRODUCT_ID:
      case SELLER_ID:
        return r.id();
      case SHIPPING_LIMIT:
        return r.timestamp() >= 0;
      case PRICE:
        this.#price = r.money();
        return this.#price >= 0;
      case FREIGHT:
        this.#freight = r.money();
        return this.#freight >= 0;
      case CATEGORY:
        return r.null() || r.text();
      case SELLER_STATE:
        return r.state();
      default:
        return false;
    }
  }

  #paymentField(key: number): boolean {
    const r = this.#r;
    switch (key) {
      case PAYMENT_SEQUENTIAL:
        return count(r.integer(), 1);
      case PAYMENT_TYPE:
        return r.oneOf(PAYMENT_TYPE_NAMES);
      case INSTALLMENTS:
        return count(r.integer(), 0);
      case PAYMENT_VALUE:
        this.#price = r.money();
        return this.#price >= 0;
      default:
        return false;
    }
  }
}

const EMPTY = new Uint8Array(0);

/** Whether a read integer is a count the schema takes (at least `min`, at most `maxCount`). */
function count(value: number, min: number): boolean {
  return value >= min && value <= ORDER_EVENT_LIMITS.maxCount;
}

/** `total + amount` in cents, or -1 when either is -1 or the sum passes what a money column holds exactly. */
function add(total: number, amount: number): number {
  return total < 0 || amount < 0 || amount > ORDER_EVENT_LIMITS.maxMoneyCents - total ? -1 : total + amount;
}
