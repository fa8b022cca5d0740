// Shared by the tests of the order event's fast paths (parse-order-event.test.ts,
// order-event-scanner.test.ts): generated wire events, and mutations that probe every field's edges.
import fc from 'fast-check';
import { createOrderEventStream } from '../generator/order-event-stream.js';
import { serializeOrderEvent } from '../schema/order-event.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export async function wireEvents(count: number): Promise<Json[]> {
  const events: Json[] = [];
  for await (const event of createOrderEventStream({ seed: 7 })) {
    events.push(JSON.parse(JSON.stringify(serializeOrderEvent(event))) as Json);
    if (events.length >= count) break;
  }
  return events;
}

/** Every path to a value inside a JSON document. */
export function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...paths(v, [...prefix, i]));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

/** Values that probe every codec's edges: near-valid text, numbers as text, wrong types. */
export const EDGE_VALUES: readonly Json[] = [
  null,
  true,
  0,
  -0,
  1,
  -1,
  1.5,
  12.345,
  1e21,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  ' ',
  '1',
  '0',
  '-1',
  '12.5',
  '12.345',
  '1e3',
  'SP',
  'sp',
  'S',
  '01037',
  '1037',
  '2018-02-29 10:00:00',
  '2016-02-29 10:00:00',
  '2018-01-01T10:00:00',
  '2018-13-01 10:00:00',
  '2026-11-25T21:00:00.123Z',
  '2026-11-25T21:00:00Z',
  '2026-11-25T21:00:00.123+01:00',
  '2026-02-30T21:00:00.000Z',
  '0000-01-01T00:00:00.000Z',
  '3b241101-e2bb-4255-8caf-4136c566a962',
  '3B241101-E2BB-4255-8CAF-4136C566A962',
  '00000000-0000-0000-0000-000000000000',
  '3b241101-e2bb-9255-8caf-4136c566a962',
  '3b241101-e2bb-0255-8caf-4136c566a962',
  '3b241101-e2bb-4255-cfaf-4136c566a962',
  'a'.repeat(32),
  'A'.repeat(32),
  'a'.repeat(201),
  'order_created',
  'delivered',
  'boleto',
  // Storage bounds: lone surrogates, money at and past what a money column holds exactly, INTEGER edges.
  '\ud800',
  'sao \udc00 paulo',
  'sao paulo \ud83d\ude00',
  '90071992547409.91',
  '90071992547409.92',
  '45035996273704.96',
  2_147_483_647,
  2_147_483_648,
  [],
  {},
];

export const replacement = fc.oneof(
  fc.constantFrom<Json>(...EDGE_VALUES),
  fc.string(),
  fc.integer(),
  fc.double(),
);

/** Small edits of a leaf's own value: they land on every field's edges, whatever its codec. */
const PERTURBATIONS = [
  (v: string) => v.toUpperCase(),
  (v: string) => v.toLowerCase(),
  (v: string) => `${v} `,
  (v: string) => ` ${v}`,
  (v: string) => v.slice(0, -1),
  (v: string) => `${v}0`,
  (v: string) => v.replace(/\d/, '9'),
  (v: string) => v.replace(/\d(?=\D*$)/, '9'),
  (v: string) => v.replace(' ', 'T'),
  (v: string) => v.replace('.', ','),
  (v: string) => `-${v}`,
] as const;

function perturb(value: Json, op: number): Json {
  if (typeof value === 'number') return op % 2 === 0 ? String(value) : -value;
  if (typeof value !== 'string') return value;
  const edited = (PERTURBATIONS[op % PERTURBATIONS.length] as (v: string) => string)(value);
  return op % 3 === 0 && edited !== '' && Number.isFinite(Number(edited)) ? Number(edited) : edited;
}

export type Mutation =
  | { kind: 'perturb'; at: number; op: number }
  | { kind: 'set'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: Json };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('perturb' as const), at: fc.nat(), op: fc.nat() }),
  fc.record({ kind: fc.constant('perturb' as const), at: fc.nat(), op: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: replacement }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.constantFrom('extra', 'product_category_name', 'seller_state', '__proto__', 'constructor'),
    value: replacement,
  }),
);

export function apply(document: Json, change: Mutation): Json {
  const copy = JSON.parse(JSON.stringify(document)) as Json;
  const all = paths(copy);
  const path = all[change.at % all.length] as (string | number)[];
  if (path.length === 0) return change.kind === 'set' ? change.value : copy;
  if (change.kind === 'perturb' && path.length === 0) return copy;
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path.at(-1) as string | number;
  if (change.kind === 'perturb') parent[last] = perturb(parent[last] as Json, change.op);
  else if (change.kind === 'set') parent[last] = change.value;
  else if (change.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
      // JSON.parse makes `__proto__` an own key, like a hostile producer's message would.
      Object.defineProperty(target, change.key, {
        value: change.value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
  }
  return copy;
}

/** A small valid event in the wire shape, with JSON numbers where the schema also takes them. */
export function fixture(): Json {
  const id = (n: number) => n.toString(16).padStart(32, '0');
  return {
    event_id: '3b241101-e2bb-4255-8caf-4136c566a962',
    event_type: 'order_created',
    event_time: '2026-11-25T21:00:00.123Z',
    schema_version: 1,
    source: 'test',
    order: {
      order_id: id(1),
      customer_id: id(2),
      order_status: 'created',
      order_purchase_timestamp: '2026-11-25 21:00:00',
      order_approved_at: null,
      order_delivered_carrier_date: null,
      order_delivered_customer_date: null,
      order_estimated_delivery_date: '2026-12-05 00:00:00',
      customer: {
        customer_id: id(2),
        customer_unique_id: id(3),
        customer_zip_code_prefix: '01037',
        customer_city: 'sao paulo',
        customer_state: 'SP',
      },
      items: [
        {
          order_item_id: 1,
          product_id: id(4),
          seller_id: id(5),
          shipping_limit_date: '2026-11-27 21:00:00',
          price: '58.90',
          freight_value: 13.2,
        },
      ],
      payments: [
        { payment_sequential: 1, payment_type: 'boleto', payment_installments: 1, payment_value: '72.10' },
      ],
    },
  };
}
