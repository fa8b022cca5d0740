/**
 * Benchmarks the alert detectors on labelled scenarios: precision, recall, median detection delay
 * and false alerts per simulated week, per detector and scenario, the delay beside an oracle CUSUM
 * at the same false-alarm rate, plus throughput; and on ten real labelled count series of the
 * Numenta Anomaly Benchmark (../shared/nab-dev, skipped when absent), scored with NAB's standard
 * profile beside the published detectors.
 *
 *   node --conditions=@orderstream/source --import tsx bench/detectors.ts [--quick] [--repeats 3] [--seeds 2] [--weeks 4]
 *
 * The scores are deterministic (seeded scenarios) and computed once; the default configuration's
 * throughput is measured once per repeat. Writes bench/results/detectors.{md,json}.
 */

import { fileURLToPath } from 'node:url';
import {
  ALERT_SCENARIO_KINDS,
  AlertLifecycle,
  type AlertRule,
  type AlertScenario,
  createAlertEngine,
  createDetector,
  DEFAULT_ALERT_RULES,
  type DetectorConfig,
  generateAlertScenario,
  isWarmStartable,
} from '@orderstream/core';
import { machineLine } from './lib/machine.js';
import { medianCell } from './lib/markdown.js';
import { loadNabDev } from './lib/nab.js';
import { type NabQuick, PUBLISHED, runNabBenchmark, runNabSeriesDetector } from './lib/nab-bench.js';
import { parseBenchOptions } from './lib/options.js';
import { calibrateOracle, oracleDelay } from './lib/oracle-cusum.js';
import { replayThroughEngine } from './lib/replay-engine.js';
import { BenchRecorder } from './lib/result.js';

const MINUTE_MS = 60_000;
const WEEK_MINUTES = 10_080;
/** Alerts fired up to this long after an anomaly's window still count as detecting it. */
const GRACE_MINUTES = 30;

const options = parseBenchOptions('detectors.ts', {
  seeds: { full: 2, quick: 1, description: 'scenario seeds per kind and volume' },
  weeks: { full: 4, quick: 1, description: 'judged weeks per scenario' },
});
const { seeds: SEEDS, weeks: WEEKS } = options.sizes;
const recorder = new BenchRecorder('detectors', 'Detectors', options);
const VOLUMES = [50, 2];
/** The values of `maxAlertsPerWeek` the held-out selection chooses from, and the default. */
const FA_CANDIDATES = [1 / 3, 2 / 3, 1];
const DEFAULT_FA = 1;
const REPLAY_SEEDS = [1, 2, 3];
const RULES = DEFAULT_ALERT_RULES.length;

interface Fired {
  firedAt: number;
}

interface Score {
  alerts: number;
  truePositives: number;
  anomalies: number;
  detected: number;
  delays: number[];
  weeks: number;
}

const emptyScore = (): Score => ({
  alerts: 0,
  truePositives: 0,
  anomalies: 0,
  detected: 0,
  delays: [],
  weeks: 0,
});

/** Where an alert counts as detecting an anomaly: after its start, up to the grace after its end (epoch ms). */
interface JudgedWindow {
  start: number;
  end: number;
}

const judgedWindows = (scenario: AlertScenario): JudgedWindow[] =>
  scenario.anomalies.map((a) => ({
    start: a.start.getTime(),
    end: a.end.getTime() + GRACE_MINUTES * MINUTE_MS,
  }));

const inWindow = (w: JudgedWindow, f: Fired): boolean => f.firedAt > w.start && f.firedAt <= w.end;

function score(into: Score, scenario: AlertScenario, fired: readonly Fired[]): void {
  const windows = judgedWindows(scenario);
  into.weeks += scenario.orders.length / WEEK_MINUTES;
  into.alerts += fired.length;
  into.truePositives += fired.filter((f) => windows.some((w) => inWindow(w, f))).length;
  into.anomalies += windows.length;
  for (const w of windows) {
    const first = fired.find((f) => inWindow(w, f));
    if (first !== undefined) {
      into.detected += 1;
      into.delays.push((first.firedAt - w.start) / MINUTE_MS);
    }
  }
}

/** A bench candidate: a detector with the lifecycle settings it would have in a rule. */
interface Candidate {
  name: string;
  detector: (scenario: AlertScenario) => DetectorConfig;
  forMinutes: number;
  cooldownMinutes: number;
  warmStart: boolean;
}

const fromDefaults = (name: string): Omit<Candidate, 'name' | 'detector' | 'warmStart'> => {
  const rule = DEFAULT_ALERT_RULES.find((r) => r.name === name) as AlertRule;
  return { forMinutes: rule.forMinutes ?? 0, cooldownMinutes: rule.cooldownMinutes ?? 10 };
};

