import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../support/free-port.js';
import { repoRoot } from './child.js';

export { freePort };

const run = promisify(execFile);

/** A service of the test's own, which it may stop and start without disturbing other suites. */
export interface OwnService {
  /** The address: `host:port` for Kafka, the access URL for the Snowflake emulator. */
  readonly address: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and deletes its data. */
  dispose(): Promise<void>;
}

/**
 * A Kafka broker of the test's own (`scripts/kafka.sh` on free ports, with its own data folder in
 * the OS temp folder, sharing the jars of the repo's cache), so the test can stop it for a while.
 */
export async function startOwnKafka(): Promise<OwnService> {
  const libs = join(process.env.KAFKA_HOME_CACHE ?? join(repoRoot, '.cache', 'kafka'), 'libs');
  await run('bash', [join(repoRoot, 'scripts/kafka.sh'), 'fetch'], { timeout: 600_000 });
  const cache = await mkdtemp(join(tmpdir(), 'orderstream-faults-kafka-'));
  await symlink(libs, join(cache, 'libs'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    KAFKA_HOME_CACHE: cache,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_HEAP_OPTS: '-Xmx384m -Xms128m',
    KAFKA_LOG_LEVEL: 'WARN',
  };
  const script = (command: string) =>
    run('bash', [join(repoRoot, 'scripts/kafka.sh'), command], { env, timeout: 180_000 });
  const service: OwnService = {
    address: `127.0.0.1:${port}`,
    start: async () => void (await script('start')),
    stop: async () => void (await script('stop')),
    dispose: async () => {
      await script('stop');
      await rm(cache, { recursive: true, force: true });
    },
  };
  await service.start();
  return service;
}

/**
 * A Snowflake emulator of the test's own (`scripts/fakesnow.sh` on a free port, its databases in
 * the OS temp folder), with the database `ORDERSTREAM_FAULTS` created.
 */
export async function startOwnFakesnow(): Promise<OwnService & { readonly database: string }> {
  const cache = await mkdtemp(join(tmpdir(), 'orderstream-faults-fakesnow-'));
  await mkdir(cache, { recursive: true });
  const port = await freePort();
  const env = { ...process.env, FAKESNOW_HOME_CACHE: cache, FAKESNOW_PORT: String(port) };
  const script = (...args: string[]) =>
    run('bash', [join(repoRoot, 'scripts/fakesnow.sh'), ...args], { env, timeout: 600_000 });
  const database = 'ORDERSTREAM_FAULTS';
  const service = {
    address: `http://127.0.0.1:${port}`,
    database,
    start: async () => void (await script('start')),
    stop: async () => void (await script('stop')),
    dispose: async () => {
      await script('stop');
      await rm(cache, { recursive: true, force: true });
    },
  };
  await service.start();
  await script('query', `CREATE DATABASE IF NOT EXISTS ${database}`);
  return service;
}
