import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBenchOptions } from '../bench/lib/options.js';
import { curveGrowth, judgeTargets, renderBenchmarksReport } from '../bench/lib/report.js';
import { mergeBenchResults, readBenchResults } from '../bench/lib/result.js';
import { spreadOf } from '../bench/lib/stats.js';

// The report generation of `npm run bench`, from small fixture results: no benchmark runs here.
const fixtures = fileURLToPath(new URL('./fixtures/bench/', import.meta.url));
const results = readBenchResults(fixtures);
const byName = (name: string) => results.find((r) => r.name === name);

describe('benchmark report', () => {
  it('computes every verdict from the median of the samples', () => {
    const verdicts = judgeTargets(results);
    expect(verdicts.map((v) => [v.target.metric, v.met])).toEqual([
      ['sink', false],
      ['p99', true],
    ]);
  });

  it('states the median with its range and the ratio to the baseline measured beside it', () => {
    const text = renderBenchmarksReport(results, {
      resultsLink: '../bench/results/',
      generatedBy: 'npm run bench',
    }).join('\n');
    const row = (start: string) =>
      text
        .split('\n')
        .find((line) => line.startsWith(`| ${start}`))
        ?.split('|')
        .map((cell) => cell.trim());
    expect(row('sink throughput into DuckDB')?.slice(3, 6)).toEqual([
      '≥ 50000 events/s',
      '20000 (10000–30000) events/s',
      '**missed**',
    ]);
    expect(row('end-to-end latency')?.slice(4, 6)).toEqual(['800 (700–900) ms', 'met']);
    expect(text).toContain('0.20 × kcat offsets only');
    expect(text).toContain(
      'Test CPU, 2 cores, 8 GiB RAM, Linux 6.0 x64, Node v20.19.0, DuckDB v1.5.6, Kafka 4.3.1',
    );
    expect(text).toContain('[sink.md](../bench/results/sink.md)');
    expect(text).toContain(
      '`node --conditions=@orderstream/source --import tsx bench/sink.ts --events 1000`',
    );
    expect(text).toContain('A note from the sink bench.');
  });

  it('flags results of a --quick run as not being measurements', () => {
    const text = renderBenchmarksReport(results, { resultsLink: './', generatedBy: 'npm run bench' }).join(
      '\n',
    );
    expect(text).toContain('**Smoke run**: scaling ran with `--quick`');
    const full = results.filter((r) => !r.quick);
    expect(renderBenchmarksReport(full, { resultsLink: './', generatedBy: 'x' }).join('\n')).not.toContain(
      'Smoke run',
    );
  });

  it('states a curve as growth per tenfold of the size, sorted by size', () => {
    const growth = curveGrowth(byName('scaling')?.curves[0] ?? expect.unreachable());
    expect(growth.points.map((p) => p.size)).toEqual([100_000, 1_000_000, 10_000_000]);
    expect(growth.points.map((p) => p.perDecade)).toEqual([null, 10, 10]);
    expect(growth.overall.slope).toBeCloseTo(1, 10);
    const text = renderBenchmarksReport(results, { resultsLink: './', generatedBy: 'x' }).join('\n');
    expect(text).toContain('cost ∝ orders^1.00, i.e. 10.0 × per tenfold');
    const loaderAt1M = text.split('\n').find((line) => /^\|\s+1,000,000 \|\s+10\.0 \|/.test(line));
    expect(loaderAt1M?.split('|').map((cell) => cell.trim())[4]).toBe('2.00 ×');
  });

  it('merges the results of a benchmark run once per repeat', () => {
    const sink = byName('sink') ?? expect.unreachable();
    const merged = mergeBenchResults([sink, sink]);
    expect(merged.repeats).toBe(6);
    expect(merged.metrics.find((m) => m.id === 'kcat')?.samples).toHaveLength(6);
    expect(sink.metrics.find((m) => m.id === 'kcat')?.samples).toHaveLength(3);
  });

  it('rejects a result file that does not match the schema, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderstream-bench-report-'));
    try {
      writeFileSync(join(dir, 'broken.json'), JSON.stringify({ ...byName('sink'), metrics: [{ id: 'x' }] }));
      expect(() => readBenchResults(dir)).toThrow(/broken\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('summarizes repeats by median, range and quartiles', () => {
    expect(spreadOf([3, 1, 2, 10])).toEqual({ median: 2.5, min: 1, max: 10, q1: 1.75, q3: 4.75, n: 4 });
    expect(readFileSync(join(fixtures, 'sink.json'), 'utf8')).toContain('"schema": 1');
  });

  it('takes tiny sizes and one repeat with --quick, and lists of sizes separated by commas', () => {
    const sizes = {
      events: { full: 100_000, quick: 3_000, description: 'events' },
      rates: { full: [500, 2000], quick: [200], description: 'rates' },
    };
    const quick = parseBenchOptions('sink.ts', sizes, ['--quick']);
    expect([quick.repeats, quick.sizes.events, quick.sizes.rates]).toEqual([1, 3_000, [200]]);
    const full = parseBenchOptions('sink.ts', sizes, ['--rates', '1000,5_000', '--results-dir', 'out']);
    expect([full.repeats, full.sizes.events, full.sizes.rates, full.resultsDir]).toEqual([
      3,
      100_000,
      [1000, 5000],
      'out',
    ]);
    expect(full.command).toBe(
      'node --conditions=@orderstream/source --import tsx bench/sink.ts --rates 1000,5_000',
    );
    expect(() => parseBenchOptions('sink.ts', sizes, ['--orders', '5'])).toThrow(/orders/);
    expect(() => parseBenchOptions('sink.ts', sizes, ['--events', 'many'])).toThrow(/--events/);
  });
});
