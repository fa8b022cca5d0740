import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrderEvent, OrderEventWire } from '@orderstream/core';
import { createOrderEventStream, serializeOrderEvent } from '@orderstream/core';
import { createKafkaJsClientFactory, createOrderSink, DEAD_LETTER_HEADERS } from '@orderstream/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import {
  brokers,
  defined,
  freshTopics,
  header,
  readTopic,
  tempWarehouse,
  uniqueName,
  waitFor,
} from '../../packages/kafka/test/support/kit.js';
import { bySize, digest, kcat, printReconciliation, tally } from './support/input-kit.js';

const VALID = bySize(1_800, 18_000);
const POISON = VALID / 9; // 10% of all records
const ROUNDS = bySize(6, 20);
const HUGE_BYTES = 1_300_000; // over the sink's default maxMessageBytes (1 MiB)

type Expected =
  | 'KAFKA_MESSAGE_UNPARSEABLE'
  | 'KAFKA_MESSAGE_INVALID'
  | 'KAFKA_MESSAGE_OVERSIZE'
  | 'KAFKA_MESSAGE_TOMBSTONE';

/** One kind of malformed record: how to build its value, and how kcat sends it. */
interface PoisonKind {
  readonly kind: string;
  readonly expected: Expected;
  /** The value for the `n`-th record of this kind (each one distinct); `null` sends a tombstone. */
  readonly value: (n: number) => Buffer | null;
  readonly key?: (n: number) => string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The reason header must mention this. */
  readonly reasonMentions?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the cases below break an event's JSON in arbitrary ways.
type LooseJson = any;

const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('poison traffic produced from outside with kcat', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('dead-letters every malformed record with its reason, lands the valid 90% exactly, and raw_rejects reconciles', async () => {
    const broker = defined(brokers()[0]);
    const { topic, dlq } = await freshTopics(3);
    const { warehouse, dispose } = await tempWarehouse();
    cleanups.push(dispose);
    const dir = await mkdtemp(join(tmpdir(), 'orderstream-faults-poison-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));

    const valid = [...createOrderEventStream({ seed: 1001, limit: VALID })];
    // Valid-looking events for the key and header cases: their own ids, so they must not be counted.
    const decoys = [...createOrderEventStream({ seed: 2002, limit: POISON })].map(serializeOrderEvent);
    const decoy = (n: number): OrderEventWire => defined(decoys[n % decoys.length]);
    const edit = (n: number, change: (e: Record<string, LooseJson>) => void): Buffer => {
      const e = structuredClone(decoy(n)) as Record<string, LooseJson>;
      change(e);
      return utf8(JSON.stringify(e));
    };

    const kinds: PoisonKind[] = [
      { kind: 'not-json', expected: 'KAFKA_MESSAGE_UNPARSEABLE', value: (n) => utf8(`order #${n} shipped!`) },
      {
        kind: 'truncated-json',
        expected: 'KAFKA_MESSAGE_UNPARSEABLE',
        value: (n) => {
          const whole = JSON.stringify(decoy(n));
          return utf8(whole.slice(0, Math.floor(whole.length / 2)));
        },
      },
      {
        kind: 'wrong-types',
        expected: 'KAFKA_MESSAGE_INVALID',
        value: (n) =>
          edit(n, (e) => {
            e.order.items[0].price = 'twelve';
          }),
        reasonMentions: 'order.items.0.price',
      },
      {
        kind: 'missing-fields',
        expected: 'KAFKA_MESSAGE_INVALID',
        value: (n) => edit(n, (e) => delete e.order.customer),
        reasonMentions: 'order.customer',
      },
      {
        kind: 'unknown-event-type',
        expected: 'KAFKA_MESSAGE_INVALID',
        value: (n) =>
          edit(n, (e) => {
            e.event_type = 'order_teleported';
          }),
        reasonMentions: 'event_type',
      },
      {
        kind: 'wrong-schema-version',
        expected: 'KAFKA_MESSAGE_INVALID',
        value: (n) =>
          edit(n, (e) => {
            e.schema_version = 2;
          }),
        reasonMentions: 'schema_version',
      },
      {
        kind: 'negative-money',
        expected: 'KAFKA_MESSAGE_INVALID',
        value: (n) =>
          edit(n, (e) => {
            e.order.items[0].freight_value = '-5.00';
          }),
      },
      // kcat skips empty files, so these two go through its stdin, each with its own key.
      {
        kind: 'empty-value',
        expected: 'KAFKA_MESSAGE_UNPARSEABLE',
        value: () => Buffer.alloc(0),
        key: (n) => `empty-${n}`,
      },
      {
        kind: 'tombstone',
        expected: 'KAFKA_MESSAGE_TOMBSTONE',
        value: () => null,
        key: (n) => `tombstone-${n}`,
      },
      {
        kind: 'huge',
        expected: 'KAFKA_MESSAGE_OVERSIZE',
        // A valid event padded with JSON whitespace: only its size is wrong.
        value: (n) => {
          const json = utf8(JSON.stringify(decoy(n)));
          return Buffer.concat([json.subarray(0, -1), Buffer.alloc(HUGE_BYTES, 0x20), utf8('}')]);
        },
      },
      {
        kind: 'wrong-key',
        expected: 'KAFKA_MESSAGE_INVALID',
        value: (n) => utf8(JSON.stringify(decoy(n))),
        key: (n) => `not-the-order-${n}`,
        reasonMentions: 'record key',
      },
      {
        kind: 'bad-header-schema-version',
        expected: 'KAFKA_MESSAGE_INVALID',
        value: (n) => utf8(JSON.stringify(decoy(n))),
        key: (n) => decoy(n).order.order_id as string,
        headers: { 'schema-version': '2' },
        reasonMentions: 'schema-version',
      },
      {
        kind: 'bad-header-content-type',
        expected: 'KAFKA_MESSAGE_INVALID',
        value: (n) => utf8(JSON.stringify(decoy(n))),
        headers: { 'content-type': 'application/xml' },
        reasonMentions: 'content-type',
      },
      {
        kind: 'invalid-utf8',
        expected: 'KAFKA_MESSAGE_UNPARSEABLE',
        // Valid JSON around a byte sequence that is not UTF-8 (0xC3 0x28) inside a string.
        value: (n) => {
          const json = utf8(JSON.stringify(decoy(n)));
          const at = json.indexOf(utf8('"customer_city":"')) + '"customer_city":"'.length;
          return Buffer.concat([json.subarray(0, at), Buffer.from([0xc3, 0x28]), json.subarray(at)]);
        },
        reasonMentions: 'UTF-8',
      },
      {
        kind: 'bom-prefixed',
        expected: 'KAFKA_MESSAGE_UNPARSEABLE',
        value: (n) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(JSON.stringify(decoy(n)))]),
      },
      { kind: 'json-array', expected: 'KAFKA_MESSAGE_INVALID', value: (n) => utf8(`[${n}]`) },
    ];

    // The poison plan: POISON records, kinds round-robin, spread over ROUNDS rounds.
    const plan = Array.from({ length: POISON }, (_, i) => ({ kind: defined(kinds[i % kinds.length]), n: i }));
    const perRound = Math.ceil(POISON / ROUNDS);
    const validPerRound = Math.ceil(VALID / ROUNDS);
    const injected: Array<{ kind: string; key: string | null; digest: string }> = [];
    const base = ['-P', '-b', broker, '-t', topic, '-z', 'gzip', '-X', 'message.max.bytes=16000000', '-q'];

    const sink = createOrderSink({
      brokers: brokers(),
      topic,
      deadLetterTopic: dlq,
      groupId: uniqueName('faults-poison'),
      warehouse,
      flushMaxRecords: 500,
    });
    let rows = 0;
    let deadLettered = 0;
    const fatal: unknown[] = [];
    sink.on('flush', (f) => {
      rows += f.rows;
    });
    sink.on('dead-letter', () => {
      deadLettered++;
    });
    sink.on('error', (e, ctx) => {
      if (ctx.fatal) fatal.push(e);
    });
    await sink.start();

    for (let round = 0; round < ROUNDS; round++) {
      // The valid share: one kcat, a key per record (order_id), records split by 0x1E, key by 0x1F.
      const chunk = valid.slice(round * validPerRound, (round + 1) * validPerRound);
      if (chunk.length > 0) {
        const lines = chunk
          .map((e) => `${e.order.order_id}\x1f${JSON.stringify(serializeOrderEvent(e))}`)
          .join('\x1e');
        await kcat(
          [
            ...base,
            '-K',
            '\\x1f',
            '-D',
            '\\x1e',
            '-H',
            'schema-version=1',
            '-H',
            'content-type=application/json',
          ],
          lines,
        );
      }
      // The poison share: one kcat per kind and key, one file per record.
      const share = plan.slice(round * perRound, (round + 1) * perRound);
      const groups = new Map<string, typeof share>();
      for (const p of share) {
        const id = `${p.kind.kind}|${p.kind.key?.(p.n) ?? ''}`;
        groups.set(id, [...(groups.get(id) ?? []), p]);
      }
      for (const group of groups.values()) {
        const kind = defined(group[0]).kind;
        const headerArgs = ['-H', `x-inject=${kind.kind}`];
        for (const [name, v] of Object.entries(kind.headers ?? {})) headerArgs.push('-H', `${name}=${v}`);
        if (kind.kind === 'empty-value' || kind.kind === 'tombstone') {
          for (const p of group) {
            const key = defined(kind.key)(p.n);
            injected.push({ kind: kind.kind, key, digest: digest(kind.value(p.n)) });
            const tombstone = kind.expected === 'KAFKA_MESSAGE_TOMBSTONE' ? ['-Z'] : [];
            await kcat([...base, ...headerArgs, ...tombstone, '-K', '\\x1f'], `${key}\x1f\n`);
          }
          continue;
        }
        const key = kind.key?.(defined(group[0]).n);
        const files: string[] = [];
        for (const p of group) {
          const value = kind.value(p.n);
          const file = join(dir, `${kind.kind}-${p.n}.bin`);
          await writeFile(file, value ?? Buffer.alloc(0));
          files.push(file);
          injected.push({ kind: kind.kind, key: key ?? null, digest: digest(value) });
        }
        const args = [...base, ...headerArgs];
        if (key !== undefined) args.push('-k', key);
        await kcat([...args, ...files]);
      }
    }

    // Everything kcat claimed to send is on the topic (kcat exits 0 even when a topic is missing).
    const admin = createKafkaJsClientFactory({ brokers: brokers() }).admin();
    await admin.connect();
    const marks = await admin.fetchWatermarks(topic);
    await admin.disconnect();
    const onTopic = marks.reduce((n, m) => n + Number(m.high), 0);
    expect(onTopic).toBe(VALID + POISON);

    await waitFor(
      () => (rows >= VALID && deadLettered >= POISON) || fatal.length > 0,
      120_000,
      'rows and dead letters',
    );
    await sink.stop();
    expect(fatal).toEqual([]);

    // Dead letters: one per injected record, with the expected reason, byte for byte.
    const dead = await readTopic(dlq, POISON, 60_000);
    const expectedByKind = new Map(kinds.map((k) => [k.kind, k]));
    const problems: string[] = [];
    for (const record of dead) {
      const kind = expectedByKind.get(header(record, 'x-inject') ?? '');
      if (!kind) {
        problems.push(
          `a dead letter that was not injected: key ${record.key?.toString()} ${header(record, DEAD_LETTER_HEADERS.errorReason)}`,
        );
        continue;
      }
      const code = header(record, DEAD_LETTER_HEADERS.errorCode);
      const reason = header(record, DEAD_LETTER_HEADERS.errorReason) ?? '';
      if (code !== kind.expected)
        problems.push(`${kind.kind}: code ${code}, expected ${kind.expected} (${reason})`);
      if (reason.length === 0) problems.push(`${kind.kind}: no reason`);
      if (kind.reasonMentions && !reason.includes(kind.reasonMentions))
        problems.push(`${kind.kind}: reason "${reason}" does not mention ${kind.reasonMentions}`);
      if (header(record, DEAD_LETTER_HEADERS.originalTopic) !== topic)
        problems.push(`${kind.kind}: original topic`);
      if (!/^\d+$/.test(header(record, DEAD_LETTER_HEADERS.originalOffset) ?? ''))
        problems.push(`${kind.kind}: original offset`);
      if (Number.isNaN(Date.parse(header(record, DEAD_LETTER_HEADERS.failedAt) ?? '')))
        problems.push(`${kind.kind}: failed-at`);
      for (const [name, v] of Object.entries(kind.headers ?? {}))
        if (header(record, name) !== v) problems.push(`${kind.kind}: header ${name} not kept`);
    }
    expect(problems).toEqual([]);
    expect(dead).toHaveLength(POISON);
    const sentDigests = tally(injected.map((i) => `${i.kind} ${i.key ?? '-'} ${i.digest}`));
    const deadDigests = tally(
      dead.map((r) => `${header(r, 'x-inject')} ${r.key?.toString() ?? '-'} ${digest(r.value)}`),
    );
    expect(deadDigests).toEqual(sentDigests);

    // The warehouse: exactly the valid events.
    const q = warehouse.qualify('raw_order_events');
    const [found] = await warehouse.query<Record<string, string | number>>(
      `SELECT count(*)::BIGINT AS n, count(DISTINCT event_id)::BIGINT AS ids,
              (sum(items_value) * 100)::BIGINT AS items, (sum(freight_value) * 100)::BIGINT AS freight,
              (sum(payment_value) * 100)::BIGINT AS paid
         FROM ${q}`,
    );
    const [strays] = await warehouse.query<{ n: number }>(
      `SELECT count(*)::BIGINT AS n FROM ${q} WHERE event_id NOT IN (${valid.map((e) => `'${e.event_id}'`).join(',')})`,
    );
    const cents = (pick: (e: OrderEvent) => number[]) =>
      valid.reduce((t, e) => t + pick(e).reduce((a, b) => a + b, 0), 0);
    const source = {
      n: VALID,
      ids: new Set(valid.map((e) => e.event_id)).size,
      items: cents((e) => e.order.items.map((i) => i.price)),
      freight: cents((e) => e.order.items.map((i) => i.freight_value)),
      paid: cents((e) => e.order.payments.map((p) => p.payment_value)),
    };

    // raw_rejects: one row per dead letter, same codes.
    const rejects = await warehouse.query<{ code: string; n: number }>(
      `SELECT code, count(*)::BIGINT AS n FROM ${warehouse.qualify('raw_rejects')}
        WHERE source = 'kafka' AND source_name = '${topic}' GROUP BY code ORDER BY code`,
    );
    const rejectCodes = Object.fromEntries(rejects.map((r) => [r.code, Number(r.n)]));
    const expectedCodes = tally(plan.map((p) => p.kind.expected));

    printReconciliation(`poison: ${VALID} valid + ${POISON} malformed of ${kinds.length} kinds via kcat`, [
      ['records on the topic', VALID + POISON, onTopic],
      ['valid rows', source.n, Number(found?.n)],
      ['distinct event ids', source.ids, Number(found?.ids)],
      ['rows that were never sent valid', 0, Number(strays?.n)],
      ['items value (cents)', source.items, Number(found?.items)],
      ['freight value (cents)', source.freight, Number(found?.freight)],
      ['payment value (cents)', source.paid, Number(found?.paid)],
      ['dead letters', POISON, dead.length],
      ...Object.entries(expectedCodes).map(([code, n]): [string, unknown, unknown] => [
        `raw_rejects ${code}`,
        n,
        rejectCodes[code] ?? 0,
      ]),
    ]);
    console.log(`  injected per kind: ${JSON.stringify(tally(injected.map((i) => i.kind)))}`);

    expect(Number(found?.n)).toBe(source.n);
    expect(Number(found?.ids)).toBe(source.ids);
    expect(Number(strays?.n)).toBe(0);
    expect(Number(found?.items)).toBe(source.items);
    expect(Number(found?.freight)).toBe(source.freight);
    expect(Number(found?.paid)).toBe(source.paid);
    expect(rejectCodes).toEqual(expectedCodes);
  });
});
