import type { AlertDirection, HistoryPoint } from './detector.js';

/** The kinds of labelled scenario {@link generateAlertScenario} produces. */
export const ALERT_SCENARIO_KINDS = [
  'clean',
  'spikes',
  'drops',
  'level-shifts',
  'outages',
  'black-friday',
] as const;

/** One of {@link ALERT_SCENARIO_KINDS}. */
export type AlertScenarioKind = (typeof ALERT_SCENARIO_KINDS)[number];

/** Options of {@link generateAlertScenario}. */
export interface AlertScenarioOptions {
  /** What is injected: nothing (`clean`), spikes, drops, level shifts, outages or a Black Friday. */
  kind: AlertScenarioKind;
  /**
   * Mean orders per minute over a week (the daily and weekly rhythm moves around it).
   * @defaultValue 50 (orders per minute)
   */
  ordersPerMinute?: number;
  /**
   * Weeks of labelled minutes to judge.
   * @defaultValue 4 (weeks)
   */
  weeks?: number;
  /**
   * Weeks of clean hourly history before them, for warm starts.
   * @defaultValue 4 (weeks)
   */
  historyWeeks?: number;
  /**
   * Seed of the pseudo-random generator: the same options give the same scenario.
   * @defaultValue 1
   */
  seed?: number;
  /**
   * Start of the judged period (history precedes it); should be a Monday 00:00 in São Paulo.
   * @defaultValue 2018-01-01T03:00:00Z
   */
  start?: Date;
}

/** A labelled anomaly: the ground truth a detector should find. */
export interface LabelledAnomaly {
  /** The kind of scenario it belongs to. */
  readonly kind: Exclude<AlertScenarioKind, 'clean'>;
  /** Whether orders go up or down. */
  readonly direction: AlertDirection;
  /** First affected minute. */
  readonly start: Date;
  /** End of the window in which detecting it counts (exclusive). */
  readonly end: Date;
  /** The multiplier applied to the order rate (0 for an outage). */
  readonly factor: number;
}

/** A generated, labelled per-minute order stream. */
export interface AlertScenario {
  /** `kind@ordersPerMinute`, e.g. `spikes@50`. */
  readonly name: string;
  /** Start of the first judged minute. */
  readonly start: Date;
  /**
   * The expected orders of each minute without the anomalies (rhythm × slow noise): what an
   * oracle that knows the pre-change rate would expect.
   */
  readonly baseRates: Float64Array;
  /**
   * The expected orders of each minute from the daily and weekly rhythm alone (`baseRates` without
   * the slow noise): what a model that knows the shop's rhythm exactly, but not the day's wobble,
   * would expect.
   */
  readonly rhythmRates: Float64Array;
  /** Orders per judged minute. */
  readonly orders: Int32Array;
  /** Revenue (item price + freight, cents) per judged minute. */
  readonly revenue: Float64Array;
  /** Order items per judged minute. */
  readonly items: Int32Array;
  /** Hourly totals of the weeks before `start`, per metric, for warm starts. */
  readonly history: {
    readonly orders: HistoryPoint[];
    readonly revenue: HistoryPoint[];
    readonly items: HistoryPoint[];
  };
  /** The ground truth. */
  readonly anomalies: readonly LabelledAnomaly[];
  /**
   * The orders of one judged minute, as `[revenue in cents, items]` per order, reproducible: the same
   * totals as `revenue[minute]` and `items[minute]`. Lets callers build order events.
   */
  ordersOf(minuteIndex: number): [revenue: number, items: number][];
}

const MINUTE_MS = 60_000;
const WEEK_MINUTES = 7 * 24 * 60;
const UTC_OFFSET_HOURS = -3;

/**
 * Generates a labelled per-minute order stream with a daily rhythm (quiet nights, an afternoon peak
 * and an evening bump in São Paulo time), a weekly rhythm, slow multiplicative noise
 * (overdispersion, about ±5 %), Poisson counts and log-normal basket values, plus the injected
 * anomalies of its kind and their ground-truth windows. For benchmarks and tests of alert rules.
 *
 * - `spikes`: 8 bursts ×2–3 for 10–30 minutes; `drops`: 8 dips ×0.3–0.6 for 20–60 minutes;
 * - `outages`: 8 stretches of zero orders for 10–40 minutes;
 * - `level-shifts`: ×0.6, back to ×1, ×1.5, back to ×1, each labelled for its first 4 hours
 *   (the time baselines take to adapt to the new level);
 * - `black-friday`: one Friday at ×2.5 from midnight to midnight; `clean`: nothing.
 *
 * @param options - kind, volume, length and seed
 * @returns the judged minutes, the hourly history before them and the anomaly windows
 * @example
 * ```ts
 * const scenario = generateAlertScenario({ kind: 'drops', ordersPerMinute: 2, seed: 7 });
 * for (let m = 0; m < scenario.orders.length; m++) detector.update(scenario.start.getTime() + m * 60_000, scenario.orders[m]);
 * ```
 */
