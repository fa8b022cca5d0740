import type { TestProject } from 'vitest/node';
import { startSnowflake } from './fakesnow.js';
import { startKafka } from './kafka.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated Kafka bootstrap brokers (`host:port`). */
    kafkaBrokers: string;
    /** The Snowflake emulator's URL, or `''` when `SNOWFLAKE_ACCOUNT` names a real account. */
    snowflakeAccessUrl: string;
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

  return async () => {
    for (const teardown of teardowns.reverse()) await teardown();
  };
}
