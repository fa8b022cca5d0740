import type { OrderstreamErrorOptions } from '@orderstream/core';
import { OrderstreamError } from '@orderstream/core';

/**
 * Error codes raised by `@orderstream/kafka`, and the reasons a message is dead-lettered (sent as
 * the `x-error-code` header).
 *
 * | code | meaning |
 * | --- | --- |
 * | `KAFKA_INVALID_EVENT` | an event handed to the producer failed `orderEventSchema` (zod issues in `details.issues`) |
 * | `KAFKA_CONNECTION_FAILED` | the brokers could not be reached |
 * | `KAFKA_TOPIC_MISSING` | the producer's topic does not exist (topics are never created implicitly: create it with `ensureTopics`) |
 * | `KAFKA_PRODUCE_FAILED` | the brokers refused or did not acknowledge a send |
 * | `KAFKA_ADMIN_FAILED` | a topic admin request failed |
 * | `KAFKA_TOPIC_MISMATCH` | an existing topic's partition count differs from the options |
 * | `KAFKA_DEAD_LETTER_FAILED` | a rejected message could not be written to the dead-letter topic |
 * | `KAFKA_SINK_FAILED` | the sink stopped on an error it cannot retry (the cause is attached) |
 * | `KAFKA_SINK_STATE` | a sink method was called in the wrong state (e.g. `start()` twice) |
 * | `KAFKA_TOPIC_RESET` | the sink's stored offset is ahead of the partition's log end: the topic was deleted and re-created (or truncated) |
 * | `KAFKA_REPLAY_FAILED` | the replay data folder could not be read or joined |
 * | `KAFKA_MESSAGE_UNPARSEABLE` | dead-letter reason: the value is not JSON |
 * | `KAFKA_MESSAGE_INVALID` | dead-letter reason: the JSON is not an order event |
 * | `KAFKA_MESSAGE_OVERSIZE` | dead-letter reason: the value exceeds `maxMessageBytes` |
 * | `KAFKA_MESSAGE_TOMBSTONE` | dead-letter reason: the value is `null` |
 * | `KAFKA_MESSAGE_REFUSED` | dead-letter reason: a valid event whose row the warehouse refused (its message is the reason) |
 * | `KAFKA_CONSUMER_FAILED` | an order consumer stopped: its handler threw, or its client crashed for good |
 * | `KAFKA_METRICS_UNREADABLE` | a sink's Prometheus endpoint did not answer, or served no sink metrics |
 */
export const KAFKA_ERROR_CODES = [
  'KAFKA_INVALID_EVENT',
  'KAFKA_CONNECTION_FAILED',
  'KAFKA_TOPIC_MISSING',
  'KAFKA_PRODUCE_FAILED',
  'KAFKA_ADMIN_FAILED',
  'KAFKA_TOPIC_MISMATCH',
  'KAFKA_DEAD_LETTER_FAILED',
  'KAFKA_SINK_FAILED',
  'KAFKA_SINK_STATE',
  'KAFKA_TOPIC_RESET',
  'KAFKA_REPLAY_FAILED',
  'KAFKA_MESSAGE_UNPARSEABLE',
  'KAFKA_MESSAGE_INVALID',
  'KAFKA_MESSAGE_OVERSIZE',
  'KAFKA_MESSAGE_TOMBSTONE',
  'KAFKA_MESSAGE_REFUSED',
  'KAFKA_CONSUMER_FAILED',
  'KAFKA_METRICS_UNREADABLE',
] as const;

/** A code raised by `@orderstream/kafka`. */
export type KafkaErrorCode = (typeof KAFKA_ERROR_CODES)[number];

/** The dead-letter reasons: the subset of {@link KafkaErrorCode} written as `x-error-code`. */
export type DeadLetterCode = Extract<
  KafkaErrorCode,
  | 'KAFKA_MESSAGE_UNPARSEABLE'
  | 'KAFKA_MESSAGE_INVALID'
  | 'KAFKA_MESSAGE_OVERSIZE'
  | 'KAFKA_MESSAGE_TOMBSTONE'
  | 'KAFKA_MESSAGE_REFUSED'
>;

/** An `OrderstreamError` raised by this package. */
export type KafkaError = OrderstreamError<KafkaErrorCode>;

/** @internal Builds an `OrderstreamError` with a code of this package. */
export function kafkaError(
  code: KafkaErrorCode,
  message: string,
  options?: OrderstreamErrorOptions,
): KafkaError {
  return new OrderstreamError(code, message, options);
}
