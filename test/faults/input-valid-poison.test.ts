import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrderEventWire, Warehouse } from '@orderstream/core';
import { createOrderEventStream, runDbt, serializeOrderEvent } from '@orderstream/core';
import type { DuckDbWarehouse } from '@orderstream/duckdb';
import { createDashboardServer } from '@orderstream/example-dashboard';
import type { OrderSink } from '@orderstream/kafka';
import {
  createKafkaJsClientFactory,
  createOrderSink,
  DEAD_LETTER_HEADERS,
  readConsumerGroupHealth,
} from '@orderstream/kafka';
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
import { bySize, kcat, printReconciliation, tally } from './support/input-kit.js';

// Issue 19: events that pass a loose schema but that the warehouse cannot hold (or that a
// careless mapping corrupts) must be dead-lettered one by one; they never stop a partition.
const VALID = bySize(900, 9_000);
const EACH = bySize(6, 40); // per poison kind
const ROUNDS = bySize(3, 10);
const REFUSED_SOURCE = 'refused-by-the-test-warehouse';

// biome-ignore lint/suspicious/noExplicitAny: the cases edit an event's JSON freely.
type LooseJson = any;

interface PoisonKind {
  readonly kind: string;
  readonly code: 'KAFKA_MESSAGE_INVALID' | 'KAFKA_MESSAGE_REFUSED';
  /** The dead letter's reason must mention this. */
  readonly mentions: string;
  /** The record's JSON text, from a decoy event's wire form. */
  readonly text: (e: Record<string, LooseJson>) => string;
}

const edit =
  (change: (e: Record<string, LooseJson>) => void) =>
  (e: Record<string, LooseJson>): string => {
    change(e);
    return JSON.stringify(e);
  };

const KINDS: PoisonKind[] = [
  {
    // The exact event of the issue: each price fits, their sum is past 2^53 cents.
    kind: 'money-sum-overflow',
    code: 'KAFKA_MESSAGE_INVALID',
    mentions: 'order.items',
    text: edit((e) => {
      const item = e.order.items[0];
      e.order.items = [
        { ...item, order_item_id: 1, price: '90071992547409.91' },
        { ...item, order_item_id: 2, price: '0.02' },
      ];
    }),
  },
  {
    kind: 'lone-surrogate-city',
    code: 'KAFKA_MESSAGE_INVALID',
    mentions: 'customer_city',
    // JSON.stringify writes a lone surrogate as the escape `\ud800`, as an attacker would.
    text: edit((e) => {
      e.order.customer.customer_city = 'sao \ud800paulo';
    }),
  },
  {
    kind: 'lone-surrogate-source',
    code: 'KAFKA_MESSAGE_INVALID',
    mentions: 'source',
    text: edit((e) => {
      e.source = '\udc00';
    }),
  },
  {
    kind: 'far-future-time',
    code: 'KAFKA_MESSAGE_INVALID',
    mentions: 'event_time',
    text: edit((e) => {
      e.event_time = '9999-12-31T23:59:59.999Z';
    }),
  },
  {
    kind: 'epoch-time',
    code: 'KAFKA_MESSAGE_INVALID',
    mentions: 'event_time',
    text: edit((e) => {
      e.event_time = '1970-01-01T00:00:00.000Z';
    }),
  },
  {
    // Valid for the schema; the test warehouse below turns its row into one DuckDB refuses.
    kind: 'refused-by-warehouse',
    code: 'KAFKA_MESSAGE_REFUSED',
    mentions: 'items_value',
    text: edit((e) => {
      e.source = REFUSED_SOURCE;
    }),
  },
];

/**
 * The real DuckDB warehouse, except that rows of events from {@link REFUSED_SOURCE} carry an
 * `items_value` no money column holds: DuckDB's adapter refuses the whole transaction for them, as
 * it would for any value it cannot store.
 */
function refusingWarehouse(inner: DuckDbWarehouse): Warehouse {
  const writeWithOffsets: Warehouse['writeWithOffsets'] = (writes, offsets) =>
    inner.writeWithOffsets(
      writes.map((w) => ({
        ...w,
        rows: w.rows.map((row) => (row.source === REFUSED_SOURCE ? { ...row, items_value: 2 ** 60 } : row)),
      })),
      offsets,
    );
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'writeWithOffsets') return writeWithOffsets;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Warehouse;
}