const CANDIDATES: Candidate[] = [
  {
    name: 'threshold (history p99.9 ×1.5 / ×0.3 of p0.1)',
    detector: (s) => {
      const perMinute = s.history.orders.map((p) => p.value / 60).sort((a, b) => a - b);
      const high = perMinute[Math.floor(perMinute.length * 0.999)] ?? 0;
      const low = perMinute[Math.floor(perMinute.length * 0.001)] ?? 0;
      return { kind: 'threshold', above: high * 1.5, below: low * 0.3 };
    },
    forMinutes: 1,
    cooldownMinutes: 30,
    warmStart: false,
  },
  { name: 'ewma', detector: () => ({ kind: 'ewma' }), forMinutes: 1, cooldownMinutes: 30, warmStart: false },
  { name: 'mad', detector: () => ({ kind: 'mad' }), forMinutes: 1, cooldownMinutes: 30, warmStart: false },
  {
    name: 'seasonal (warm-started)',
    detector: () => ({ kind: 'seasonal' }),
    forMinutes: 1,
    cooldownMinutes: 30,
    warmStart: true,
  },
  {
    name: 'poisson-cusum (warm-started)',
    detector: () => ({ kind: 'poisson-cusum' }),
    forMinutes: 0,
    cooldownMinutes: 30,
    warmStart: true,
  },
  {
    name: 'demand (warm-started)',
    detector: () => ({ kind: 'demand' }),
    ...fromDefaults('orders-demand'),
    warmStart: true,
  },
  {
    name: 'silence (warm-started)',
    detector: () => ({ kind: 'silence' }),
    forMinutes: 0,
    cooldownMinutes: 10,
    warmStart: true,
  },
];

function runCandidate(
  candidate: Candidate,
  scenario: AlertScenario,
): { fired: Fired[]; updates: number; ms: number } {
  const detector = createDetector(candidate.detector(scenario));
  if (candidate.warmStart && isWarmStartable(detector)) detector.warmStart(scenario.history.orders);
  const lifecycle = new AlertLifecycle({
    forMinutes: candidate.forMinutes,
    cooldownMinutes: candidate.cooldownMinutes,
  });
  const fired: Fired[] = [];
  const start = scenario.start.getTime();
  const { orders } = scenario;
  const began = performance.now();
  for (let m = 0; m < orders.length; m++) {
    const t = start + m * MINUTE_MS;
    if (lifecycle.step(t, detector.update(t, orders[m] as number)) === 'fired')
      fired.push({ firedAt: t + MINUTE_MS });
  }
  return { fired, updates: orders.length, ms: performance.now() - began };
}

