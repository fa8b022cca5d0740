/** The orders topic every component defaults to. */
export const DEFAULT_ORDERS_TOPIC = 'orders';

/**
 * The dead-letter topic of an orders topic: `<topic>.dlq` (`orders.dlq` for the default topic).
 *
 * @param topic - the orders topic
 * @returns the dead-letter topic's name
 * @example
 * ```ts
 * deadLetterTopicFor('orders'); // 'orders.dlq'
 * ```
 */
export function deadLetterTopicFor(topic: string): string {
  return `${topic}.dlq`;
}

/**
 * The compacted topic in which `replayDeadLetters` records the dead-letter positions it replayed:
 * `<dead-letter topic>.replayed`.
 *
 * @param deadLetterTopic - the dead-letter topic
 * @returns the marker topic's name
 * @example
 * ```ts
 * replayMarkerTopicFor('orders.dlq'); // 'orders.dlq.replayed'
 * ```
 */
export function replayMarkerTopicFor(deadLetterTopic: string): string {
  return `${deadLetterTopic}.replayed`;
}

/** The header a replayed record carries: `<dead-letter partition>/<offset>` it came from. */
export const REPLAYED_FROM_HEADER = 'x-replayed-from';