describe('schema-valid poison produced with kcat (issue 19)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('dead-letters each poison with its reason, stores every valid event exactly once, never exits, and a restart re-publishes nothing', async () => {
    const broker = defined(brokers()[0]);
    const { topic, dlq } = await freshTopics(3);
    const { warehouse, path: warehousePath, dispose } = await tempWarehouse();
    cleanups.push(dispose);
    const groupId = uniqueName('faults-valid-poison');

    const valid = [...createOrderEventStream({ seed: 1901, limit: VALID })].map(serializeOrderEvent);
    // A few valid events hide a lone surrogate behind a duplicate key (JSON.parse keeps the last
    // value; DuckDB's JSON functions would read the first): stored, but never with the surrogate.
    const hidden = new Set(valid.filter((_, i) => i % 97 === 0).map((e) => e.event_id));
    const textOf = (e: OrderEventWire) => {
      const text = JSON.stringify(e);
      return hidden.has(e.event_id)
        ? text.replace('"customer_city":', '"customer_city":"\\ud800","customer_city":')
        : text;
    };
    const decoys = [...createOrderEventStream({ seed: 1902, limit: EACH * KINDS.length })].map(
      serializeOrderEvent,
    );
    const poison = decoys.map((e, i) => {
      const kind = defined(KINDS[i % KINDS.length]);
      return {
        kind,
        eventId: e.event_id,
        key: e.order.order_id as string,
        text: kind.text(structuredClone(e)),
      };
    });
    const poisonById = new Map(poison.map((p) => [p.eventId, p]));

    const sinks: OrderSink[] = [];
    let rows = 0;
    let deadLettered = 0;
    const fatal: unknown[] = [];
    const startSink = async () => {
      const sink = createOrderSink({
        brokers: brokers(),
        topic,
        deadLetterTopic: dlq,
        groupId,
        warehouse: refusingWarehouse(warehouse),
        flushMaxRecords: 200,
        retryMinTimeoutMs: 50,
      });
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
      sinks.push(sink);
      return sink;
    };
    const produce = async (records: ReadonlyArray<{ key: string; text: string }>) => {
      // One kcat per call: records split by 0x1E, key and value by 0x1F.
      const lines = records.map((r) => `${r.key}\x1f${r.text}`).join('\x1e');
      await kcat(['-P', '-b', broker, '-t', topic, '-K', '\\x1f', '-D', '\\x1e', '-q'], lines);
    };

    const first = await startSink();
    // Poison interleaved with the valid events, in every round.
    const perRound = Math.ceil(VALID / ROUNDS);
    const poisonPerRound = Math.ceil(poison.length / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      const mixed: Array<{ key: string; text: string }> = [];
      const good = valid.slice(round * perRound, (round + 1) * perRound);
      const bad = poison.slice(round * poisonPerRound, (round + 1) * poisonPerRound);
      const step = Math.max(1, Math.floor(good.length / Math.max(1, bad.length)));
      good.forEach((e, i) => {
        mixed.push({ key: e.order.order_id as string, text: textOf(e) });
        const p = i % step === 0 ? bad[i / step] : undefined;
        if (p) mixed.push({ key: p.key, text: p.text });
      });
      for (const p of bad.slice(Math.ceil(good.length / step))) mixed.push({ key: p.key, text: p.text });
      await produce(mixed);
    }
    await waitFor(
      () => (rows >= VALID && deadLettered >= poison.length) || fatal.length > 0,
      180_000,
      'valid rows and dead letters',
    );
    expect(fatal).toEqual([]);

    // A restart: the new sink starts where the warehouse says and re-publishes no dead letter.
    await first.stop();
    const more = [...createOrderEventStream({ seed: 1903, limit: 50 })].map(serializeOrderEvent);
    await startSink();
    await produce(more.map((e) => ({ key: e.order.order_id as string, text: JSON.stringify(e) })));
    await waitFor(() => rows >= VALID + more.length || fatal.length > 0, 120_000, 'rows after the restart');
    for (const sink of sinks) await sink.stop();
    expect(fatal).toEqual([]);
    expect(deadLettered).toBe(poison.length);

    // Dead letters: one per poison record, with its code and a reason naming the field.
    const dead = await readTopic(dlq, poison.length, 60_000);
    // Nothing was published twice (a restart re-publishing a partition's dead letters would show here).
    const admin = createKafkaJsClientFactory({ brokers: brokers() }).admin();
    await admin.connect();
    const marks = await admin.fetchWatermarks(dlq);
    await admin.disconnect();
    expect(marks.reduce((n, m) => n + Number(m.high), 0)).toBe(poison.length);
    const problems: string[] = [];
    for (const record of dead) {
      const eventId = (JSON.parse(record.value?.toString() ?? '{}') as { event_id?: string }).event_id ?? '';
      const p = poisonById.get(eventId);
      if (!p) {
        problems.push(`a dead letter that was not poison: ${eventId}`);
        continue;
      }
      const code = header(record, DEAD_LETTER_HEADERS.errorCode);
      const reason = header(record, DEAD_LETTER_HEADERS.errorReason) ?? '';
      if (code !== p.kind.code) problems.push(`${p.kind.kind}: code ${code} (${reason})`);
      if (!reason.includes(p.kind.mentions)) problems.push(`${p.kind.kind}: reason "${reason}"`);
      if (record.value?.toString() !== p.text) problems.push(`${p.kind.kind}: value not kept byte for byte`);
    }
    expect(problems).toEqual([]);
    expect(tally(dead.map((r) => header(r, DEAD_LETTER_HEADERS.errorCode) ?? '?'))).toEqual(
      tally(poison.map((p) => p.kind.code)),
    );
    const origins = dead.map(
      (r) =>
        `${header(r, DEAD_LETTER_HEADERS.originalPartition)}/${header(r, DEAD_LETTER_HEADERS.originalOffset)}`,
    );
    expect(new Set(origins).size).toBe(poison.length);

    // The warehouse: every valid event once, nothing else; every payload readable as JSON.
    const q = warehouse.qualify('raw_order_events');
    const expectedIds = [...valid, ...more].map((e) => e.event_id);
    const [found] = await warehouse.query<{ n: number; ids: number; strays: number; cities: number }>(
      `SELECT count(*)::BIGINT AS n, count(DISTINCT event_id)::BIGINT AS ids,
              count(*) FILTER (WHERE event_id NOT IN (${expectedIds.map((id) => `'${id}'`).join(',')}))::BIGINT AS strays,
              count(json_extract_string(payload, '$.order.customer.customer_city'))::BIGINT AS cities
         FROM ${q}`,
    );
    const rejects = await warehouse.query<{ code: string; n: number }>(
      `SELECT code, count(*)::BIGINT AS n FROM ${warehouse.qualify('raw_rejects')}
        WHERE source = 'kafka' AND source_name = '${topic}' GROUP BY code ORDER BY code`,
    );
    const rejectCodes = Object.fromEntries(rejects.map((r) => [r.code, Number(r.n)]));
    printReconciliation(
      `valid poison: ${expectedIds.length} valid + ${poison.length} poison of ${KINDS.length} kinds`,
      [
        ['valid rows', expectedIds.length, Number(found?.n)],
        ['distinct event ids', expectedIds.length, Number(found?.ids)],
        ['rows never sent valid', 0, Number(found?.strays)],
        ['payloads readable as JSON', expectedIds.length, Number(found?.cities)],
        ['dead letters', poison.length, dead.length],
      ],
    );
    expect(Number(found?.n)).toBe(expectedIds.length);
    expect(Number(found?.ids)).toBe(expectedIds.length);
    expect(Number(found?.strays)).toBe(0);
    expect(Number(found?.cities)).toBe(expectedIds.length);
    expect(rejectCodes).toEqual(tally(poison.map((p) => p.kind.code)));

    // The dashboard still answers over that stream table (a stored lone surrogate used to break
    // every JSON extraction: the KPI and top-sellers panels answered 503).
    const dashboard = await createDashboardServer({ warehouse, port: 0 });
    try {
      for (const panel of ['kpis', 'top-sellers', 'hourly-sales', 'heatmap']) {
        const response = await fetch(`${dashboard.url}api/panels/${panel}`);
        expect(`${panel}: ${response.status}`).toBe(`${panel}: 200`);
      }
    } finally {
      await dashboard.close();
    }

    // Health sees the dead letters, and the group is caught up.
    const health = await readConsumerGroupHealth({
      brokers: brokers(),
      topic,
      groupId,
      deadLetterTopic: dlq,
      deadLetterWindowMs: 3_600_000,
    });
    expect(health.deadLettered).toBe(poison.length);
    expect(health.lag).toBe(0);

    // dbt's stream staging (JSON extraction over every payload, one row per event id) builds and
    // its tests pass over what the sink stored, as the demo runs it: on a copy of the RAW schema.
    const copy = join(dirname(warehousePath), 'analytics.duckdb');
    await warehouse.copyRawSchemaTo(copy);
    const dbt = await runDbt({
      projectDir: fileURLToPath(new URL('../../dbt_transform', import.meta.url)),
      args: ['build', '--select', 'path:models/staging/stream', '--exclude', 'test_type:singular'],
      duckdbPath: copy,
    });
    expect(dbt.models.failed + dbt.tests.failed).toBe(0);
    // Staging is ephemeral: its SQL runs inlined in its tests (unique event ids, not-null fields…).
    expect(dbt.tests.passed).toBeGreaterThan(0);
  });
});
