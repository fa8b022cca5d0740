import type { DeadLetterCode, KafkaError } from '../errors/kafka-error-codes.js';

/** Payload of the `invalid` event: a record that is not a valid order event. */
export interface InvalidOrderRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Why, as the sink would write it to `x-error-code`. */
  readonly code: DeadLetterCode;
  /** The reason, naming the field when the schema does. */
  readonly reason: string;
  /** The first offending field path (`order.items.0.price`), or `null`. */
  readonly field: string | null;
}

/** Payload of the `batch` event: one partition's fetched records, handled and committed. */
export interface ConsumedOrderBatch {
  readonly topic: string;
  readonly partition: number;
  /** Valid order events handed to the handler. */
  readonly orders: number;
  /** Invalid records reported (and skipped). */
  readonly invalid: number;
  /** The next offset to consume, now committed to the group; `null` when the commit was refused (rebalance). */
  readonly committedOffset: string | null;
}

/** Running totals of an {@link OrderConsumer}. */
export interface OrderConsumerStats {
  /** Order events handed to the handler. */
  readonly orders: number;
  /** Invalid records reported. */
  readonly invalid: number;
  /** Batches committed. */
  readonly batches: number;
}

/** The events of an `OrderConsumer`. */
export interface OrderConsumerEvents {
  /** A record was not a valid order event (it is skipped; the sink dead-letters it for its own group). */
  invalid: (record: InvalidOrderRecord) => void;
  /** A batch was handled and its offsets committed. */
  batch: (batch: ConsumedOrderBatch) => void;
  /** The consumer stopped on an error: the handler threw, or the client crashed for good. */
  error: (error: KafkaError) => void;
}
