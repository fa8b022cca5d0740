import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaJsClientFactory, ensureTopics } from '@orderstream/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AlertConsumer } from '../src/alert-consumer.js';
import { startAlertConsumer } from '../src/alert-consumer.js';

const MIN = 60_000;
const brokers = inject('kafkaBrokers').split(',');
const kafka = createKafkaJsClientFactory({ clientId: 'custom-consumer-test', brokers, logLevel: 'nothing' });
const topic = `alerts-example-${randomUUID()}`;

let dir: string;
let server: Server;
let webhookUrl: string;
const received: Record<string, unknown>[] = [];

/** An order event as written on the wire (JSON), at `at`. */
function wireOrder(at: number, n: number): string {
  const hex = n.toString(16).padStart(32, '0');
  return JSON.stringify({
    event_id: randomUUID(),
    event_type: 'order_created',
    event_time: new Date(at).toISOString(),
    schema_version: 1,
    source: 'test',
    order: {
      order_id: hex,
      customer_id: hex,
      order_status: 'created',
      order_purchase_timestamp: '2018-03-05 07:00:00',
      order_approved_at: null,
      order_delivered_carrier_date: null,
      order_delivered_customer_date: null,
      order_estimated_delivery_date: '2018-03-20 00:00:00',
      customer: {
        customer_id: hex,
        customer_unique_id: hex,
        customer_zip_code_prefix: '01001',
        customer_city: 'sao paulo',
        customer_state: 'SP',
      },
      items: [
        {
          order_item_id: 1,
          product_id: hex,
          seller_id: hex,
          shipping_limit_date: '2018-03-07 00:00:00',
          price: '99.90',
          freight_value: '12.50',
        },
      ],
      payments: [],
    },
  });
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'custom-consumer-'));
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
  await ensureTopics({ brokers, ordersTopic: topic, deadLetterTopic: `${topic}.dlq`, partitions: 1 });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('custom consumer (real Kafka)', () => {
  it('posts an outage alert to the webhook when orders stop, and keeps its state across a restart', async () => {
    // 25 minutes of 20 orders a minute, ending 5 minutes ago: then nothing, an outage.
    const now = Date.now();
    const start = Math.floor(now / MIN) * MIN - 30 * MIN;
    const messages = [];
    for (let m = 0; m < 25; m++) {
      for (let i = 0; i < 20; i++)
        messages.push({ value: wireOrder(start + m * MIN + i * 2_900, m * 100 + i + 1) });
    }
    messages.push({ value: '{"not":"an order event"}' });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({
      topic,
      records: messages.map((m) => ({ key: null, value: m.value })),
      compression: 'none',
    });
    await producer.disconnect();

    const config = {
      brokers,
      topic,
      groupId: `group-${randomUUID()}`,
      fromBeginning: true,
      stateFile: join(dir, 'state.json'),
      webhookUrl,
      advanceEveryMs: 250,
      engine: {
        rules: [
          { name: 'orders-silence', metric: 'orders' as const, detector: { kind: 'silence' as const } },
        ],
        allowedLatenessMs: 60_000,
      },
      log: () => {},
    };
    let consumer: AlertConsumer = await startAlertConsumer(config);
    expect(consumer.restored).toBe('missing');
    const alert = await waitFor(() => received.find((body) => body.rule === 'orders-silence'), 60_000);
    expect(alert).toMatchObject({ series: 'orders', state: 'firing', severity: 'warning', observed: 0 });
    expect(Date.parse(alert.started_at as string)).toBeGreaterThanOrEqual(start + 25 * MIN);
    expect(String(alert.text)).toMatch(/^\[WARNING\] orders dropped to zero/);
    expect(consumer.engine.lateEvents).toBe(0);
    await consumer.stop();
    expect((await stat(config.stateFile)).size).toBeGreaterThan(0);

    consumer = await startAlertConsumer(config);
    expect(consumer.restored).toBe('restored');
    expect(consumer.engine.firingAlerts().map((a) => a.rule)).toEqual(['orders-silence']);
    await consumer.stop();
  });
});
