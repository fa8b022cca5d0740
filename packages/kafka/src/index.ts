/**
 * `@orderstream/kafka`: the typed order-event producer (with rate control and an Olist replay),
 * topic admin, and the exactly-once Kafka → warehouse sink. kafkajs sits behind a small client
 * seam ({@link KafkaClientFactory}).
 *
 * @packageDocumentation
 */

export type { EnsureTopicsReport, TopicReport } from './admin/ensure-topics.js';
export { ensureTopics } from './admin/ensure-topics.js';
export type { EnsureTopicsOptions, ResolvedEnsureTopicsOptions } from './admin/options.js';
export { ENSURE_TOPICS_DEFAULTS, ensureTopicsOptionsSchema } from './admin/options.js';
export type {
  AdminClient,
  AssignedPartitions,
  BatchContext,
  CompressionCodec,
  ConsumedBatch,
  ConsumedRecord,
  ConsumerClient,
  ConsumerClientOptions,
  ConsumerHandlers,
  IncomingHeaders,
  KafkaClientFactory,
  OffsetCommit,
  OutgoingHeaders,
  OutgoingRecord,
  PartitionWatermarks,
  ProducerClient,
  ProducerClientOptions,
  RecordPosition,
  TopicSpec,
} from './client/kafka-client.js';
export type { KafkaJsClientOptions } from './client/kafkajs-client-factory.js';
export { createKafkaJsClientFactory } from './client/kafkajs-client-factory.js';
export type { Clock } from './clock/clock.js';
export { systemClock } from './clock/clock.js';
export type { DeadLetterCode, KafkaError, KafkaErrorCode } from './errors/kafka-error-codes.js';
export { KAFKA_ERROR_CODES } from './errors/kafka-error-codes.js';
export { encodeOrderEvent } from './producer/encode-order-event.js';
export { ORDER_EVENT_CONTENT_TYPE, ORDER_EVENT_HEADERS } from './producer/headers.js';
export type { OrderProducerOptions, ResolvedOrderProducerOptions } from './producer/options.js';
export { ORDER_PRODUCER_DEFAULTS, orderProducerOptionsSchema } from './producer/options.js';
export type {
  OrderProducerEvents,
  OrderProducerStats,
  SendResult,
  SendStreamOptions,
} from './producer/order-producer.js';
export { createOrderProducer, OrderProducer } from './producer/order-producer.js';
export type { ReplayOlistOptions, ResolvedReplayOlistOptions } from './replay/options.js';
export { replayOlistOptionsSchema } from './replay/options.js';
export type { OlistReplay, ReplayStats } from './replay/replay-olist-orders.js';
export { replayOlistOrders } from './replay/replay-olist-orders.js';
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
} from './sink/events.js';
export type { OrderSinkOptions, ResolvedOrderSinkOptions } from './sink/options.js';
export { ORDER_SINK_DEFAULTS, orderSinkOptionsSchema } from './sink/options.js';
export { createOrderSink, DEAD_LETTER_HEADERS, OrderSink } from './sink/order-sink.js';
