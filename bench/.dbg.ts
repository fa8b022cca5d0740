import { AlertLifecycle, createDetector, generateAlertScenario } from '@orderstream/core';
const kind = (process.argv[2] ?? 'poisson-cusum') as 'poisson-cusum';
const vol = Number(process.argv[3] ?? 50);
const sk = (process.argv[4] ?? 'clean') as 'clean';
const s = generateAlertScenario({ kind: sk, ordersPerMinute: vol, seed: 1 });
const d = createDetector({ kind } as never) as never as { warmStart(p: unknown): void; update(t: number, v: number): any };
d.warmStart?.(s.history.orders);
const l = new AlertLifecycle({ forMinutes: Number(process.argv[5] ?? 0), cooldownMinutes: 30 });
const t0 = s.start.getTime();
for (let m = 0; m < s.orders.length; m++) {
  const t = t0 + m * 60000;
  const v = d.update(t, s.orders[m] as number);
  const tr = l.step(t, v);
  if (tr === 'fired' || tr === 'resolved') console.log(new Date(t).toISOString(), tr, v.breach, v.observed.toFixed(1), v.expected?.toFixed(1), v.score.toFixed(2), s.orders[m]);
}
console.log(s.anomalies.map(a=>a.start.toISOString()+' '+a.factor.toFixed(2)).join('\n'));
