import type { Warehouse } from '@orderstream/core';
import { createDashboardQueries } from '@orderstream/core/queries';
import { describe, expect, it } from 'vitest';
import type { DashboardFilters } from '../filters/dashboard-filters.js';
import { definePanel } from '../panels/panel.js';
import type { HubEvent } from './panel-hub.js';
import { PanelHub } from './panel-hub.js';

/** A warehouse whose stream-table fingerprint the test moves by hand. */
function fakeWarehouse() {
  const state = { rows: 1 };
  const warehouse = {
    dialect: 'duckdb',
    qualify: (table: string) => `"raw"."${table}"`,
    query: async () => [{ n: state.rows, newest: new Date(1_000 + state.rows) }],
  } as unknown as Warehouse;
  return { warehouse, state };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `condition` holds (polling). The bound only turns a hang into a failure: it is far
 * above what an idle machine needs, so a loaded one passes too.
 */
async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met within 30 s');
    await wait(20);
  }
}

function hubWith(values: { orders: number; alerts: number }, warehouse: Warehouse) {
  const loads: string[] = [];
  const orders = definePanel({
    id: 'orders',
    title: 'Orders',
    source: 'stream',
    filtered: true,
    slow: false,
    async load({ filters }: { filters: DashboardFilters }) {
      loads.push(`orders:${filters.state ?? '*'}`);
      return { orders: values.orders, state: filters.state ?? null };
    },
    toCsv: () => ({ columns: [], rows: [] }),
  });
  const alerts = definePanel({
    id: 'alerts',
    title: 'Alerts',
    source: 'alerts',
    filtered: false,
    slow: false,
    async load() {
      loads.push('alerts');
      return { firing: values.alerts };
    },
    toCsv: () => ({ columns: [], rows: [] }),
  });
  const hub = new PanelHub({
    warehouse,
    queries: createDashboardQueries({ warehouse }),
    panels: [orders, alerts],
    now: () => new Date(0),
    health: undefined,
    pollIntervalMs: 100,
    slowPanelIntervalMs: 0,
    maxFilterSets: 2,
    onError: () => undefined,
    queryDeadlineMs: 1000,
    log: undefined,
  });
  return { hub, loads };
}

const panelIds = (events: HubEvent[]) => events.flatMap((e) => (e.type === 'panel' ? [e.message.id] : []));

describe('PanelHub', () => {
  it('sends every panel on subscribe, then only panels whose payload changed', async () => {
    const { warehouse, state } = fakeWarehouse();
    const values = { orders: 5, alerts: 0 };
    const { hub } = hubWith(values, warehouse);
    const events: HubEvent[] = [];
    hub.subscribe({}, (event) => events.push(event));
    hub.start();
    await until(() => events.length >= 2);
    expect(panelIds(events)).toEqual(['orders', 'alerts']);

    events.length = 0;
    await wait(250);
    expect(panelIds(events)).toEqual([]);

    values.alerts = 1;
    await until(() => events.length > 0);
    await wait(250);
    expect(panelIds(events)).toEqual(['alerts']);

    events.length = 0;
    values.orders = 6;
    state.rows += 1;
    await until(() => events.length > 0);
    await wait(250);
    expect(panelIds(events)).toEqual(['orders']);
    await hub.stop();
  });

  it('does not recompute stream panels while the stream table is unchanged', async () => {
    const { warehouse } = fakeWarehouse();
    const { hub, loads } = hubWith({ orders: 1, alerts: 0 }, warehouse);
    hub.subscribe({}, () => undefined);
    hub.start();
    await until(() => loads.filter((l) => l === 'alerts').length >= 4);
    await hub.stop();
    expect(loads.filter((l) => l.startsWith('orders'))).toHaveLength(1);
  });

  it('computes filtered panels per filter set and refuses sets beyond the limit', async () => {
    const { warehouse } = fakeWarehouse();
    const { hub } = hubWith({ orders: 1, alerts: 0 }, warehouse);
    const sp: HubEvent[] = [];
    hub.subscribe({ state: 'SP' }, (event) => sp.push(event));
    hub.subscribe({ state: 'RJ' }, () => undefined);
    expect(() => hub.subscribe({ state: 'MG' }, () => undefined)).toThrow(/Too many/);
    await until(() => sp.length >= 2);
    const orders = sp.find((e) => e.type === 'panel' && e.message.id === 'orders');
    expect(orders?.type === 'panel' && orders.message.payload).toEqual({ orders: 1, state: 'SP' });
    await hub.stop();
  });
});