export function generateAlertScenario(options: AlertScenarioOptions): AlertScenario {
  const ordersPerMinute = options.ordersPerMinute ?? 50;
  const weeks = options.weeks ?? 4;
  const historyWeeks = options.historyWeeks ?? 4;
  const seed = options.seed ?? 1;
  const start = options.start ?? new Date('2018-01-01T03:00:00Z');
  const startMs = start.getTime();
  const minutes = weeks * WEEK_MINUTES;
  const historyMinutes = historyWeeks * WEEK_MINUTES;
  const random = mulberry32(seed * 2654435761 + KIND_SALT[options.kind]);
  const anomalies = placeAnomalies(options.kind, minutes, startMs, random);
  const factors = new Float64Array(minutes).fill(1);
  for (const anomaly of anomalies) {
    const from = (anomaly.start.getTime() - startMs) / MINUTE_MS;
    const to = anomaly.kind === 'level-shifts' ? minutes : (anomaly.end.getTime() - startMs) / MINUTE_MS;
    for (let m = from; m < to; m++) factors[m] = anomaly.factor;
  }
  const noise = mulberry32(seed * 97 + 13);
  let logNoise = 0;
  const rateAt = (minuteMs: number): number => {
    logNoise = 0.995 * logNoise + 0.005 * gaussian(noise);
    return ordersPerMinute * rhythm(minuteMs) * Math.exp(logNoise);
  };
  const history = {
    orders: [] as HistoryPoint[],
    revenue: [] as HistoryPoint[],
    items: [] as HistoryPoint[],
  };
  let hour = { orders: 0, revenue: 0, items: 0 };
  for (let m = -historyMinutes; m < 0; m++) {
    const minuteMs = startMs + m * MINUTE_MS;
    const count = poisson(rateAt(minuteMs), mulberry32(minuteSeed(seed, m)));
    const rng = mulberry32(basketSeed(seed, m));
    hour.orders += count;
    for (let i = 0; i < count; i++) {
      const [revenue, items] = basket(rng);
      hour.revenue += revenue;
      hour.items += items;
    }
    if ((m + historyMinutes) % 60 === 59) {
      const at = new Date(minuteMs - 59 * MINUTE_MS);
      history.orders.push({ at, value: hour.orders });
      history.revenue.push({ at, value: hour.revenue });
      history.items.push({ at, value: hour.items });
      hour = { orders: 0, revenue: 0, items: 0 };
    }
  }
  const orders = new Int32Array(minutes);
  const baseRates = new Float64Array(minutes);
  const rhythmRates = new Float64Array(minutes);
  const revenue = new Float64Array(minutes);
  const items = new Int32Array(minutes);
  for (let m = 0; m < minutes; m++) {
    const base = rateAt(startMs + m * MINUTE_MS);
    baseRates[m] = base;
    rhythmRates[m] = ordersPerMinute * rhythm(startMs + m * MINUTE_MS);
    const count = poisson(base * (factors[m] as number), mulberry32(minuteSeed(seed, m)));
    const rng = mulberry32(basketSeed(seed, m));
    orders[m] = count;
    for (let i = 0; i < count; i++) {
      const [r, n] = basket(rng);
      revenue[m] = (revenue[m] as number) + r;
      items[m] = (items[m] as number) + n;
    }
  }
  return {
    name: `${options.kind}@${ordersPerMinute}`,
    start,
    baseRates,
    rhythmRates,
    orders,
    revenue,
    items,
    history,
    anomalies,
    ordersOf(minuteIndex: number): [number, number][] {
      const rng = mulberry32(basketSeed(seed, minuteIndex));
      const count = orders[minuteIndex] ?? 0;
      return Array.from({ length: count }, () => basket(rng));
    },
  };
}

const KIND_SALT: Record<AlertScenarioKind, number> = {
  clean: 11,
  spikes: 23,
  drops: 37,
  'level-shifts': 41,
  outages: 53,
  'black-friday': 67,
};

