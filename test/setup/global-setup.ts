import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startSnowflake } from './fakesnow.js';
import { startKafka } from './kafka.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated Kafka bootstrap brokers (`host:port`). */
    kafkaBrokers: string;
    /** The Snowflake emulator's URL, or `''` when `SNOWFLAKE_ACCOUNT` names a real account. */
    snowflakeAccessUrl: string;
    /**
     * One Snowflake emulator per worker of the project (worker `VITEST_POOL_ID` uses entry
     * `VITEST_POOL_ID - 1`; the first is `snowflakeAccessUrl`), or `['']` with a real account.
     */
    snowflakeAccessUrls: string[];
  }
}

/**
 * Starts the real services the integration suites talk to, unless the environment points at
 * running ones. Each service is started by the repo's own script, so CI and a fresh clone
 * behave the same. Each service lives in its own module here (`kafka.ts`, …) and adds its
 * teardown; tests read what it provides with `inject()`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const teardowns: Array<() => Promise<void>> = [];

  const kafka = await startKafka();
  teardowns.push(kafka.teardown);
  project.provide('kafkaBrokers', kafka.brokers);
  // Child processes started by tests (a sink under SIGKILL) read the same variable.
  process.env.KAFKA_BROKERS = kafka.brokers;

  const snowflake = await startSnowflake();
  teardowns.push(snowflake.teardown);
  project.provide('snowflakeAccessUrl', snowflake.accessUrl);
  // The emulator serves one client well at a time (two sinks into it at once stalled one): files
  // that run side by side each get an emulator of their own worker, with its own databases.
  const urls = [snowflake.accessUrl];
  for (let worker = 2; snowflake.accessUrl !== '' && worker <= project.config.maxWorkers; worker++) {
    const cache = fileURLToPath(new URL(`../../.cache/fakesnow-worker-${worker}`, import.meta.url));
    const own = await startSnowflake({ cache, port: await freePort() });
    teardowns.push(own.teardown);
    urls.push(own.accessUrl);
  }
  project.provide('snowflakeAccessUrls', urls);

  return async () => {
    for (const teardown of teardowns.reverse()) await teardown();
  };
}

/** A free TCP port on loopback (asked of the OS; free when asked). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
