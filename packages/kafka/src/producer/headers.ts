/**
 * The headers every order event carries, so consumers can route and check a record without
 * parsing its value.
 *
 * @example
 * ```ts
 * const version = message.headers?.[ORDER_EVENT_HEADERS.schemaVersion]?.toString(); // '1'
 * ```
 */
export const ORDER_EVENT_HEADERS = {
  /** The order event contract's version, e.g. `1`. */
  schemaVersion: 'schema-version',
  /** The event type, e.g. `order_created`. */
  eventType: 'event-type',
  /** Always `application/json`. */
  contentType: 'content-type',
} as const;

/** The content type of an order event's value. */
export const ORDER_EVENT_CONTENT_TYPE = 'application/json';
