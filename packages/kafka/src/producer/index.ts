export { encodeOrderEvent } from './encode-order-event.js';
export { ORDER_EVENT_CONTENT_TYPE, ORDER_EVENT_HEADERS } from './headers.js';
export type { OrderProducerOptions, ResolvedOrderProducerOptions } from './options.js';
export { ORDER_PRODUCER_DEFAULTS, orderProducerOptionsSchema } from './options.js';
export type {
  OrderProducerEvents,
  OrderProducerStats,
  ProducerConnectOptions,
  SendResult,
  SendStreamOptions,
} from './order-producer.js';
export { createOrderProducer, OrderProducer } from './order-producer.js';
