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

  it('rejects a value that is not valid UTF-8 instead of storing U+FFFD (regression: lenient decode)', () => {
    const good = Buffer.from(wire);
    const at = good.indexOf(Buffer.from(defined(event).order.customer.customer_city));
    const bytes = Buffer.concat([good.subarray(0, at), Buffer.from([0xc3, 0x28]), good.subarray(at)]);
    const decoded = decodeOrderRecord(bytes, 1_000_000);
    expect(decoded).toMatchObject({
      ok: false,
      code: 'KAFKA_MESSAGE_UNPARSEABLE',
      reason: 'value is not valid UTF-8',
    });
  });

  it('accepts the key and headers the order producer writes', () => {
    const decoded = decodeOrderRecord(Buffer.from(wire), 1_000_000, {
      key: Buffer.from(defined(event).order.order_id),
      headers: {
        'schema-version': '1',
        'event-type': defined(event).event_type,
        'content-type': 'application/json',
      },
    });
    expect(decoded.ok).toBe(true);
  });

  it.each([
    ['a key that is not the order id', { key: Buffer.from('someone-else') }, 'order.order_id'],
    ['a schema-version header of another version', { headers: { 'schema-version': '2' } }, 'schema_version'],
    ['an event-type header of another type', { headers: { 'event-type': 'order_exploded' } }, 'event_type'],
    ['a content-type header that is not JSON', { headers: { 'content-type': 'text/xml' } }, '(content-type)'],
    [
      'a header that is not UTF-8',
      { headers: { 'schema-version': Buffer.from([0xff, 0xfe]) } },
      'schema_version',
    ],
    ['a repeated header', { headers: { 'schema-version': ['1', '1'] } }, 'schema_version'],
  ])('rejects %s as KAFKA_MESSAGE_INVALID', (_name, envelope, field) => {
    const decoded = decodeOrderRecord(Buffer.from(wire), 1_000_000, envelope);
    expect(decoded).toMatchObject({ ok: false, code: 'KAFKA_MESSAGE_INVALID', field });
  });

  it('rejects an event_time outside the window around now, naming event_time', () => {
    const at = defined(event).event_time.getTime();
    const window = { maxAgeMs: 1000, maxAheadMs: 10 };
    const inside = decodeOrderRecord(Buffer.from(wire), 1_000_000, {}, { now: at + 1000, window });
    expect(inside.ok).toBe(true);
    for (const now of [at + 1001, at - 11]) {
      const decoded = decodeOrderRecord(Buffer.from(wire), 1_000_000, {}, { now, window });
      expect(decoded).toMatchObject({ ok: false, code: 'KAFKA_MESSAGE_INVALID', field: 'event_time' });
    }
  });

  it('stores no lone surrogate a duplicate key hid from validation: such a payload is re-serialized', () => {
    // JSON.parse keeps the last `customer_city`; the warehouse's JSON functions would read the first.
    const hidden = wire.replace('"customer_city":', '"customer_city":"\\ud800","customer_city":');
    const decoded = decodeOrderRecord(Buffer.from(hidden), 1_000_000);
    expect(decoded.ok).toBe(true);
    if (decoded.ok) {
      expect(decoded.text).not.toContain('\\ud800');
      expect(JSON.parse(decoded.text)).toEqual(JSON.parse(wire));
    }
  });
});
