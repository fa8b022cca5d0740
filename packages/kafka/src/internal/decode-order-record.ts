import type { OrderEvent } from '@orderstream/core';
import { parseOrderEvent } from '@orderstream/core';
import type { DeadLetterCode } from '../errors/kafka-error-codes.js';

/** A record that is a valid order event. */
export interface DecodedEvent {
  readonly ok: true;
  readonly event: OrderEvent;
  /** The value as received: the raw JSON payload. */
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

/**
 * Decodes a record value into an order event: size check, UTF-8, JSON, then `orderEventSchema` (through `parseOrderEvent`).
 * Never throws.
 */
export function decodeOrderRecord(
  value: Buffer | null,
  maxMessageBytes: number,
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
  const text = value.toString('utf8');
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
  return { ok: true, event: result.data, text };
}
