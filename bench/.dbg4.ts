import { PoissonCusumDetector, generateAlertScenario } from '@orderstream/core';
const s = generateAlertScenario({ kind: 'drops', ordersPerMinute: 50, seed: 1 });
const d = new PoissonCusumDetector();
d.warmStart(s.history.orders);
console.log(d.snapshot().profile.values.slice(102, 110).map((v) => v.toFixed(1)).join(' '));
console.log(s.history.orders.filter((p) => p.at.getUTCDay() === 5 && p.at.getUTCHours() >= 6 && p.at.getUTCHours() <= 11).map((p) => `${p.at.toISOString().slice(0, 13)} ${(p.value / 60).toFixed(1)}`).join('\n'));