/** The default configuration end to end: order events through `createAlertEngine()`. */
function runEngine(scenario: AlertScenario): { fired: Fired[]; events: number; minutes: number; ms: number } {
  const engine = createAlertEngine();
  engine.warmStart('orders', scenario.history.orders);
  const fired: Fired[] = [];
  engine.on('alert', (alert) => fired.push({ firedAt: alert.firedAt.getTime() }));
  const result = replayThroughEngine(engine, scenario.start.getTime(), scenario.orders.length, (m) =>
    scenario.ordersOf(m),
  );
  return { fired, ...result };
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** The median over `total` anomalies of which `delays` were detected (the rest: +∞). */
const medianWithMisses = (delays: readonly number[], total: number): number =>
  total === 0
    ? Number.NaN
    : (median([
        ...delays,
        ...new Array<number>(Math.max(0, total - delays.length)).fill(Number.POSITIVE_INFINITY),
      ]) ?? Number.NaN);

const fmtMiss = (value: number): string =>
  value === Number.POSITIVE_INFINITY ? 'not reached' : Number.isNaN(value) ? '–' : value.toFixed(1);

const fmt = (value: number | null, digits = 2): string =>
  value === null || Number.isNaN(value) ? '–' : value.toFixed(digits);

function row(name: string, scenario: string, s: Score): string {
  const precision = s.alerts === 0 ? null : s.truePositives / s.alerts;
  const recall = s.anomalies === 0 ? null : s.detected / s.anomalies;
  const falsePerWeek = (s.alerts - s.truePositives) / s.weeks;
  return `| ${name} | ${scenario} | ${s.anomalies} | ${s.alerts} | ${fmt(precision)} | ${fmt(recall)} | ${fmt(median(s.delays), 1)} | ${fmt(falsePerWeek)} |`;
}

const HEADER = [
  '| detector | scenario | anomalies | alerts | precision | recall | median delay (min) | false alerts / week |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
];

const began = Date.now();
const detectorRows: string[] = [];
const engineRows: string[] = [];
const throughput = new Map<string, { updates: number; ms: number }>();
let engineThroughput = { events: 0, minutes: 0, ms: 0 };
const overall = new Map<number, Score>();
const engineByVolume = new Map<number, Map<string, Score>>();
/**
 * Per volume, the false alerts of the default configuration as (seed, minute): outside its anomalies
 * every scenario of a seed is the same stream (the slow noise and the counts depend on the seed and
 * the minute only), so one dip of the clean noise is a false alert in every kind.
 */
const falseEvents = new Map<number, { alerts: number; distinct: Set<string> }>();

for (const volume of VOLUMES) {
  const perCandidate = new Map<string, Map<string, Score>>();
  const engineScores = new Map<string, Score>();
  const total = emptyScore();
  for (const kind of ALERT_SCENARIO_KINDS) {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const scenario = generateAlertScenario({ kind, ordersPerMinute: volume, weeks: WEEKS, seed });
      for (const candidate of CANDIDATES) {
        const result = runCandidate(candidate, scenario);
        const byKind = perCandidate.get(candidate.name) ?? new Map<string, Score>();
        perCandidate.set(candidate.name, byKind);
        const s = byKind.get(kind) ?? emptyScore();
        byKind.set(kind, s);
        score(s, scenario, result.fired);
        const t = throughput.get(candidate.name) ?? { updates: 0, ms: 0 };
        throughput.set(candidate.name, { updates: t.updates + result.updates, ms: t.ms + result.ms });
      }
      const engine = runEngine(scenario);
      engineThroughput = {
        events: engineThroughput.events + engine.events,
        minutes: engineThroughput.minutes + engine.minutes,
        ms: engineThroughput.ms + engine.ms,
      };
      const s = engineScores.get(kind) ?? emptyScore();
      engineScores.set(kind, s);
      score(s, scenario, engine.fired);
      score(total, scenario, engine.fired);
      const events = falseEvents.get(volume) ?? { alerts: 0, distinct: new Set<string>() };
      falseEvents.set(volume, events);
      const windows = judgedWindows(scenario);
      for (const f of engine.fired) {
        if (windows.some((w) => inWindow(w, f))) continue;
        events.alerts += 1;
        events.distinct.add(`${seed}@${(f.firedAt - scenario.start.getTime()) / MINUTE_MS}`);
      }
      process.stderr.write(`done ${scenario.name} seed ${seed}\n`);
    }
  }
  for (const [name, byKind] of perCandidate) {
    for (const [kind, s] of byKind) detectorRows.push(row(name, `${kind}@${volume}`, s));
  }
  for (const [kind, s] of engineScores) engineRows.push(row('default configuration', `${kind}@${volume}`, s));
  engineRows.push(row('**default configuration**', `**all@${volume}**`, total));
  overall.set(volume, total);
  engineByVolume.set(volume, engineScores);
}

// The oracle: per anomaly, a CUSUM knowing the pre-change rates and the factor, with its threshold
// set so that on the clean scenario of the same seed it raises no more false alarms than ours.
const ORACLE_KINDS = ['spikes', 'drops', 'outages', 'level-shifts'] as const;
const oracleRows: string[] = [];
const delayRatio = new Map<number, { ours: number[]; oracle: number[] }>();
/** Per volume: scenarios whose delay (over every anomaly) is within 1.5 × the oracle's. */
const scenarioVerdicts = new Map<number, { met: number; of: number }>();
for (const volume of VOLUMES) {
  const s = overall.get(volume) as Score;
  const oursPerWeek = (s.alerts - s.truePositives) / s.weeks;
  const all = { ours: [] as number[], oracle: [] as number[] };
  for (const kind of ORACLE_KINDS) {
    const oracle: number[] = [];
    // The same CUSUM knowing the rhythm and the factor but not the slow noise: how much of the
    // oracle's speed comes from knowing each minute's wobble, which no detector can see.
    const rhythmOnly: number[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const clean = generateAlertScenario({ kind: 'clean', ordersPerMinute: volume, weeks: WEEKS, seed });
      const allowed = Math.floor(oursPerWeek * WEEKS);
      const scenario = generateAlertScenario({ kind, ordersPerMinute: volume, weeks: WEEKS, seed });
      scenario.anomalies.forEach((anomaly, index) => {
        // A level shift changes the rate from the previous shift's factor (back to ×1 from ×0.6 is
        // a ×1.67 change): the oracle knows both.
        const before =
          kind === 'level-shifts' && index > 0 ? (scenario.anomalies[index - 1]?.factor ?? 1) : 1;
        const factor = anomaly.factor / before;
        const from = (anomaly.start.getTime() - scenario.start.getTime()) / MINUTE_MS;
        const span = (anomaly.end.getTime() - anomaly.start.getTime()) / MINUTE_MS + GRACE_MINUTES;
        // The oracle's delay when it knows `rates` of the clean and this scenario (the same minutes).
        const delayKnowing = (rates: (s: AlertScenario) => Float64Array): number | null => {
          const threshold = calibrateOracle(rates(clean), clean.orders, factor, allowed);
          const base = before === 1 ? rates(scenario) : rates(scenario).map((rate) => rate * before);
          return oracleDelay(base, scenario.orders, from, factor, threshold, span);
        };
        const delay = delayKnowing((s) => s.baseRates);
        if (delay !== null) oracle.push(delay);
        const rhythmDelay = delayKnowing((s) => s.rhythmRates);
        if (rhythmDelay !== null) rhythmOnly.push(rhythmDelay);
      });
    }
    const scored = engineByVolume.get(volume)?.get(kind);
    const ours = scored?.delays ?? [];
    const anomalies = scored?.anomalies ?? 0;
    all.ours.push(...ours);
    all.oracle.push(...oracle);
    const ratio = (median(ours) ?? Number.NaN) / (median(oracle) ?? Number.NaN);
    // Over every labelled anomaly, an undetected one counting as slower than any detection: a
    // ratio over a handful of detections says nothing about the others.
    const oursAll = medianWithMisses(ours, anomalies);
    const oracleAll = medianWithMisses(oracle, anomalies);
    const ratioAll = oursAll / oracleAll;
    const rhythmAll = medianWithMisses(rhythmOnly, anomalies);
    const met = Number.isFinite(ratioAll) && ratioAll <= 1.5;
    const tally = scenarioVerdicts.get(volume) ?? { met: 0, of: 0 };
    scenarioVerdicts.set(volume, { met: tally.met + (met ? 1 : 0), of: tally.of + 1 });
    const verdict = met ? 'met' : '**missed**';
    oracleRows.push(
      `| ${kind}@${volume} | ${fmt(median(ours), 1)} (${ours.length} of ${anomalies}) | ${fmt(median(oracle), 1)} (${oracle.length}) | ${fmt(ratio)} | ${fmtMiss(oursAll)} | ${fmtMiss(oracleAll)} | ${Number.isFinite(ratioAll) ? fmt(ratioAll) : '–'} | ${verdict} | ${fmtMiss(rhythmAll)} (${rhythmOnly.length}) | ${Number.isFinite(rhythmAll / oracleAll) ? fmt(rhythmAll / oracleAll) : '–'} |`,
    );
  }
  delayRatio.set(volume, all);
}

