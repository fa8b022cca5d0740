import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { freePort } from '../support/free-port.js';
import { startSnowflake } from './fakesnow.js';
import { startKafka } from './kafka.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated Kafka bootstrap brokers (`host:port`). */
    kafkaBrokers: string;
    /**
     * One Snowflake emulator URL per worker of the project (worker `VITEST_POOL_ID` uses entry
     * `VITEST_POOL_ID - 1`), or `['']` when `SNOWFLAKE_ACCOUNT` names a real account.
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
  // The emulator serves one client well at a time (two sinks into it at once stalled one): files
  // that run side by side each get an emulator of their own worker, with its own databases.
  const emulators = [startSnowflake()];
  for (let worker = 2; worker <= project.config.maxWorkers; worker++) {
    const cache = fileURLToPath(new URL(`../../.cache/fakesnow-worker-${worker}`, import.meta.url));
    emulators.push(freePort().then((port) => startSnowflake({ cache, port })));
  }
  // Started side by side: each waits mostly on a JVM or a Python interpreter starting.
  const [kafka, ...snowflakes] = await Promise.allSettled([startKafka(), ...emulators]);
  const teardowns = [kafka, ...snowflakes].flatMap((s) =>
    s.status === 'fulfilled' ? [s.value.teardown] : [],
  );
  const teardown = async () => {
    for (const stop of teardowns.reverse()) await stop();
  };
  const failed = [kafka, ...snowflakes].find((s) => s.status === 'rejected');
  if (failed?.status === 'rejected' || kafka.status !== 'fulfilled') {
    await teardown();
    throw failed?.status === 'rejected' ? failed.reason : new Error('no broker');
  }

  project.provide('kafkaBrokers', kafka.value.brokers);
  // Child processes started by tests (a sink under SIGKILL) read the same variable.
  process.env.KAFKA_BROKERS = kafka.value.brokers;
  const urls = snowflakes.map((s) => (s.status === 'fulfilled' ? s.value.accessUrl : ''));
  project.provide('snowflakeAccessUrls', urls);
  return teardown;
}
