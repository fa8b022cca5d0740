import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const COMPOSE = join(ROOT, 'scripts/compose.sh');

/** Environment variable names whose values are secrets: never written into the compose file. */
const SECRET_NAME = /PASSWORD|PASSPHRASE|SECRET|TOKEN|PRIVATE_KEY(?!_PATH)|API_KEY|CREDENTIAL/i;

interface ComposeResult {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let original: string;
let envExample: string;

/**
 * Runs the Docker Compose client on one compose file, in a folder of its own with no `.env` and
 * none of the machine's `COMPOSE_*`/service variables, so the result depends on the file alone.
 */
function compose(file: string, ...args: string[]): Promise<ComposeResult> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [COMPOSE, '--project-directory', dir, '-f', file, ...args],
      { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Writes a variant of docker-compose.yml and returns its path. */
async function variant(name: string, edit: (text: string) => string): Promise<string> {
  const edited = edit(original);
  expect(edited, `${name}: the edit must change the file`).not.toBe(original);
  const path = join(dir, name);
  await writeFile(path, edited);
  return path;
}

/** Variables the compose file interpolates (`${VAR}`, `${VAR:-default}`, `$VAR`). */
function interpolated(text: string): string[] {
  const names = [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)/g)].map(
    (m) => m[1] ?? m[2] ?? '',
  );
  return [...new Set(names)].sort();
}

/** Names `.env.example` documents (`NAME=` lines, commented or not). */
function documented(text: string): Set<string> {
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? ''));
}

/**
 * Secret-named environment entries that carry a literal value in the normalised, uninterpolated
 * config: a secret may only come from `env_file` or a bare `${VAR}` reference.
 */
function inlinedSecrets(config: {
  services: Record<string, { environment?: Record<string, unknown> }>;
}): string[] {
  const found: string[] = [];
  for (const [service, definition] of Object.entries(config.services)) {
    for (const [name, value] of Object.entries(definition.environment ?? {})) {
      if (!SECRET_NAME.test(name) || value === null) continue;
      if (typeof value === 'string' && /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value)) continue;
      found.push(`${service}.${name}`);
    }
  }
  return found;
}

async function normalised(file: string) {
  const result = await compose(file, 'config', '--no-interpolate', '--format', 'json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Parameters<typeof inlinedSecrets>[0];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-compose-it-'));
  original = await readFile(join(ROOT, 'docker-compose.yml'), 'utf8');
  envExample = await readFile(join(ROOT, '.env.example'), 'utf8');
  await writeFile(join(dir, 'docker-compose.yml'), original);
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('docker-compose.yml', () => {
  it('is valid for the Docker Compose v2 client (`config -q`), with and without .env.example', async () => {
    const version = await compose(join(dir, 'docker-compose.yml'), 'version', '--short');
    expect(version.stdout.trim()).toMatch(/^2\.\d+\.\d+$/);
    const bare = await compose(join(dir, 'docker-compose.yml'), 'config', '-q');
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stderr).toBe('');
    await writeFile(join(dir, 'example.env'), envExample);
    const withExample = await compose(
      join(dir, 'docker-compose.yml'),
      '--env-file',
      join(dir, 'example.env'),
      'config',
      '-q',
    );
    expect(withExample.code, withExample.stderr).toBe(0);
  });

  it('is rejected when broken: unknown key, bad enum, undefined dependency, bad YAML', async () => {
    const broken = {
      'typo.yml': (t: string) =>
        t.replace('    ports:\n      - "127.0.0.1:8080', '    prots:\n      - "127.0.0.1:8080'),
      'enum.yml': (t: string) => t.replace('condition: service_healthy', 'condition: service_happy'),
      'dependency.yml': (t: string) =>
        t.replace('    depends_on:\n      kafka:', '    depends_on:\n      kafkaa:'),
      'yaml.yml': (t: string) => t.replace('  kafka-ui:\n', '  kafka-ui:\n   image: [unclosed\n'),
    };
    const expected = {
      'typo.yml': /additional properties 'prots' not allowed/,
      'enum.yml': /condition value must be one of/,
      'dependency.yml': /depends on undefined service "kafkaa"/,
      'yaml.yml': /yaml/i,
    };
    for (const [name, edit] of Object.entries(broken)) {
      const result = await compose(await variant(name, edit), 'config', '-q');
      expect(result.code, name).not.toBe(0);
      expect(result.stderr, name).toMatch(expected[name as keyof typeof expected]);
    }
  });

  it('documents every variable it interpolates in .env.example (and notices one that is not)', async () => {
    const names = interpolated(original);
    expect(names.length).toBeGreaterThan(0);
    const known = documented(envExample);
    expect(names.filter((n) => !known.has(n))).toEqual([]);
    const undocumented = interpolated(original.replace('${KAFKA_BROKERS:-', '${KAFKA_BOOTSTRAP:-'));
    expect(undocumented.filter((n) => !known.has(n))).toEqual(['KAFKA_BOOTSTRAP']);
  });

  it('inlines no secret: they come from env_file, and an inlined one is caught', async () => {
    expect(inlinedSecrets(await normalised(join(dir, 'docker-compose.yml')))).toEqual([]);
    const leaked = await variant('leaked.yml', (t) =>
      t.replace(/^ {6}KAFKA_BROKERS: .*\n/m, (line) => `${line}      SNOWFLAKE_PASSWORD: hunter2\n`),
    );
    expect(inlinedSecrets(await normalised(leaked))).toEqual(['pipeline.SNOWFLAKE_PASSWORD']);
    const referenced = await variant('referenced.yml', (t) =>
      t.replace(
        /^ {6}KAFKA_BROKERS: .*\n/m,
        (line) => `${line}      SNOWFLAKE_PASSWORD: \${SNOWFLAKE_PASSWORD}\n`,
      ),
    );
    expect(inlinedSecrets(await normalised(referenced))).toEqual([]);
    // .env.example documents the secrets without values.
    for (const line of envExample.split('\n')) {
      const [name, value] = line.split('=', 2);
      if (name && !name.startsWith('#') && SECRET_NAME.test(name)) expect(value, name).toBe('');
    }
  });
});