// The real labelled series (../shared/nab-dev from the repo root); skipped when absent.
const nabDir = fileURLToPath(new URL('../../shared/nab-dev', import.meta.url));
const nab = options.quick ? null : runNabBenchmark(nabDir, 1, (line) => process.stderr.write(`${line}\n`));
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const nabLines: string[] = [];
if (nab === null) {
  nabLines.push(
    options.quick
      ? 'Skipped in a quick run.'
      : 'Skipped: `../shared/nab-dev` (relative to the repo root) is absent.',
  );
} else {
  const ourMean = mean(nab.map((r) => r.normalized));
  const half = (parity: number) => mean(nab.filter((_, i) => i % 2 === parity).map((r) => r.normalized));
  const maxPerWeek = Math.max(...nab.map((r) => r.falseAlertsPerWeek));
  recorder.sample('nab-mean-normalized', ourMean, {
    label: 'NAB standard score, mean normalized over the ten real series (default rules)',
    unit: '',
  });
  recorder.sample('nab-max-false-per-week', maxPerWeek, {
    label: 'NAB series: false alerts per week, worst series (default rules)',
    unit: '/week',
  });
  recorder.sample('nab-mean-false-per-week', mean(nab.map((r) => r.falseAlertsPerWeek)), {
    label: 'NAB series: false alerts per week, mean over the ten series',
    unit: '/week',
  });
  recorder.target('nab-mean-normalized', '>=', 65.8, 'real series (NAB), above Numenta HTM (htmjava)');
  recorder.target('nab-max-false-per-week', '<=', 1, 'real series (NAB), every series');
  const publishedMean = (d: string) => mean(nab.map((r) => r.published[d] ?? 0));
  nabLines.push(
    '### Real labelled series: NAB realTweets, default rules, NAB standard profile',
    '',
    'Each of the ten series of `../shared/nab-dev` (tweets per 5 minutes, two months each, 33 labelled windows) is',
    "replayed as an order stream: one order per counted unit, spread at random over its row's five minutes (seed 1),",
    'through `createAlertEngine()` with the default rules and **no warm start**, the watermark advanced every minute.',
    "An alert's firing minute is a detection in its row. Scored with our NAB scorer (`scoreNab`, tested against the",
    'published numbers it can reproduce, see `packages/core/src/alerts/nab-score.test.ts`); the published columns are',
    "the normalized scores from `published-scores.json`. False alerts = alerts outside every window after NAB's",
    'probation period (the first 15 % of rows, at most 750: 2.6 days), per week of the remaining time.',
    '',
    `| series | windows | alerts | windows hit | false alerts | false / week | **ours** | ${PUBLISHED.join(' | ')} |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ${PUBLISHED.map(() => '---:').join(' | ')} |`,
    ...nab.map(
      (r) =>
        `| ${r.name} | ${r.windows} | ${r.alerts} | ${r.windowsHit} | ${r.falsePositiveRows} | ${fmt(r.falseAlertsPerWeek)} | **${fmt(r.normalized, 1)}** | ${PUBLISHED.map((d) => fmt(r.published[d] ?? null, 1)).join(' | ')} |`,
    ),
    `| **mean** | ${nab.reduce((a, r) => a + r.windows, 0)} | ${nab.reduce((a, r) => a + r.alerts, 0)} | ${nab.reduce((a, r) => a + r.windowsHit, 0)} | ${nab.reduce((a, r) => a + r.falsePositiveRows, 0)} | ${fmt(mean(nab.map((r) => r.falseAlertsPerWeek)))} | **${fmt(ourMean, 1)}** | ${PUBLISHED.map((d) => fmt(publishedMean(d), 1)).join(' | ')} |`,
    '',
    `Halves (alternate files): ${nab
      .filter((_, i) => i % 2 === 0)
      .map((r) => r.name)
      .join(', ')}: mean ${fmt(half(0), 1)}; ${nab
      .filter((_, i) => i % 2 === 1)
      .map((r) => r.name)
      .join(', ')}: mean ${fmt(half(1), 1)}.`,
    '',
    ...heldOut(nabDir),
  );
}

