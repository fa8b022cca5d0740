import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { dirname } from 'node:path';
import { checkWritableDirectory } from '@orderstream/core/fs';
import { PACKAGE_DEFAULTS } from './package-defaults.js';
import { UsageError } from './usage-error.js';
import { isWarehouseScheme, parseWarehouseUri, WAREHOUSE_SCHEMES, WAREHOUSE_USAGE } from './warehouse-uri.js';

// The checks every command runs on its options before it starts anything: each fails with a
// UsageError that says what is wrong and how to fix it, in well under a second. This module loads
// no package but core's file-system entry (its mkdir-loop-safe write probe, two small modules).

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

/**
 * A commander parser for a TCP port option.
 *
 * @param option - the option, for the message (`--port`)
 * @param allowZero - whether 0 (any free port) is accepted
 * @returns the parser; it throws `CLI_PORT_INVALID`
 */
export function portOption(option: string, allowZero = false): (value: string) => number {
  const min = allowZero ? 0 : 1;
  return (value) => {
    const port = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(port) || port < min || port > 65_535) {
      throw new UsageError(
        'CLI_PORT_INVALID',
        `${option} ${value} is not a port`,
        `pass a whole number from ${min} to 65535, e.g. ${option} 8502`,
        { details: { option, value } },
      );
    }
    return port;
  };
}

/**
 * Checks that a server could listen on `host:port` now, by binding it and letting go.
 *
 * @param option - the option naming the port
 * @param host - the address to bind
 * @param port - the port (0 is always free)
 * @throws `CLI_PORT_IN_USE` when taken, `CLI_INVALID_OPTION` when the address cannot be bound
 */
export async function checkPortFree(option: string, host: string, port: number): Promise<void> {
  if (port === 0) return;
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    if (codeOf(error) === 'EADDRINUSE' || codeOf(error) === 'EACCES') {
      throw new UsageError(
        'CLI_PORT_IN_USE',
        `${option} ${port} on ${host} is ${codeOf(error) === 'EACCES' ? 'not allowed' : 'in use by another program'}`,
        `stop what holds it, or pass another port (${option} ${port === 65_535 ? port - 1 : port + 1})`,
        { cause: error, details: { option, host, port } },
      );
    }
    throw new UsageError(
      'CLI_INVALID_OPTION',
      `cannot listen on ${host}:${port} (${codeOf(error) ?? String(error)})`,
      'pass an address of this machine as the host, e.g. 127.0.0.1',
      { cause: error, details: { option, host, port } },
    );
  } finally {
    if (server.listening) await new Promise((done) => server.close(done));
  }
}

/**
 * Checks that a folder to read exists and can be read.
 *
 * @param option - the option naming it (`--data`)
 * @param path - the folder
 * @param fix - how to get one, for the message
 * @throws `CLI_PATH_NOT_FOUND`
 */
export async function checkReadableDir(option: string, path: string, fix: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
    await access(path, constants.R_OK | constants.X_OK);
  } catch (error) {
    throw new UsageError(
      'CLI_PATH_NOT_FOUND',
      `${option} ${path}: ${codeOf(error) === 'ENOENT' ? 'no such folder' : `cannot be read (${codeOf(error)})`}`,
      fix,
      { cause: error, details: { option, path } },
    );
  }
  if (!isDirectory) {
    throw new UsageError('CLI_PATH_NOT_FOUND', `${option} ${path} is a file, not a folder`, fix, {
      details: { option, path },
    });
  }
}

/**
 * Checks that a folder to write into exists or can be created, and can be written.
 *
 * @param option - the option naming it (`--out`)
 * @param path - the folder
 * @throws `CLI_PATH_UNWRITABLE`
 */
export async function checkWritableDir(option: string, path: string): Promise<void> {
  try {
    await checkWritableDirectory(path);
  } catch (error) {
    throw unwritable(option, path, error);
  }
}

/**
 * Checks that a file to write is not a folder and that its folder can be created and written.
 *
 * @param option - the option naming it (`--truth`, `--warehouse`)
 * @param path - the file
 * @throws `CLI_PATH_UNWRITABLE`
 */
export async function checkWritableFile(option: string, path: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new UsageError('CLI_PATH_UNWRITABLE', `${option} ${path} is a folder, not a file`, 'name a file', {
      details: { option, path },
    });
  }
  try {
    await checkWritableDirectory(dirname(path));
  } catch (error) {
    throw unwritable(option, path, error);
  }
}

function unwritable(option: string, path: string, cause: unknown): UsageError {
  const reason = (cause instanceof Error ? cause.message : String(cause)).replace(
    /^.*? cannot be written: /,
    '',
  );
  return new UsageError(
    'CLI_PATH_UNWRITABLE',
    `${option} ${path} cannot be written: ${reason}`,
    `choose a folder you can write to (${option} ./data/…)`,
    { cause, details: { option, path } },
  );
}

