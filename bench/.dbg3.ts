import { PoissonCusumDetector, generateAlertScenario } from '@orderstream/core';
const s = generateAlertScenario({ kind: 'drops', ordersPerMinute: 50, seed: 1 });
const d = new PoissonCusumDetector();
d.warmStart(s.history.orders);
const t0 = s.start.getTime();
const from = Date.parse(process.argv[2] ?? '2018-01-26T08:30:00Z'), to = from + 80 * 60000;
for (let m = 0; m < s.orders.length; m++) {
  const t = t0 + m * 60000;
  const v = d.update(t, s.orders[m]!);
  if (t >= from && t < to && m % 2 === 0) {
    const snap = d.snapshot();
    console.log(new Date(t).toISOString().slice(11, 16), s.orders[m], v.expected?.toFixed(1), v.score.toFixed(1), snap.profile.level.toFixed(3));
  }
}
