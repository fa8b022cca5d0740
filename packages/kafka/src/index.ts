/**
 * `@orderstream/kafka`: the typed order-event producer (with rate control and an Olist replay),
 * topic admin, the exactly-once Kafka → warehouse sink, a typed at-least-once order consumer for
 * services of your own, dead-letter reading and replay, and consumer-group health. kafkajs sits
 * behind a small client seam ({@link KafkaClientFactory}). Prometheus metrics are in
 * `@orderstream/kafka/metrics`.
 *
 * @example
 * ```ts
 * import { createOrderEventStream } from '@orderstream/core';
 * import { createDuckDbWarehouse } from '@orderstream/duckdb';
 * import { createOrderProducer, createOrderSink, ensureTopics } from '@orderstream/kafka';
 *
 * const brokers = ['127.0.0.1:9092'];
 * await ensureTopics({ brokers });
 * const warehouse = await createDuckDbWarehouse();
 * const sink = createOrderSink({ brokers, groupId: 'orderstream-sink', warehouse });
 * await sink.start();
 * const producer = createOrderProducer({ brokers });
 * await producer.sendStream(createOrderEventStream({ limit: 100 }));
 * ```
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
  GroupDescription,
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
  TransactionalProducerClient,
} from './client/kafka-client.js';
export type { KafkaLogFields, KafkaLogger } from './client/kafka-logger.js';
export { stderrKafkaLogger } from './client/kafka-logger.js';
export type { KafkaJsClientOptions } from './client/kafkajs-client-factory.js';
export { createKafkaJsClientFactory } from './client/kafkajs-client-factory.js';
export type { Clock } from './clock/clock.js';
export { systemClock } from './clock/clock.js';
export type {
  ConsumedOrderBatch,
  InvalidOrderRecord,
  OrderConsumerEvents,
  OrderConsumerStats,
} from './consumer/events.js';
export type {
  OrderConsumerOptions,
  OrderHandler,
  OrderRecordPosition,
  ResolvedOrderConsumerOptions,
} from './consumer/options.js';
export { ORDER_CONSUMER_DEFAULTS, orderConsumerOptionsSchema } from './consumer/options.js';
export { createOrderConsumer, OrderConsumer } from './consumer/order-consumer.js';
export type {
  ReadDeadLettersOptions,
  ReplayDeadLettersOptions,
  ResolvedReadDeadLettersOptions,
  ResolvedReplayDeadLettersOptions,
} from './dead-letters/options.js';
export {
  DEAD_LETTERS_DEFAULTS,
  readDeadLettersOptionsSchema,
  replayDeadLettersOptionsSchema,
} from './dead-letters/options.js';
export type { DeadLetter, DeadLetterSample, DeadLetterSummary } from './dead-letters/read-dead-letters.js';
export { readDeadLetters, summarizeDeadLetters } from './dead-letters/read-dead-letters.js';
export type { ReplayReport } from './dead-letters/replay-dead-letters.js';
export { replayDeadLetters } from './dead-letters/replay-dead-letters.js';
export {
  DEFAULT_ORDERS_TOPIC,
  deadLetterTopicFor,
  REPLAYED_FROM_HEADER,
  replayMarkerTopicFor,
} from './dead-letters/topic-names.js';
export type { DeadLetterCode, KafkaError, KafkaErrorCode } from './errors/kafka-error-codes.js';
export { KAFKA_ERROR_CODES } from './errors/kafka-error-codes.js';
export type {
  ConsumerGroupHealth,
  GroupMembership,
  GroupPartitionLag,
  GroupProgress,
  RepeatedDeadLetter,
} from './health/consumer-group-health.js';
export { readConsumerGroupHealth } from './health/consumer-group-health.js';
export type { Freshness, PipelineHealthInput } from './health/evaluate-pipeline-health.js';
export { evaluatePipelineHealth } from './health/evaluate-pipeline-health.js';
export type { HealthFinding, HealthRule } from './health/health-finding.js';
export { HEALTH_RULES } from './health/health-finding.js';
export type {
  ConsumerGroupHealthOptions,
  ResolvedConsumerGroupHealthOptions,
} from './health/options.js';
export { CONSUMER_GROUP_HEALTH_DEFAULTS, consumerGroupHealthOptionsSchema } from './health/options.js';
export { encodeOrderEvent } from './producer/encode-order-event.js';
export { ORDER_EVENT_CONTENT_TYPE, ORDER_EVENT_HEADERS } from './producer/headers.js';
export type { OrderProducerOptions, ResolvedOrderProducerOptions } from './producer/options.js';
export { ORDER_PRODUCER_DEFAULTS, orderProducerOptionsSchema } from './producer/options.js';
export type {
  OrderProducerEvents,
  OrderProducerStats,
  ProducerConnectOptions,
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