/**
 * Checks the engine of a `--warehouse` value and, for Snowflake, its settings in the environment;
 * instant, and loads nothing.
 *
 * @param uri - the option's value
 * @param option - the option's name
 * @param env - the environment
 * @throws `CLI_WAREHOUSE_INVALID`
 */
export function checkWarehouseEngine(
  uri: string,
  option = '--warehouse',
  env: NodeJS.ProcessEnv = process.env,
): void {
  const { scheme } = parseWarehouseUri(uri);
  if (!isWarehouseScheme(scheme)) {
    throw new UsageError(
      'CLI_WAREHOUSE_INVALID',
      `${option} ${uri}: unknown warehouse "${scheme}"`,
      `pass ${WAREHOUSE_SCHEMES.map((known) => WAREHOUSE_USAGE[known]).join(' or ')}`,
      { details: { option, uri, scheme } },
    );
  }
  if (scheme !== 'snowflake') return;
  const missing = ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USER'].filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new UsageError(
      'CLI_WAREHOUSE_INVALID',
      `${option} ${uri} needs ${missing.join(' and ')} in the environment`,
      'export the SNOWFLAKE_* variables (packages/snowflake/README.md), or use --warehouse duckdb',
      { details: { option, missing } },
    );
  }
}

/**
 * Checks a `--warehouse` value without opening it: a known engine ({@link checkWarehouseEngine});
 * for DuckDB a file whose folder can be written.
 *
 * @param uri - the option's value
 * @param option - the option's name
 * @param env - the environment
 * @throws `CLI_WAREHOUSE_INVALID`, `CLI_PATH_UNWRITABLE`
 */
export async function checkWarehouseUri(
  uri: string,
  option = '--warehouse',
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  checkWarehouseEngine(uri, option, env);
  const { scheme, target } = parseWarehouseUri(uri);
  if (scheme !== 'duckdb' || target === ':memory:') return;
  await checkWritableFile(option, target ?? PACKAGE_DEFAULTS.duckDbPath);
}

const HOST = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)$/i;

/**
 * Parses and checks a comma-separated broker list (`KAFKA_BROKERS`): each entry `host:port`.
 *
 * @param value - the list
 * @param source - where it came from, for the message
 * @returns the brokers
 * @throws `CLI_BROKERS_INVALID`
 */
export function parseBrokerList(value: string, source = 'KAFKA_BROKERS'): string[] {
  const brokers = value
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  const bad = (what: string) =>
    new UsageError(
      'CLI_BROKERS_INVALID',
      `${source}=${value} ${what}`,
      `set ${source} to host:port[,host:port…], e.g. ${source}=127.0.0.1:9092 (or unset it for the local broker)`,
      { details: { source, value } },
    );
  if (brokers.length === 0) throw bad('names no broker');
  for (const broker of brokers) {
    const colon = broker.lastIndexOf(':');
    const host = broker.slice(0, colon);
    const port = Number(broker.slice(colon + 1));
    if (colon <= 0 || !HOST.test(host) || !Number.isSafeInteger(port) || port < 1 || port > 65_535) {
      throw bad(`has "${broker}", which is not host:port`);
    }
  }
  return brokers;
}

/**
 * Checks that at least one broker accepts a TCP connection within `timeoutMs`.
 *
 * @param brokers - `host:port` entries
 * @param timeoutMs - how long to wait for each, in milliseconds
 * @throws `CLI_KAFKA_UNREACHABLE`
 */
export async function checkBrokersReachable(brokers: readonly string[], timeoutMs = 1500): Promise<void> {
  const reasons = await Promise.all(
    brokers.map(
      (broker) =>
        new Promise<string | null>((resolve) => {
          const colon = broker.lastIndexOf(':');
          const socket = connect({
            host: broker.slice(0, colon).replace(/^\[|\]$/g, ''),
            port: Number(broker.slice(colon + 1)),
          });
          const done = (reason: string | null) => {
            socket.destroy();
            resolve(reason);
          };
          socket.setTimeout(timeoutMs, () => done('timed out'));
          socket.once('connect', () => done(null));
          socket.once('error', (error) => done(codeOf(error) ?? error.message));
        }),
    ),
  );
  if (reasons.some((reason) => reason === null)) return;
  throw new UsageError(
    'CLI_KAFKA_UNREACHABLE',
    `no broker of KAFKA_BROKERS=${brokers.join(',')} answers (${[...new Set(reasons)].join(', ')})`,
    'start Kafka (bash scripts/kafka.sh start), or unset KAFKA_BROKERS to let the demo start its own',
    { details: { brokers } },
  );
}
