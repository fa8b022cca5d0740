import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrderEvent } from '@orderstream/core';
import { createAlertEngine, orderEventSchema } from '@orderstream/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restoreState, saveState } from './state-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alert-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function orderAt(at: Date, n: number): OrderEvent {
  const hex = n.toString(16).padStart(32, '0');
  return orderEventSchema.parse({
    event_id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    event_type: 'order_created',
    event_time: at.toISOString(),
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

describe('state file', () => {
  it('saves the engine state and restores it into a new engine after a restart', async () => {
    const path = join(dir, 'state.json');
    const engine = createAlertEngine();
    const start = Date.parse('2018-03-05T10:00:00Z');
    for (let i = 0; i < 300; i++) engine.ingest(orderAt(new Date(start + i * 12_000), i + 1));
    await saveState(engine, path);

    const restarted = createAlertEngine();
    expect(await restoreState(restarted, path)).toBe('restored');
    expect(restarted.snapshot()).toEqual(engine.snapshot());
    expect(restarted.watermark).toEqual(engine.watermark);
  });

  it('reports a missing file as a first start', async () => {
    expect(await restoreState(createAlertEngine(), join(dir, 'none.json'))).toBe('missing');
  });

  it('ignores a corrupt or foreign file with a warning, and starts fresh', async () => {
    const warnings: string[] = [];
    for (const [name, content] of [
      ['truncated.json', '{"version":1,"aggr'],
      ['other.json', JSON.stringify({ version: 99 })],
    ] as const) {
      const path = join(dir, name);
      await writeFile(path, content);
      const engine = createAlertEngine();
      expect(await restoreState(engine, path, (w) => warnings.push(w))).toBe('invalid');
      expect(engine.watermark).toBeNull();
    }
    expect(warnings).toHaveLength(2);
  });
});
