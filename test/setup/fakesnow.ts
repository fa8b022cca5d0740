import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../scripts/fakesnow.sh', import.meta.url));

/** The database the Snowflake suites use on the emulator (created here). */
export const FAKESNOW_TEST_DATABASE = 'ORDERSTREAM_TEST';

/** A Snowflake endpoint for the integration suites, and how to release it. */
export interface SnowflakeService {
  /** The emulator's URL (`http://127.0.0.1:PORT`), or `''` when a real account is configured. */
  readonly accessUrl: string;
  /** Stops the emulator if this setup started it; otherwise does nothing. */
  readonly teardown: () => Promise<void>;
}

/**
 * With `SNOWFLAKE_ACCOUNT` set, the suites talk to that real account (through the `SNOWFLAKE_*`
 * variables) and nothing is started. Otherwise the repo's Snowflake emulator
 * (`scripts/fakesnow.sh`) is started if it is not running yet, the test database is created,
 * and the emulator is stopped at teardown (one that was already running is left running).
 *
 * @param own - another emulator beside the repo's: its state folder (`FAKESNOW_HOME_CACHE`) and port
 */
export async function startSnowflake(
  own: { readonly cache: string; readonly port: number } | undefined = undefined,
): Promise<SnowflakeService> {
  // The drivers would otherwise probe cloud metadata addresses at login.
  process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
  if (process.env.SNOWFLAKE_ACCOUNT?.trim()) return { accessUrl: '', teardown: async () => {} };
  const env = own
    ? { ...process.env, FAKESNOW_HOME_CACHE: own.cache, FAKESNOW_PORT: String(own.port) }
    : process.env;
  const running = await run('bash', [script, 'status'], { env }).then(
    () => true,
    () => false,
  );
  const { stdout } = await run('bash', [script, 'start'], { env, timeout: 600_000 });
  const accessUrl = stdout.trim().split('\n').at(-1)?.trim() ?? '';
  if (!/^http:\/\/[^\s/]+:\d+$/.test(accessUrl))
    throw new Error(`scripts/fakesnow.sh start printed no access URL: ${stdout}`);
  await run('bash', [script, 'query', `CREATE DATABASE IF NOT EXISTS ${FAKESNOW_TEST_DATABASE}`], {
    env,
    timeout: 60_000,
  });
  return {
    accessUrl,
    teardown: running
      ? async () => {}
      : async () => {
          await run('bash', [script, 'stop'], { env, timeout: 60_000 });
        },
  };
}
