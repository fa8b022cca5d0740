import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderEventSchema } from '../schema/order-event.js';
import { toOrderEventRow } from '../schema/order-event-row.js';
import {
  apply,
  EDGE_VALUES,
  fixture,
  type Json,
  mutation,
  paths,
  wireEvents,
} from './order-event-fixtures.js';
import { OrderEventScanner, SCANNED_TEXT_FIELDS } from './order-event-scanner.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** What the slow path makes of the bytes: strict UTF-8, `JSON.parse`, zod, then the row. */
function slowRow(bytes: Uint8Array): Record<string, unknown> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(strict.decode(bytes));
  } catch {
    return undefined;
  }
  const parsed = orderEventSchema.safeParse(json);
  return parsed.success ? toOrderEventRow(parsed.data, { ingestedAt: null }) : undefined;
}

/** What the scanner read, as the same columns. */
function scannedRow(scanner: OrderEventScanner, bytes: Uint8Array): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [index, field] of SCANNED_TEXT_FIELDS.entries()) {
    row[field] = strict.decode(bytes.subarray(scanner.starts[index], scanner.ends[index]));
  }
  return {
    ...row,
    event_time: new Date(scanner.eventTimeMs),
    order_purchase_timestamp: new Date(scanner.purchasedAtMs),
    items_count: scanner.itemsCount,
    items_value: scanner.itemsCents,
    freight_value: scanner.freightCents,
    payment_value: scanner.paymentCents,
  };
}

/** The columns both produce. */
function pick(row: Record<string, unknown>): Record<string, unknown> {
  const keys = [
    ...SCANNED_TEXT_FIELDS,
    'event_time',
    'order_purchase_timestamp',
    'items_count',
    'items_value',
    'freight_value',
    'payment_value',
  ];
  return Object.fromEntries(keys.map((key) => [key, row[key]]));
}

/**
 * The agreement: whatever the scanner accepts, the slow path accepts with the same columns. It
 * may decline what the slow path accepts (that is only slower).
 */
function agrees(scanner: OrderEventScanner, bytes: Uint8Array): boolean {
  const accepted = scanner.scan(bytes);
  const slow = slowRow(bytes);
  if (accepted) {
    expect(slow, `accepted what the schema rejects: ${Buffer.from(bytes).toString()}`).toBeDefined();
    expect(pick(scannedRow(scanner, bytes))).toStrictEqual(pick(slow as Record<string, unknown>));
  }
  return accepted;
}

/** The same document with every object's keys in reverse order. */
function reversed(value: Json): Json {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, inner]) => [key, reversed(inner)]),
  );
}

/** Bytes that matter to a JSON reader, to write over, insert or delete. */
const byteEdit = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('set', 'insert', 'delete'),
  byte: fc.constantFrom(
    ...[...'"\\{}[],:09.-+eE nulltrfa'].map((c) => c.charCodeAt(0)),
    0x0a,
    0x09,
    0x00,
    0x1f,
    0x7f,
    0x80,
    0xc3,
    0xa9,
    0xed,
    0xa0,
    0xef,
    0xbb,
    0xbf,
    0xff,
  ),
});

function editBytes(bytes: Uint8Array, edit: { at: number; kind: string; byte: number }): Uint8Array {
  const at = edit.at % (bytes.length + 1);
  const list = [...bytes];
  if (edit.kind === 'set' && at < list.length) list[at] = edit.byte;
  else if (edit.kind === 'delete' && at < list.length) list.splice(at, 1);
  else list.splice(at, 0, edit.byte);
  return Uint8Array.from(list);
}

