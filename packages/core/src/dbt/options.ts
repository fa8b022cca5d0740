import { z } from 'zod';
import { businessTimeZoneSchema } from '../time/business-time-zone.js';

/** Which output stream of dbt a line came from. */
export type DbtOutputStream = 'stdout' | 'stderr';

/** The defaults of {@link RunDbtOptions}. */
export const RUN_DBT_DEFAULTS = {
  args: ['build'] as readonly string[],
  projectDir: './dbt_transform',
  killGraceMs: 10_000,
} as const;

const fn = <T>(message: string) => z.custom<T>((value) => typeof value === 'function', message);

/** The zod schema of {@link RunDbtOptions}. */
export const runDbtOptionsSchema = z
  .object({
    /**
     * The dbt command line after `dbt`, e.g. `['build', '--select', 'marts']`.
     * @defaultValue `['build']`
     */
    args: z.array(z.string()).readonly().default(RUN_DBT_DEFAULTS.args),
    /**
     * The dbt project folder (holding `dbt_project.yml`); relative paths are resolved against the
     * current directory. dbt runs with this as its working directory.
     * @defaultValue `'./dbt_transform'`
     */
    projectDir: z.string().min(1).default(RUN_DBT_DEFAULTS.projectDir),
    /**
     * The folder holding `profiles.yml`, passed as `DBT_PROFILES_DIR`.
     * @defaultValue `projectDir` (the repo's profiles read everything from env vars)
     */
    profilesDir: z.string().min(1).optional(),
    /**
     * The profile target, passed as `--target` (e.g. `snowflake`).
     * @defaultValue none: the profile's default (`DBT_TARGET`, else `duckdb`)
     */
    target: z.string().min(1).optional(),
    /**
     * The business time zone (IANA name) whose local hours and days the marts bucket by, passed as
     * the dbt var `business_time_zone` (merged into a JSON `--vars` given in `args`, where a
     * `business_time_zone` there wins). Not passed to commands that take no vars (`deps`, `clean`,
     * `debug`, …).
     * @defaultValue `'America/Sao_Paulo'` (`DEFAULT_BUSINESS_TIME_ZONE`)
     */
    businessTimeZone: businessTimeZoneSchema,
    /**
     * The DuckDB database file the `duckdb` target builds in, passed (absolute) as
     * `ORDERSTREAM_DUCKDB_PATH`. No process may hold it open while dbt runs (see {@link runDbt}).
     * @defaultValue none: `ORDERSTREAM_DUCKDB_PATH` from `env`/the process, else the profile's
     *   `../data/orderstream.duckdb` relative to the project
     */
    duckdbPath: z.string().min(1).optional(),
    /**
     * Extra environment variables for dbt, over the process's own (`undefined` removes one).
     * Secrets (`SNOWFLAKE_PASSWORD`, …) go here or in the process environment, never in args.
     * @defaultValue `{}`
     */
    env: z.record(z.string(), z.string().optional()).default({}),
    /**
     * The dbt executable.
     * @defaultValue `DBT_EXECUTABLE` from `env` or the process; else the repo venv's
     *   `<projectDir>/../.venv/bin/dbt` when it exists (see `scripts/pyenv.sh`); else `dbt` on the PATH
     */
    executable: z.string().min(1).optional(),
    /**
     * Called with every line dbt prints (colors off), as it prints it.
     * @defaultValue none
     */
    onLine: fn<(line: string, stream: DbtOutputStream) => void>('expected a function').optional(),
    /**
     * Stops dbt: SIGTERM, then SIGKILL after `killGraceMs`; the promise rejects with the signal's reason.
     * @defaultValue none
     */
    signal: z
      .custom<AbortSignal>((value) => value instanceof AbortSignal, 'expected an AbortSignal')
      .optional(),
    /**
     * How long dbt may take to stop after SIGTERM before it is killed, in milliseconds.
     * @defaultValue `10000` ms
     */
    killGraceMs: z.int().min(0).max(600_000).default(RUN_DBT_DEFAULTS.killGraceMs),
  })
  .strict();

/**
 * Options of {@link runDbt}.
 *
 * @interface
 */
export type RunDbtOptions = z.input<typeof runDbtOptionsSchema>;

/** {@link RunDbtOptions} with every default filled in. */
export type ResolvedRunDbtOptions = z.output<typeof runDbtOptionsSchema>;
