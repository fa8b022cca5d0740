/**
 * `@orderstream/core`: the record schemas (Olist tables, the order event), the CSV reader, the
 * synthetic data generator, the warehouse seam, batching and the alert detectors. No Kafka and no
 * warehouse engine inside.
 *
 * @packageDocumentation
 */

export type { CoreErrorCode, OrderstreamErrorOptions } from './errors/orderstream-error.js';
export { CORE_ERROR_CODES, isOrderstreamError, OrderstreamError } from './errors/orderstream-error.js';
export type {
  OrderEvent,
  OrderEventInput,
  OrderEventItem,
  OrderEventOrder,
  OrderEventPayment,
  OrderEventType,
  OrderEventWire,
} from './events/order-event.js';
export {
  ORDER_EVENT_SCHEMA_VERSION,
  ORDER_EVENT_TYPES,
  orderEventJsonSchema,
  orderEventSchema,
  serializeOrderEvent,
} from './events/order-event.js';
export type { OrderStatus, PaymentType } from './olist/fields.js';
export {
  formatCents,
  formatNaiveTimestamp,
  ORDER_STATUSES,
  PAYMENT_TYPES,
  parseCents,
  parseNaiveTimestamp,
} from './olist/fields.js';
export type {
  OlistCategoryTranslation,
  OlistCustomer,
  OlistGeolocation,
  OlistOrder,
  OlistOrderItem,
  OlistOrderPayment,
  OlistOrderReview,
  OlistProduct,
  OlistSeller,
  OlistTable,
  OlistTableKey,
} from './olist/olist-tables.js';
export { OLIST_TABLE_KEYS, OLIST_TABLES } from './olist/olist-tables.js';
export { resolveOptions } from './options/resolve-options.js';
export type { RetryOptions } from './retry/with-retry.js';
export { withRetry } from './retry/with-retry.js';
export type { ColumnDefinition, ColumnType, TableDefinition } from './warehouse/column-types.js';
export {
  ALERTS,
  LOAD_MANIFEST,
  RAW_ORDER_EVENTS,
  RAW_REJECTS,
  RAW_TABLES,
  SINK_OFFSETS,
} from './warehouse/raw-schema.js';
export type {
  PartitionOffset,
  QueryParam,
  ReplaceTableOptions,
  TableWrite,
  Warehouse,
  WarehouseRow,
  WarehouseValue,
} from './warehouse/warehouse.js';
