import { AlertLifecycle, PoissonCusumDetector, generateAlertScenario, type AlertScenarioKind } from '@orderstream/core';
for (const h of [8, 10, 12]) for (const shift of [0.5, 0.7]) for (const vol of [2, 50]) {
  const out: string[] = [];
  for (const kind of ['clean', 'spikes', 'drops', 'outages'] as AlertScenarioKind[]) {
    let fp = 0, det = 0, n = 0; const delays: number[] = [];
    for (const seed of [1, 2]) {
      const s = generateAlertScenario({ kind, ordersPerMinute: vol, seed });
      const d = new PoissonCusumDetector({ threshold: h, shift }); d.warmStart(s.history.orders);
      const l = new AlertLifecycle({ cooldownMinutes: 30 });
      const fired: number[] = [];
      const t0 = s.start.getTime();
      for (let m = 0; m < s.orders.length; m++) { const t = t0 + m * 60000; if (l.step(t, d.update(t, s.orders[m]!)) === 'fired') fired.push(t + 60000); }
      const w = s.anomalies.map((a) => [a.start.getTime(), a.end.getTime() + 1800000] as const);
      fp += fired.filter((f) => !w.some(([a, b]) => f > a && f <= b)).length;
      for (const [a, b] of w) { n++; const f = fired.find((x) => x > a && x <= b); if (f) { det++; delays.push((f - a) / 60000); } }
    }
    delays.sort((a, b) => a - b);
    out.push(`${kind}: fp/wk ${(fp / 8).toFixed(2)} rec ${n ? (det / n).toFixed(2) : '-'} d ${delays[delays.length >> 1] ?? '-'}`);
  }
  console.log(`h=${h} shift=${shift} vol=${vol} | ${out.join(' | ')}`);
}
