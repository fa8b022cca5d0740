import type { EventTimeWindow, OrderEvent } from '@orderstream/core';
import { eventTimeOutsideWindow, ORDER_EVENT_SCHEMA_VERSION, parseOrderEvent } from '@orderstream/core';
import type { IncomingHeaders } from '../client/kafka-client.js';
import type { DeadLetterCode } from '../errors/kafka-error-codes.js';
import { ORDER_EVENT_CONTENT_TYPE, ORDER_EVENT_HEADERS } from '../producer/headers.js';

/** A record that is a valid order event. */
export interface DecodedEvent {
  readonly ok: true;
  readonly event: OrderEvent;
  /**
   * The JSON payload to store: the value as received, or (when it holds `\u` escapes of
   * surrogates, which duplicate keys could leave unpaired) the event re-serialized from its parse.
   */
  readonly text: string;
}

/** A record that is not, and why. */
export interface RejectedRecord {
  readonly ok: false;
  readonly code: DeadLetterCode;
  readonly reason: string;
  /** The first offending field path (`order.items.0.price`), when the schema names one. */
  readonly field: string | null;
  /** The value as text, when it is small enough to keep; `null` for tombstones and oversize values. */
  readonly text: string | null;
}

/** The parts of a record besides its value that must agree with the event. */
export interface RecordEnvelope {
  /** The record key; when present it must be the event's `order_id` (the partitioning key). */
  readonly key?: Buffer | null;
  /** The record headers; the {@link ORDER_EVENT_HEADERS} that are present must match the event. */
  readonly headers?: IncomingHeaders;
}

/** The reader's clock and the window `event_time` must fall in. */
export interface EventTimeCheck {
  /** Now, epoch milliseconds. */
  readonly now: number;
  readonly window: EventTimeWindow;
}

// A \u escape of a UTF-16 surrogate: paired ones are fine, but JSON.parse keeps the last of two
// duplicate keys while the warehouse's JSON functions read the first, which may hold a lone one.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

// Strict: a lenient decode would turn invalid bytes into U+FFFD and store corrupted text.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function invalid(reason: string, field: string | null, text: string): RejectedRecord {
  return { ok: false, code: 'KAFKA_MESSAGE_INVALID', reason, field, text };
}

function headerText(headers: IncomingHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 1 ? headerText({ [name]: value[0] }, name) : '(repeated)';
  if (typeof value === 'string') return value;
  try {
    return utf8.decode(value as Buffer);
  } catch {
    return '(not UTF-8)';
  }
}

/** Why the key or headers contradict the event, or `null` when they agree. */
function envelopeMismatch(event: OrderEvent, envelope: RecordEnvelope, text: string): RejectedRecord | null {
  if (envelope.key !== undefined && envelope.key !== null) {
    const key = envelope.key.toString('utf8');
    if (key !== event.order.order_id) {
      return invalid(
        `record key ${JSON.stringify(key.slice(0, 64))} is not the order_id ${event.order.order_id}`,
        'order.order_id',
        text,
      );
    }
  }
  const expected: Array<[string, (v: string) => boolean, string]> = [
    [ORDER_EVENT_HEADERS.schemaVersion, (v) => v === String(ORDER_EVENT_SCHEMA_VERSION), 'schema_version'],
    [ORDER_EVENT_HEADERS.eventType, (v) => v === event.event_type, 'event_type'],
    [
      ORDER_EVENT_HEADERS.contentType,
      (v) => v.split(';')[0]?.trim().toLowerCase() === ORDER_EVENT_CONTENT_TYPE,
      '(content-type)',
    ],
  ];
  for (const [name, ok, field] of expected) {
    const value = headerText(envelope.headers, name);
    if (value !== undefined && !ok(value)) {
      return invalid(
        `header ${name} ${JSON.stringify(value.slice(0, 64))} does not match the event`,
        field,
        text,
      );
    }
  }
  return null;
}

/**
 * Decodes a record value into an order event: size check, strict UTF-8, JSON, `orderEventSchema`
 * (through `parseOrderEvent`), then the key and the order event headers against the event, then
 * `event_time` against the window when one is given. Never throws.
 */
export function decodeOrderRecord(
  value: Buffer | null,
  maxMessageBytes: number,
  envelope: RecordEnvelope = {},
  eventTime?: EventTimeCheck,
): DecodedEvent | RejectedRecord {
  if (value === null) {
    return {
      ok: false,
      code: 'KAFKA_MESSAGE_TOMBSTONE',
      reason: 'tombstone (null value)',
      field: null,
      text: null,
    };
  }
  if (value.length > maxMessageBytes) {
    return {
      ok: false,
      code: 'KAFKA_MESSAGE_OVERSIZE',
      reason: `value of ${value.length} bytes exceeds maxMessageBytes ${maxMessageBytes}`,
      field: null,
      text: null,
    };
  }
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return {
      ok: false,
      code: 'KAFKA_MESSAGE_UNPARSEABLE',
      reason: 'value is not valid UTF-8',
      field: null,
      text: value.toString('utf8'),
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      code: 'KAFKA_MESSAGE_UNPARSEABLE',
      reason: `value is not JSON: ${(error as Error).message}`,
      field: null,
      text,
    };
  }
  const result = parseOrderEvent(json);
  if (!result.success) {
    const issues = result.error.issues;
    const summary = issues
      .slice(0, 3)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    const first = issues[0];
    return {
      ok: false,
      code: 'KAFKA_MESSAGE_INVALID',
      reason: `not an order event: ${summary}${issues.length > 3 ? ` (+${issues.length - 3} more)` : ''}`,
      field: first && first.path.length > 0 ? first.path.join('.') : null,
      text,
    };
  }
  const mismatch = envelopeMismatch(result.data, envelope, text);
  if (mismatch !== null) return mismatch;
  if (eventTime !== undefined) {
    const outside = eventTimeOutsideWindow(result.data.event_time, eventTime.now, eventTime.window);
    if (outside !== null) return invalid(outside, 'event_time', text);
  }
  // Validated strings are well-formed, so the re-serialized parse has no lone surrogate.
  const payload = SURROGATE_ESCAPE.test(text) ? JSON.stringify(json) : text;
  return { ok: true, event: result.data, text: payload };
}