/**
 * Out-of-sample checks of the one setting a user would tune, `maxAlertsPerWeek`: chosen on some
 * series (best mean normalized score among the candidates that keep every one of them at ≤ 1 false
 * alert a week), scored on the others. Plus the spread over replay seeds of the default.
 */
function heldOut(dir: string): string[] {
  const all = loadNabDev(dir) ?? [];
  const names = all.map((series) => series.name.replace('Twitter_volume_', ''));
  const runs = FA_CANDIDATES.map((rate) =>
    all.map((series) => runNabSeriesDetector(series, 1, { kind: 'demand', maxAlertsPerWeek: rate })),
  );
  const choose = (on: readonly number[]): number => {
    const stats = runs.map((run) => ({
      score: mean(on.map((i) => (run[i] as NabQuick).normalized)),
      worst: Math.max(...on.map((i) => (run[i] as NabQuick).falseAlertsPerWeek)),
    }));
    const allowed = stats.map((st, c) => ({ ...st, c })).filter((st) => st.worst <= 1);
    if (allowed.length === 0)
      return stats.reduce((b, st, c) => (st.worst < (stats[b] as typeof st).worst ? c : b), 0);
    return allowed.reduce((b, st) => (st.score > b.score ? st : b)).c;
  };
  const indices = all.map((_, i) => i);
  const even = indices.filter((i) => i % 2 === 0);
  const odd = indices.filter((i) => i % 2 === 1);
  const split = new Map<number, { rate: number; run: NabQuick }>();
  for (const [tuneOn, reportOn] of [
    [even, odd],
    [odd, even],
  ] as const) {
    const c = choose(tuneOn);
    for (const i of reportOn)
      split.set(i, { rate: FA_CANDIDATES[c] as number, run: (runs[c] as NabQuick[])[i] as NabQuick });
  }
  const loso = indices.map((i) => {
    const c = choose(indices.filter((j) => j !== i));
    return { rate: FA_CANDIDATES[c] as number, run: (runs[c] as NabQuick[])[i] as NabQuick };
  });
  const seeds = REPLAY_SEEDS.map((seed) =>
    seed === 1
      ? (runs[FA_CANDIDATES.indexOf(DEFAULT_FA)] as NabQuick[])
      : all.map((series) => runNabSeriesDetector(series, seed, { kind: 'demand' })),
  );
  const splitRuns = indices.map((i) => (split.get(i) as { run: NabQuick }).run);
  const splitMean = mean(splitRuns.map((r) => r.normalized));
  const losoMean = mean(loso.map((l) => l.run.normalized));
  const seedMeans = seeds.map((runsOfSeed) => mean(runsOfSeed.map((r) => r.normalized)));
  recorder.sample('nab-heldout-split-mean', splitMean, {
    label: 'NAB held out: mean normalized, maxAlertsPerWeek chosen on the other half of the series',
    unit: '',
  });
  recorder.sample('nab-heldout-loso-mean', losoMean, {
    label: 'NAB held out: mean normalized, maxAlertsPerWeek chosen on the nine other series',
    unit: '',
  });
  recorder.sample('nab-seeds-mean', mean(seedMeans), {
    label: `NAB default rules (detector replay), mean normalized over replay seeds ${REPLAY_SEEDS.join(', ')}`,
    unit: '',
  });
  const row = (label: string, cells: readonly NabQuick[], extra = '') =>
    `| ${label} | ${cells.map((r) => fmt(r.normalized, 1)).join(' | ')} | **${fmt(mean(cells.map((r) => r.normalized)), 1)}** | ${fmt(Math.max(...cells.map((r) => r.falseAlertsPerWeek)))} | ${cells.reduce((a, r) => a + r.windowsHit, 0)} | ${extra} |`;
  return [
    '#### Held out, and the replay-seed spread',
    '',
    "Detector-level replay (the same minutes through the `demand` detector and the rule's lifecycle, without event",
    'ingestion). `maxAlertsPerWeek` — the alert budget of a series without warm start, the setting a user would tune —',
    'chosen among',
    `${FA_CANDIDATES.map((r) => fmt(r)).join(', ')} as a user with labelled data would: the best mean normalized score among the`,
    'values that keep every tuning series at ≤ 1 false alert a week (`falseAlarmsPerWeek` stays 3). **Split**: chosen on one half (alternate files), scored',
    'on the other, and the reverse; **leave-one-out**: each series scored with the value chosen on the nine others.',
    'The model itself (windows, deviance, calibration, hysteresis) was designed while looking at all ten series: that part',
    'is not held out, which is why the replay seeds are shown too (the same series, orders spread differently within rows).',
    '',
    `| run | ${names.join(' | ')} | mean | worst false / week | windows hit | maxAlertsPerWeek |`,
    `| --- | ${names.map(() => '---:').join(' | ')} | ---: | ---: | ---: | --- |`,
    ...FA_CANDIDATES.map((rate, c) =>
      row(`all series, maxAlertsPerWeek ${fmt(rate)}`, runs[c] as NabQuick[], fmt(rate)),
    ),
    row(
      '**held out: split halves**',
      splitRuns,
      indices.map((i) => fmt((split.get(i) as { rate: number }).rate)).join(' '),
    ),
    row(
      '**held out: leave one series out**',
      loso.map((l) => l.run),
      loso.map((l) => fmt(l.rate)).join(' '),
    ),
    ...REPLAY_SEEDS.map((seed, k) =>
      row(`default, replay seed ${seed}`, seeds[k] as NabQuick[], fmt(DEFAULT_FA)),
    ),
    '',
  ];
}

