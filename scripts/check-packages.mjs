// Checks the published shape of every package: publint (package.json vs files) and
// arethetypeswrong (types resolve for ESM and CJS consumers under every module resolution).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packages = readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name));
let failed = 0;
for (const dir of packages) {
  for (const [cmd, args] of [
    ['publint', ['--strict']],
    // node10 resolution ignores `exports`, so subpaths such as `@orderstream/core/testing` cannot
    // resolve there; the packages require Node 20, whose resolution (node16) is checked in full.
    ['attw', ['--pack', '.', '--profile', 'node16']],
  ]) {
    try {
      execFileSync(join(root, 'node_modules', '.bin', cmd), args, { cwd: dir, stdio: 'inherit' });
    } catch {
      failed += 1;
      console.error(`check-packages: ${cmd} failed in ${dir}`);
    }
  }
}
if (failed > 0) process.exit(1);