describe('OrderEventScanner', () => {
  it('accepts generated events, compact, indented or with keys reordered, with the columns zod gives', async () => {
    const scanner = new OrderEventScanner();
    for (const event of await wireEvents(300)) {
      for (const text of [
        JSON.stringify(event),
        JSON.stringify(event, null, 2),
        JSON.stringify(event, null, '\t'),
        JSON.stringify(reversed(event)),
      ]) {
        expect(agrees(scanner, encoder.encode(text))).toBe(true);
      }
    }
  });

  it('accepts text beyond ASCII in free text and reads JSON numbers as zod does', () => {
    const scanner = new OrderEventScanner();
    const event = fixture() as { order: { customer: Record<string, Json>; items: Record<string, Json>[] } };
    event.order.customer.customer_city = 'são paulo 😀';
    const item = event.order.items[0] as Record<string, Json>;
    item.product_category_name = 'cama_mesa_banho';
    item.price = 0.5;
    item.freight_value = 13.2;
    expect(agrees(scanner, encoder.encode(JSON.stringify(event)))).toBe(true);
    expect([scanner.itemsCents, scanner.freightCents]).toEqual([50, 1320]);
  });

  it('accepts only what the schema accepts, with the same columns, with each edge value in each field', () => {
    const scanner = new OrderEventScanner();
    const event = fixture();
    for (const path of paths(event)) {
      if (path.length === 0) continue;
      for (const value of EDGE_VALUES) {
        const copy = structuredClone(event) as Record<string | number, Json>;
        let parent = copy;
        for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
        parent[path.at(-1) as string | number] = value;
        agrees(scanner, encoder.encode(JSON.stringify(copy)));
      }
    }
  });

  it('accepts only what the schema accepts, with the same columns, on any mutation of an event', async () => {
    const events = await wireEvents(40);
    const scanner = new OrderEventScanner();
    fc.assert(
      fc.property(
        fc.nat(events.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(0, 2),
        (index, changes, indent) => {
          let document = events[index] as Json;
          for (const change of changes) document = apply(document, change);
          agrees(scanner, encoder.encode(JSON.stringify(document, null, indent)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('accepts only what JSON.parse and the schema accept on any edit of an event’s bytes', async () => {
    const events = (await wireEvents(20)).map((event) => encoder.encode(JSON.stringify(event)));
    const scanner = new OrderEventScanner();
    fc.assert(
      fc.property(
        fc.nat(events.length - 1),
        fc.array(byteEdit, { minLength: 1, maxLength: 4 }),
        (index, edits) => {
          let bytes = events[index] as Uint8Array;
          for (const edit of edits) bytes = editBytes(bytes, edit);
          agrees(scanner, bytes);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('declines what it does not read itself: escapes, duplicate keys, numbers with exponents, a BOM', () => {
    const scanner = new OrderEventScanner();
    const text = JSON.stringify(fixture());
    const declined = [
      text.replace('"sao paulo"', '"sao\\u0020paulo"'),
      text.replace('"source":"test"', '"source":"test","source":"test"'),
      text.replace('"schema_version":1', '"schema_version":1e0'),
      text.replace('"schema_version":1', '"schema_version":1.0'),
      `\ufeff${text}`,
      `${text}x`,
      // Not JSON at all: leading zeros, a trailing comma, a lone minus.
      text.replace('"freight_value":13.2', '"freight_value":013.2'),
      text.replace('"order_item_id":1', '"order_item_id":01'),
      text.replace('"payment_value":"72.10"}', '"payment_value":"72.10",}'),
      text.replace('"freight_value":13.2', '"freight_value":-'),
    ];
    for (const variant of declined) {
      expect(variant).not.toBe(text);
      expect(scanner.scan(encoder.encode(variant))).toBe(false);
    }
    // What the slow path accepts among them it still accepts: declining only costs time.
    expect(slowRow(encoder.encode(declined[0] as string))).toBeDefined();
    expect(scanner.scan(encoder.encode(text))).toBe(true);
  });

  it('declines money sums past what a money column holds exactly, as the schema rejects them', () => {
    const scanner = new OrderEventScanner();
    const event = fixture() as { order: { items: Record<string, Json>[] } };
    const item = event.order.items[0] as Record<string, Json>;
    event.order.items = [
      { ...item, price: '9007199254740.99' },
      ...Array.from({ length: 10 }, (_, i) => ({ ...item, order_item_id: i + 2, price: '9007199254740.99' })),
    ];
    const bytes = encoder.encode(JSON.stringify(event));
    expect(scanner.scan(bytes)).toBe(false);
    expect(slowRow(bytes)).toBeUndefined();
  });
});
