export type {
  DeadLetterInfo,
  FlushedPartition,
  FlushInfo,
  LagInfo,
  OrderSinkEvents,
  OrderSinkMetrics,
  PartitionLag,
  SinkErrorContext,
  TopicResetInfo,
} from './events.js';
export type { OrderSinkOptions, ResolvedOrderSinkOptions } from './options.js';
export { ORDER_SINK_DEFAULTS, orderSinkOptionsSchema } from './options.js';
export { createOrderSink, DEAD_LETTER_HEADERS, OrderSink } from './order-sink.js';
