import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * Whether this benchmark runs on the built packages (`dist`, as npm users get them) rather than on
 * the TypeScript sources (`--conditions=@orderstream/source`).
 */
export const RUNS_ON_BUILD = !import.meta.resolve('@orderstream/core').includes('/src/');

/** A size option: its value in a full run and in a `--quick` run. */
export interface SizeSpec<T extends number | readonly number[]> {
  readonly full: T;
  readonly quick: T;
  readonly description: string;
}

type Sizes<S> = { -readonly [K in keyof S]: S[K] extends SizeSpec<infer T> ? T : never };

/** The options every benchmark takes, plus its own sizes. */
export interface BenchOptions<S> {
  /** Tiny sizes and one repeat: proves the benchmark runs end to end, measures nothing. */
  readonly quick: boolean;
  /** Repeats of every measurement (each with its baseline beside it). */
  readonly repeats: number;
  /** Where `<name>.json` and `<name>.md` go. */
  readonly resultsDir: string;
  readonly sizes: Sizes<S>;
  /** The command that reproduces this run. */
  readonly command: string;
}

const DEFAULT_REPEATS = 3;

function parseNumbers(name: string, text: string): number[] {
  const values = text.split(',').map((part) => Number(part.replaceAll('_', '')));
  if (values.length === 0 || values.some((value) => !Number.isFinite(value) || value < 0))
    throw new Error(`--${name} takes non-negative numbers separated by commas, got ${JSON.stringify(text)}`);
  return values;
}

/**
 * Parses a benchmark's command line: `--quick`, `--repeats N`, `--results-dir DIR` and one
 * `--<size> N` (or `--<size> A,B,C` for lists) per entry of `sizes`. Prints `--help`.
 *
 * @param script - the file name under bench/, for the reproducing command
 * @param sizes - the size options with their full and quick values
 * @param argv - the arguments (default: this process's)
 * @returns the resolved options
 * @throws Error on unknown options or malformed numbers
 */
export function parseBenchOptions<S extends Record<string, SizeSpec<number | readonly number[]>>>(
  script: string,
  sizes: S,
  argv: readonly string[] = process.argv.slice(2),
): BenchOptions<S> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      repeats: { type: 'string' },
      'results-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
      ...Object.fromEntries(Object.keys(sizes).map((name) => [name, { type: 'string' as const }])),
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      [
        `node --conditions=@orderstream/source --import tsx bench/${script} [options]`,
        '  --quick             tiny sizes and 1 repeat (a smoke run, not a measurement)',
        `  --repeats N         repeats of every measurement (default ${DEFAULT_REPEATS}, 1 with --quick)`,
        '  --results-dir DIR   where to write <name>.json and <name>.md (default bench/results)',
        ...Object.entries(sizes).map(
          ([name, spec]) =>
            `  --${name.padEnd(17)} ${spec.description} (default ${String(spec.full)}, quick ${String(spec.quick)})`,
        ),
      ].join('\n'),
    );
    process.exit(0);
  }
  const quick = values.quick === true;
  const resolved: Record<string, number | number[]> = {};
  for (const [name, spec] of Object.entries(sizes)) {
    const given = values[name as keyof typeof values];
    const fallback = quick ? spec.quick : spec.full;
    if (typeof given !== 'string') resolved[name] = typeof fallback === 'number' ? fallback : [...fallback];
    else {
      const parsed = parseNumbers(name, given);
      resolved[name] = Array.isArray(spec.full) ? parsed : (parsed[0] as number);
    }
  }
  const repeats = typeof values.repeats === 'string' ? parseNumbers('repeats', values.repeats)[0] : undefined;
  const shown = argv.filter((arg, i) => arg !== '--results-dir' && argv[i - 1] !== '--results-dir');
  return {
    quick,
    repeats: Math.max(1, Math.floor(repeats ?? (quick ? 1 : DEFAULT_REPEATS))),
    resultsDir:
      typeof values['results-dir'] === 'string'
        ? values['results-dir']
        : fileURLToPath(new URL('../results/', import.meta.url)),
    sizes: resolved as Sizes<S>,
    command: `${RUNS_ON_BUILD ? 'npm run build && node' : 'node --conditions=@orderstream/source'} --import tsx bench/${script}${shown.length > 0 ? ` ${shown.join(' ')}` : ''}`,
  };
}
