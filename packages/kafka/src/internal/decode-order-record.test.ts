import { createOrderEventStream, serializeOrderEvent } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import { decodeOrderRecord } from './decode-order-record.js';
import { defined } from './testing/fakes.js';

const [event] = [...createOrderEventStream({ seed: 1, limit: 1 })];
const wire = JSON.stringify(serializeOrderEvent(defined(event)));

describe('decodeOrderRecord', () => {
  it('decodes a valid event and keeps the raw text', () => {
    const decoded = decodeOrderRecord(Buffer.from(wire), 1_000_000);
    expect(decoded).toEqual({ ok: true, event, text: wire });
  });

  it.each([
    ['a tombstone', null, 'KAFKA_MESSAGE_TOMBSTONE'],
    ['an oversize value', Buffer.alloc(101, 120), 'KAFKA_MESSAGE_OVERSIZE'],
    ['text that is not JSON', Buffer.from('{"a":'), 'KAFKA_MESSAGE_UNPARSEABLE'],
    ['JSON that is not an event', Buffer.from('[1,2]'), 'KAFKA_MESSAGE_INVALID'],
  ])('rejects %s', (_name, value, code) => {
    const decoded = decodeOrderRecord(value, 100);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.code).toBe(code);
  });

  it('names the first offending field of a schema violation', () => {
    const broken = JSON.parse(wire);
    broken.order.payments = [{ ...broken.order.payments[0], payment_value: 'lots' }];
    const decoded = decodeOrderRecord(Buffer.from(JSON.stringify(broken)), 1_000_000);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.field).toBe('order.payments.0.payment_value');
      expect(decoded.reason).toContain('order.payments.0.payment_value');
    }
  });
});