const DAILY = (() => {
  const shape = Array.from({ length: 24 * 60 }, (_, i) => {
    const h = i / 60;
    // Distance on the 24-hour circle, so the day wraps around midnight without a step.
    const from = (centre: number): number => Math.min(Math.abs(h - centre), 24 - Math.abs(h - centre));
    return 0.12 + 1.1 * Math.exp(-((from(14) / 5) ** 2)) + 0.5 * Math.exp(-((from(21) / 2.5) ** 2));
  });
  const mean = shape.reduce((a, b) => a + b, 0) / shape.length;
  return shape.map((v) => v / mean);
})();
const WEEKLY = (() => {
  const days = [1.1, 1.08, 1.05, 1.0, 0.95, 0.85, 0.97]; // Monday first
  const mean = days.reduce((a, b) => a + b, 0) / days.length;
  return days.map((v) => v / mean);
})();

/** The rhythm multiplier at an instant: São Paulo time of day × day of week. */
function rhythm(ms: number): number {
  const localMinutes = Math.floor(ms / MINUTE_MS) + UTC_OFFSET_HOURS * 60;
  const minuteOfDay = ((localMinutes % 1440) + 1440) % 1440;
  const day = Math.floor(localMinutes / 1440);
  const weekday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return (DAILY[minuteOfDay] as number) * (WEEKLY[weekday] as number);
}

function placeAnomalies(
  kind: AlertScenarioKind,
  minutes: number,
  startMs: number,
  random: () => number,
): LabelledAnomaly[] {
  const at = (m: number): Date => new Date(startMs + m * MINUTE_MS);
  const uniform = (low: number, high: number): number => low + (high - low) * random();
  if (kind === 'clean') return [];
  if (kind === 'black-friday') {
    // The Friday of the third judged week (the start is a Monday midnight).
    const from = 2 * WEEK_MINUTES + 4 * 1440;
    return [{ kind, direction: 'spike', start: at(from), end: at(from + 1440), factor: 2.5 }];
  }
  if (kind === 'level-shifts') {
    const step = Math.floor(minutes / 5);
    return [0.6, 1, 1.5, 1].map((factor, i) => {
      const from = (i + 1) * step + Math.floor(uniform(0, 600));
      const previous = i === 0 ? 1 : ([0.6, 1, 1.5, 1][i - 1] as number);
      return {
        kind,
        direction: factor > previous ? 'spike' : 'drop',
        start: at(from),
        end: at(from + 240),
        factor,
      };
    });
  }
  const count = 8;
  const slot = Math.floor((minutes - 360) / count);
  const anomalies: LabelledAnomaly[] = [];
  for (let i = 0; i < count; i++) {
    const from = 360 + i * slot + Math.floor(uniform(0, slot - 120));
    const [low, high, fLow, fHigh] =
      kind === 'spikes' ? [10, 30, 2, 3] : kind === 'drops' ? [20, 60, 0.3, 0.6] : [10, 40, 0, 0];
    const length = Math.round(uniform(low, high));
    const factor = kind === 'outages' ? 0 : uniform(fLow, fHigh);
    anomalies.push({
      kind,
      direction: kind === 'spikes' ? 'spike' : 'drop',
      start: at(from),
      end: at(from + length),
      factor,
    });
  }
  return anomalies;
}

/** Item price + freight in cents, and the item count, of one order (Olist-like: ~R$ 140, 1.15 items). */
function basket(rng: () => number): [number, number] {
  const items = 1 + (rng() < 0.12 ? 1 : 0) + (rng() < 0.03 ? 1 : 0);
  let cents = 0;
  for (let i = 0; i < items; i++)
    cents += Math.round(10_000 * Math.exp(0.8 * gaussian(rng)) + 1_500 + 1_000 * rng());
  return [cents, items];
}

function minuteSeed(seed: number, minute: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(minute + 0x632be5ab, 0xc2b2ae35)) >>> 0;
}

function basketSeed(seed: number, minute: number): number {
  return minuteSeed(seed, minute) ^ 0x5bd1e995;
}

/** mulberry32: a small, fast, seedable generator of floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rng: () => number): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A Poisson draw: multiplication method below 30, a rounded normal above. Uses 2 draws above 30. */
function poisson(lambda: number, rng: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rng();
    while (p > limit) {
      k += 1;
      p *= rng();
    }
    return k;
  }
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(rng)));
}
