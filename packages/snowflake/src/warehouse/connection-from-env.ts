import type { SnowflakeConnectionOptions } from './options.js';

/**
 * The environment variables {@link snowflakeConnectionFromEnv} reads, and the connection option
 * each one sets.
 */
export const SNOWFLAKE_ENV_VARIABLES = {
  SNOWFLAKE_ACCOUNT: 'account',
  SNOWFLAKE_USER: 'username',
  SNOWFLAKE_PASSWORD: 'password',
  SNOWFLAKE_PRIVATE_KEY_PATH: 'privateKeyPath',
  SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: 'privateKeyPassphrase',
  SNOWFLAKE_ROLE: 'role',
  SNOWFLAKE_WAREHOUSE: 'warehouse',
  SNOWFLAKE_DATABASE: 'database',
  SNOWFLAKE_ACCESS_URL: 'accessUrl',
  SNOWFLAKE_HOST: 'host',
  SNOWFLAKE_PORT: 'port',
  SNOWFLAKE_PROTOCOL: 'protocol',
} as const;

/**
 * Reads the connection from `SNOWFLAKE_*` environment variables (see
 * {@link SNOWFLAKE_ENV_VARIABLES}); unset or empty variables are left out. The result is
 * validated when the warehouse is created, not here.
 *
 * @param env - the environment to read
 * @returns the connection options found (possibly incomplete)
 * @example
 * ```ts
 * const warehouse = await createSnowflakeWarehouse({ connection: snowflakeConnectionFromEnv() });
 * ```
 */
export function snowflakeConnectionFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): SnowflakeConnectionOptions {
  const options: Record<string, string | number> = {};
  for (const [variable, option] of Object.entries(SNOWFLAKE_ENV_VARIABLES)) {
    const value = env[variable]?.trim();
    if (!value) continue;
    options[option] = option === 'port' && /^\d+$/.test(value) ? Number(value) : value;
  }
  return options as unknown as SnowflakeConnectionOptions;
}

/**
 * The schema named by `SNOWFLAKE_SCHEMA`, when set.
 *
 * @param env - the environment to read
 * @returns the schema, or `undefined`
 */
export function snowflakeSchemaFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  return env.SNOWFLAKE_SCHEMA?.trim() || undefined;
}
