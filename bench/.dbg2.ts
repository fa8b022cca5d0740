import { createAlertEngine, generateAlertScenario, type OrderEvent } from '@orderstream/core';
const vol = Number(process.argv[2] ?? 50);
const kinds = (process.argv[3] ?? 'drops').split(',') as 'drops'[];
for (const kind of kinds) {
const s = generateAlertScenario({ kind, ordersPerMinute: vol, seed: Number(process.argv[4] ?? 1) });
const engine = createAlertEngine();
engine.warmStart('orders', s.history.orders);
engine.warmStart('revenue', s.history.revenue);
const wins = s.anomalies.map((a) => [a.start.getTime(), a.end.getTime() + 30 * 60000]);
engine.on('alert', (a) => {
  const f = a.firedAt.getTime();
  const ok = wins.some(([st, en]) => f > st! && f <= en!);
  if (!ok) console.log(kind, 'FALSE', a.rule, a.explanation);
});
engine.on('resolved', (a) => { if (process.argv[5]) console.log('  resolved', a.rule, a.resolvedAt?.toISOString()); });
const t0 = s.start.getTime();
const ev = { event_type: 'order_created', event_id: 'x', event_time: new Date(0), order: { customer: { customer_state: 'SP' }, items: [{ price: 0, freight_value: 0 }] } };
for (let m = 0; m < s.orders.length; m++) {
  for (const [cents] of s.ordersOf(m)) {
    ev.event_time = new Date(t0 + m * 60000 + 1000);
    ev.order.items[0]!.price = cents;
    engine.ingest(ev as unknown as OrderEvent);
  }
  engine.advance(new Date(t0 + (m + 1) * 60000 - 120000));
}
console.log(kind, s.anomalies.map((a) => `${a.start.toISOString()}–${a.end.toISOString().slice(11,16)} ×${a.factor.toFixed(2)}`).join(' | '));
}
