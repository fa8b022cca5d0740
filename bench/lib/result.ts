import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { currentLoadAverage, describeMachine, type LoadAverage } from './machine.js';
import { alignTables } from './markdown.js';
import { spreadOf } from './stats.js';

const loadAverage = z.tuple([z.number(), z.number(), z.number()]);

/** One measured quantity: a value per repeat. */
const metricSchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  unit: z.string(),
  samples: z.array(z.number()),
  /** Which direction is an improvement (for reading, not for verdicts). */
  better: z.enum(['higher', 'lower']).optional(),
  /** The id of the baseline metric measured beside this one in every repeat. */
  baseline: z.string().optional(),
});

/** A goal for a metric's median; the verdict is computed from the numbers, never written by hand. */
const targetSchema = z.object({
  metric: z.string().min(1),
  op: z.enum(['>=', '<=']),
  value: z.number(),
  /** What the target is about, e.g. "sink throughput into DuckDB". */
  area: z.string(),
});

/** How a cost grows with the input size: a value per repeat at each size. */
const curveSchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  unit: z.string(),
  /** What the size counts, e.g. "orders". */
  size: z.string(),
  points: z.array(z.object({ size: z.number().positive(), samples: z.array(z.number()) })),
  baseline: z.string().optional(),
});

/** The machine-readable result of one benchmark, `bench/results/<name>.json`. */
export const benchResultSchema = z.object({
  schema: z.literal(1),
  name: z.string().min(1),
  title: z.string(),
  command: z.string(),
  quick: z.boolean(),
  repeats: z.int().min(1),
  startedAt: z.string(),
  durationSeconds: z.number(),
  machine: z.object({
    cpu: z.string(),
    cores: z.int(),
    memoryGiB: z.number(),
    os: z.string(),
    node: z.string(),
    duckdb: z.string(),
    kafka: z.string(),
    kafkajs: z.string(),
    kcat: z.string().nullable(),
    loadAverage: z.object({ start: loadAverage, end: loadAverage }),
  }),
  metrics: z.array(metricSchema),
  targets: z.array(targetSchema),
  curves: z.array(curveSchema),
  notes: z.array(z.string()),
});

export type BenchResult = z.infer<typeof benchResultSchema>;
export type BenchMetric = z.infer<typeof metricSchema>;
export type BenchTarget = z.infer<typeof targetSchema>;
export type BenchCurve = z.infer<typeof curveSchema>;

/**
 * Collects one benchmark's measurements while it runs and writes them as JSON beside its markdown.
 *
 * @example
 * const recorder = new BenchRecorder('sink', 'Kafka → DuckDB sink', options);
 * for (let r = 0; r < options.repeats; r++) recorder.sample('kcat', 'kcat offsets only', 'events/s', rate);
 * recorder.write(markdownLines);
 */
export class BenchRecorder {
  readonly #metrics = new Map<string, BenchMetric>();
  readonly #curves = new Map<string, BenchCurve>();
  readonly #targets: BenchTarget[] = [];
  readonly #notes: string[] = [];
  readonly #loadAtStart: LoadAverage = currentLoadAverage();
  readonly #startedAt = new Date();
  readonly #started = performance.now();

  constructor(
    readonly name: string,
    readonly title: string,
    readonly options: {
      readonly quick: boolean;
      readonly repeats: number;
      readonly resultsDir: string;
      readonly command: string;
    },
  ) {}

  /** Records one repeat's value of a metric (declared by its first sample). */
  sample(
    id: string,
    value: number,
    meta: { label: string; unit: string; better?: 'higher' | 'lower'; baseline?: string },
  ): void {
    const metric = this.#metrics.get(id) ?? { id, ...meta, samples: [] };
    metric.samples.push(value);
    this.#metrics.set(id, metric);
  }

  /** Records one repeat's value at a size of a curve. */
  point(
    id: string,
    size: number,
    value: number,
    meta: { label: string; unit: string; size: string; baseline?: string },
  ): void {
    const curve = this.#curves.get(id) ?? { id, ...meta, points: [] };
    let point = curve.points.find((p) => p.size === size);
    if (point === undefined) {
      point = { size, samples: [] };
      curve.points.push(point);
    }
    point.samples.push(value);
    this.#curves.set(id, curve);
  }

  /** States a target for a metric's median; the report judges it. */
  target(metric: string, op: '>=' | '<=', value: number, area: string): void {
    this.#targets.push({ metric, op, value, area });
  }

  /** A paragraph for the report, under this benchmark's figures. */
  note(text: string): void {
    this.#notes.push(text);
  }

  /** The samples of a metric so far. */
  samples(id: string): readonly number[] {
    return this.#metrics.get(id)?.samples ?? [];
  }

  /** The median and spread of a metric so far. */
  spread(id: string) {
    return spreadOf(this.samples(id));
  }

  /** The result as it stands now. */
  result(): BenchResult {
    return benchResultSchema.parse({
      schema: 1,
      name: this.name,
      title: this.title,
      command: this.options.command,
      quick: this.options.quick,
      repeats: this.options.repeats,
      startedAt: this.#startedAt.toISOString(),
      durationSeconds: Math.round((performance.now() - this.#started) / 100) / 10,
      machine: describeMachine(this.#loadAtStart),
      metrics: [...this.#metrics.values()],
      targets: this.#targets,
      curves: [...this.#curves.values()],
      notes: this.#notes,
    });
  }

  /**
   * Writes `<name>.json` and `<name>.md` (tables aligned as the formatter would) into the results folder.
   *
   * @param markdown - the human-readable report, one line per entry
   * @returns the result written
   */
  write(markdown: readonly string[]): BenchResult {
    const result = this.result();
    mkdirSync(this.options.resultsDir, { recursive: true });
    writeFileSync(join(this.options.resultsDir, `${this.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
    const text = alignTables(markdown).join('\n');
    writeFileSync(join(this.options.resultsDir, `${this.name}.md`), text.endsWith('\n') ? text : `${text}\n`);
    return result;
  }
}

/**
 * Reads every `*.json` result in a folder, validated.
 *
 * @param dir - the results folder
 * @returns the results, by file name
 * @throws Error naming the file when one does not match the schema
 */
export function readBenchResults(dir: string): BenchResult[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const parsed = benchResultSchema.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
      return parsed.data;
    });
}

/**
 * Merges the results of the same benchmark run several times (one repeat each) into one result
 * whose samples are all of theirs; the machine's load average spans the first start to the last end.
 *
 * @param runs - results of the same benchmark, in run order
 * @returns the merged result
 */
export function mergeBenchResults(runs: readonly BenchResult[]): BenchResult {
  const [first, ...rest] = runs;
  if (first === undefined) throw new Error('mergeBenchResults: no runs');
  const merged: BenchResult = structuredClone(first);
  for (const run of rest) {
    for (const metric of run.metrics) {
      const into = merged.metrics.find((m) => m.id === metric.id);
      if (into === undefined) merged.metrics.push(structuredClone(metric));
      else into.samples.push(...metric.samples);
    }
    for (const curve of run.curves) {
      const into = merged.curves.find((c) => c.id === curve.id);
      if (into === undefined) merged.curves.push(structuredClone(curve));
      else
        for (const point of curve.points) {
          const at = into.points.find((p) => p.size === point.size);
          if (at === undefined) into.points.push(structuredClone(point));
          else at.samples.push(...point.samples);
        }
    }
    merged.repeats += run.repeats;
    merged.durationSeconds += run.durationSeconds;
    merged.machine.loadAverage.end = run.machine.loadAverage.end;
  }
  return merged;
}