const NAB_METHOD = [
  'How the defaults were chosen: all but three settings come from a principle, not from a score — windows doubling from 1',
  'minute to 4 hours (a scan loses at most √2 of the evidence of the best window), the negative-binomial deviance with α',
  "tracked as a median (bursts do not widen the band), limits from each window's own 3-hour block maxima (robust",
  'Gumbel), without a warm start at most `maxAlertsPerWeek` = 1 alert a week (the target itself) on a series that keeps',
  'doing what it did, a Poisson-noise floor (0.01 false alerts a week on a perfect model), three weeks of memory (three',
  'of each weekday), a 30 % minimum effect. The first exception is measured: `falseAlarmsPerWeek` = 3 is a budget of',
  'statistical extremes (a union bound over windows and directions), most of which fail the minimum effect; at 0.5 the',
  'synthetic scenarios saw 0.00–0.02 false alerts a week, at 3 about 0.15. It was chosen among 0.5, 1, 1.5, 2, 3 and 5',
  'on the synthetic scenarios and replay seed 1 of these series (detector-level replay), and checked on replay seeds 2',
  'and 3 (below). A one-sided CUSUM for a sustained fall (to ÷(1 + 2 × minimum effect) of the baseline, its',
  'log-likelihood ratio divided by the noise of a window as long as its run) gets the same block-maxima limits, a prior',
  "and floor from Wald's bound; two of its settings are measured, not derived: it alerts only on runs of 16 minutes or",
  "more (8 added a false alert event at 50 orders/min), and it is not counted as one more test in the windows' budget",
  '(counting it raised every limit and lost one labelled AAPL window). No per-file setting exists.',
].join('\n');

