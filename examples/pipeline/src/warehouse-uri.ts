// What `--warehouse` accepts, without opening anything: the CLI checks the option with this before
// it loads any package (warehouse-from-uri.ts opens the warehouse once the checks passed).

/** The engines `--warehouse` knows. */
export const WAREHOUSE_SCHEMES = ['duckdb', 'snowflake'] as const;

/** An engine of {@link WAREHOUSE_SCHEMES}. */
export type WarehouseScheme = (typeof WAREHOUSE_SCHEMES)[number];

/** How each scheme is written, for messages and help. */
export const WAREHOUSE_USAGE: Readonly<Record<WarehouseScheme, string>> = {
  duckdb: 'duckdb, duckdb:PATH',
  snowflake: 'snowflake, snowflake:SCHEMA',
};

/** The value of `--warehouse` when it is not given. */
export const DEFAULT_WAREHOUSE_URI = 'duckdb';

/** A parsed `--warehouse` value: the engine and what follows its colon (a path, for DuckDB). */
export interface WarehouseUri {
  readonly scheme: string;
  readonly target: string | undefined;
}

/**
 * Splits a `--warehouse` value at its first colon: `duckdb`, `duckdb:./data/x.duckdb`, `snowflake:RAW`.
 *
 * @param uri - the option's value
 * @returns the scheme (lower-case) and the target
 */
export function parseWarehouseUri(uri: string): WarehouseUri {
  const colon = uri.indexOf(':');
  const scheme = (colon < 0 ? uri : uri.slice(0, colon)).trim().toLowerCase();
  const target = colon < 0 ? undefined : uri.slice(colon + 1);
  return { scheme, target: target === '' ? undefined : target };
}

/**
 * Whether a scheme is one of {@link WAREHOUSE_SCHEMES}.
 *
 * @param scheme - a parsed scheme
 * @returns whether `--warehouse` knows it
 */
export function isWarehouseScheme(scheme: string): scheme is WarehouseScheme {
  return (WAREHOUSE_SCHEMES as readonly string[]).includes(scheme);
}
