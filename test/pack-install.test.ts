import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

// The packages are not on npm yet: the README shows two ways to install them from the repository.
// This runs both as a new user would, in scratch projects outside the repo, and the snippet there.
describe('installing the packages from the repository (README: not yet on npm)', () => {
  it('packs core, duckdb and kafka, installs them as tarballs and as file: dependencies, and runs the snippet', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          'bash',
          [`${ROOT}scripts/pack-install.sh`],
          { cwd: ROOT, timeout: 900_000, maxBuffer: 16 * 1024 * 1024 },
          (error, out, err) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
        );
      },
    );
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout.match(/^snippet ok: /gm), stdout).toHaveLength(2);
  }, 900_000);
});