// Throughput of the default configuration, once per repeat on the same scenario.
const throughputScenario = generateAlertScenario({
  kind: 'spikes',
  ordersPerMinute: 50,
  weeks: WEEKS,
  seed: 1,
});
for (let repeat = 1; repeat <= options.repeats; repeat++) {
  const engine = runEngine(throughputScenario);
  recorder.sample('engine-events-per-second', (engine.events / engine.ms) * 1000, {
    label: `default configuration: order events ingested (${RULES} rule${RULES === 1 ? '' : 's'})`,
    unit: 'events/s',
    better: 'higher',
  });
}
for (const [volume, s] of overall) {
  const one = (id: string, label: string, unit: string, value: number | null) =>
    recorder.sample(`${id}-${volume}`, value ?? Number.NaN, {
      label: `${label} at ${volume} orders/min`,
      unit,
    });
  one('precision', 'precision', '', s.alerts === 0 ? 1 : s.truePositives / s.alerts);
  one('recall', 'recall', '', s.anomalies === 0 ? 1 : s.detected / s.anomalies);
  one('median-delay', 'median detection delay', 'min', median(s.delays));
  one('false-alerts', 'false alerts per week', '/week', (s.alerts - s.truePositives) / s.weeks);
  const ratio = delayRatio.get(volume);
  one(
    'delay-vs-oracle',
    "median detection delay ÷ the oracle CUSUM's (same false-alarm rate)",
    '×',
    ratio === undefined ? null : (median(ratio.ours) ?? Number.NaN) / (median(ratio.oracle) ?? Number.NaN),
  );
  if (volume >= 50) {
    recorder.target(`precision-${volume}`, '>=', 0.9, `detector precision, ${volume} orders/min`);
    recorder.target(`recall-${volume}`, '>=', 0.9, `detector recall, ${volume} orders/min`);
  }
  // The target is per scenario, over every labelled anomaly (a miss slower than any detection): the
  // pooled ratio above counts detections only and can pass while whole scenarios go undetected.
  const tally = scenarioVerdicts.get(volume) ?? { met: 0, of: 0 };
  recorder.sample(`scenarios-within-oracle-${volume}`, tally.of === 0 ? Number.NaN : tally.met / tally.of, {
    label: `share of scenarios whose delay over every anomaly is ≤ 1.5 × the oracle's at ${volume} orders/min`,
    unit: '',
  });
  recorder.target(
    `scenarios-within-oracle-${volume}`,
    '>=',
    1,
    `detection delay vs oracle, every scenario, ${volume} orders/min`,
  );
  recorder.target(`false-alerts-${volume}`, '<=', 1, `false alerts, ${volume} orders/min`);
}
recorder.note(
  'The detector scores are deterministic (seeded scenarios): one value each, the same in every run.',
);
recorder.note(
  [
    'Low volume is judged against an oracle, not a fixed delay: for every labelled anomaly a Poisson CUSUM that knows',
    "each minute's pre-change rate and the anomaly's factor, its threshold set to raise no more false alarms on the",
    'clean scenario than the default rules raised per week at that volume. Median delays (minutes, anomalies detected):',
    '',
    '| scenario | ours, detected | oracle, detected | ratio | ours, all | oracle, all | ratio, all | ≤ 1.5 × (all) | rhythm-only oracle, all | ÷ oracle |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
    ...oracleRows,
    '',
    `The ratios compare medians over the anomalies each one detected: the default rules detected ${[
      ...overall,
    ]
      .map(([volume, s]) => `${s.detected} of ${s.anomalies} at ${volume} orders/min`)
      .join(' and ')} (the oracle nearly all), so a ratio met on a handful of detections does not mean the`,
    'low-volume target is met; the recall column is the honest measure there. The rhythm-only oracle is the same CUSUM',
    'knowing the rhythm and the factor but not the slow ±5 % noise: where it is itself beyond 1.5 × the oracle, so is any',
    'detector that cannot track that wobble.',
  ].join('\n'),
);
recorder.note([...nabLines, NAB_METHOD].join('\n'));
const lines = [
  '# Detector benchmark',
  '',
  `Command: \`${options.command}\``,
  `Machine: ${machineLine(recorder.result().machine)}. Run took ${((Date.now() - began) / 1000).toFixed(0)} s.`,
  '',
  `Scenarios from \`generateAlertScenario\`: ${WEEKS} judged weeks each, after 4 weeks of clean hourly history (used to`,
  `warm-start the seasonal and CUSUM detectors), seeds 1–${SEEDS}, at ${VOLUMES.join(' and ')} orders a minute on average`,
  '(daily and weekly rhythm, ±5 % slow noise). An alert counts as a true positive if it fires inside an anomaly',
  `window or up to ${GRACE_MINUTES} minutes after it; delay = fired_at − anomaly start, where fired_at is the end of the`,
  'minute that fired (event time; add the allowed lateness for wall-clock delay). `clean` scenarios have no anomalies:',
  'every alert there is false. Targets on the default configuration: precision ≥ 0.9 and recall ≥ 0.9 at 50 orders a',
  "minute, ≤ 1 false alert per simulated week, and a median delay ≤ 1.5 × the oracle CUSUM's at the same false-alarm rate.",
  '',
  '## Default configuration (`createAlertEngine()`, order events end to end)',
  '',
  ...HEADER,
  ...engineRows,
  '',
  '### Against the targets',
  '',
  '| volume | precision ≥ 0.9 | recall ≥ 0.9 | delay ≤ 1.5 × oracle | ≤ 1 false alert / week |',
  '| --- | --- | --- | --- | --- |',
  ...[...overall].map(([volume, s]) => {
    const precision = s.alerts === 0 ? 1 : s.truePositives / s.alerts;
    const recall = s.anomalies === 0 ? 1 : s.detected / s.anomalies;
    const r = delayRatio.get(volume) as { ours: number[]; oracle: number[] };
    const ratio = (median(r.ours) ?? Number.NaN) / (median(r.oracle) ?? Number.NaN);
    const falsePerWeek = (s.alerts - s.truePositives) / s.weeks;
    const verdict = (ok: boolean, text: string) => `${text} ${ok ? 'met' : '**missed**'}`;
    const scored = volume >= 50;
    const tally = scenarioVerdicts.get(volume) ?? { met: 0, of: 0 };
    const delayCell = verdict(
      tally.met === tally.of,
      `${fmt(ratio)} × pooled; ${tally.met} of ${tally.of} scenarios within 1.5 × over every anomaly:`,
    );
    return `| ${volume} orders/min | ${scored ? verdict(precision >= 0.9, fmt(precision)) : `${fmt(precision)} (no target)`} | ${scored ? verdict(recall >= 0.9, fmt(recall)) : `${fmt(recall)} (no target)`} | ${delayCell} | ${verdict(falsePerWeek <= 1, fmt(falsePerWeek))} |`;
  }),
  '',
  `False alerts are fewer events than they look: outside its anomalies every scenario of a seed is the same stream, so one`,
  `dip of the clean noise is a false alert in each of the ${ALERT_SCENARIO_KINDS.length} kinds. ${[
    ...falseEvents,
  ]
    .map(
      ([volume, e]) =>
        `At ${volume} orders/min the ${e.alerts} false alert${e.alerts === 1 ? ' is' : 's are'} ${e.distinct.size} distinct (seed, minute) event${e.distinct.size === 1 ? '' : 's'}`,
    )
    .join('. ')}. ${[...overall]
    .filter(([volume]) => volume >= 50)
    .map(
      ([volume, s]) =>
        `At ${volume} orders/min one more such event would make the precision ${fmt(s.truePositives / (s.alerts + ALERT_SCENARIO_KINDS.length))}, one fewer ${fmt(s.truePositives / Math.max(1, s.alerts - ALERT_SCENARIO_KINDS.length))}.`,
    )
    .join(' ')}`,
  '',
  '### Detection delay beside an oracle CUSUM',
  '',
  'Low volume, honestly: at 2 orders a minute a halving cannot be confirmed in 5 minutes at ≤ 1 false alarm a week by',
  'any detector. The yardstick is therefore the oracle: for every labelled anomaly, a Poisson CUSUM that knows each',
  "minute's pre-change rate (rhythm and slow noise included) and the anomaly's factor, started fresh at the change, with",
  'its threshold set so that it raises no more false alarms on the clean scenario of the same seed than our default',
  'configuration raised per week over all scenarios of that volume. Delays in minutes: the median over the anomalies',
  'each one detected (how many), then the median over **every** labelled anomaly with an undetected one counted as',
  'slower than any detection ("not reached" when half or more were missed). The verdict uses the second: a fast median',
  'over a few detections is not a met target. The pooled ratio in the table above uses detected anomalies only.',
  'The last two columns: the same CUSUM knowing the rhythm and the factor but **not** the slow ±5 % noise (`rhythmRates`),',
  "its threshold set the same way on the same clean minutes. It shows how much of the oracle's speed comes from knowing",
  "each minute's wobble, which no detector sees: where it is itself beyond 1.5 × the oracle, so is any detector that",
  'does not track the wobble (at 2 orders a minute an hour holds too few orders to track a ±5 % wobble).',
  '',
  '| scenario | ours, detected | oracle, detected | ratio | ours, all | oracle, all | ratio, all | ≤ 1.5 × (all) | rhythm-only oracle, all | ÷ oracle |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
  ...oracleRows,
  '',
  ...nabLines,
  '## Each detector alone, on the order count',
  '',
  ...HEADER,
  ...detectorRows,
  '',
  '## Throughput',
  '',
  '| what | updates | updates/s |',
  '| --- | ---: | ---: |',
  ...[...throughput].map(
    ([name, t]) =>
      `| ${name}: detector update + lifecycle step | ${t.updates} | ${Math.round((t.updates / t.ms) * 1000).toLocaleString('en-US')} |`,
  ),
  `| default configuration: order events ingested (${RULES} rule${RULES === 1 ? '' : 's'}), all scenarios | ${engineThroughput.events} | ${Math.round((engineThroughput.events / engineThroughput.ms) * 1000).toLocaleString('en-US')} events/s |`,
  `| the same on one spikes@50 scenario, median (range) of ${options.repeats} repeat${options.repeats === 1 ? '' : 's'} | ${throughputScenario.orders.length} minutes | ${medianCell(recorder.samples('engine-events-per-second'), 0)} events/s |`,
  `| default configuration: rule updates (${RULES} rule${RULES === 1 ? '' : 's'} × closed minutes) | ${engineThroughput.minutes * RULES} | ${Math.round(((engineThroughput.minutes * RULES) / engineThroughput.ms) * 1000).toLocaleString('en-US')} (incl. event ingestion) |`,
  '',
];
recorder.write(lines);
process.stdout.write(`${lines.join('\n')}\n`);
