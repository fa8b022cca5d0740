import { Command } from 'commander';
import { checkPrerequisites } from '../doctor/prerequisites.js';
import { runAction } from '../run-action.js';

/**
 * `orderstream doctor`: checks what the demo and the tests need beyond `npm ci` — Node 20.19+,
 * a JDK 17+ and Maven (the local Kafka), Python 3.11+ (dbt), kcat and chromium (tests) — and says
 * what is missing and how to get it. Exit code 1 when something the demo needs is missing.
 *
 * @returns the command
 */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description('Check the prerequisites (Node, JDK, Maven, Python; kcat and chromium for the tests).')
    .action(
      runAction(async () => {
        const statuses = await checkPrerequisites();
        for (const s of statuses) {
          const mark = s.ok ? 'ok     ' : s.testsOnly ? 'missing' : 'MISSING';
          console.log(`${mark} ${s.name.padEnd(9)} ${s.detail} — for ${s.neededFor}`);
          if (!s.ok) console.log(`${' '.repeat(18)}fix: ${s.fix}`);
        }
        const blocking = statuses.filter((s) => !s.ok && !s.testsOnly);
        console.log(
          blocking.length === 0
            ? 'ready: npm run demo'
            : `missing for the demo: ${blocking.map((s) => s.name).join(', ')} (see the fixes above)`,
        );
        return blocking.length === 0 ? 0 : 1;
      }),
    );
}
