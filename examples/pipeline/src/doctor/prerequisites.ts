import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../usage-error.js';

/** The repository root (scripts/, .venv, .cache/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The names of the prerequisites `orderstream doctor` checks. */
export const PREREQUISITE_NAMES = ['node', 'java', 'maven', 'python', 'kcat', 'chromium'] as const;

/** A prerequisite's name. */
export type PrerequisiteName = (typeof PREREQUISITE_NAMES)[number];

/** What a check found. */
export interface PrerequisiteStatus {
  readonly name: PrerequisiteName;
  /** What needs it. */
  readonly neededFor: string;
  /** Whether it is there (or not needed any more). */
  readonly ok: boolean;
  /** The version found, or what is wrong. */
  readonly detail: string;
  /** How to get it, when missing. */
  readonly fix: string;
  /** Whether only the tests need it. */
  readonly testsOnly: boolean;
}

interface Probe {
  readonly neededFor: string;
  readonly fix: string;
  readonly testsOnly?: boolean;
  /** The version found (or why it is not needed); throws a sentence when missing or too old. */
  find(): Promise<string>;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : error.message));
      else resolve(`${stdout}\n${stderr}`);
    });
  });
}

const major = (version: string) => Number(version.split('.')[0]);

const PROBES: Record<PrerequisiteName, Probe> = {
  node: {
    neededFor: 'everything',
    fix: 'install Node.js 20.19 or later (https://nodejs.org, or nvm install 20)',
    async find() {
      const [maj = 0, min = 0] = process.versions.node.split('.').map(Number);
      if (maj < 20 || (maj === 20 && min < 19)) throw new Error(`Node ${process.versions.node} is too old`);
      return `Node ${process.versions.node}`;
    },
  },
  java: {
    neededFor: 'the local Kafka broker (not needed with KAFKA_BROKERS)',
    fix: 'install a JDK 17+ (sudo apt-get install openjdk-17-jdk-headless), or set KAFKA_BROKERS to a running Kafka',
    async find() {
      const out = await run('java', ['-version']);
      const version = /version "([^"]+)"/.exec(out)?.[1] ?? '';
      const [first = '0', second = '0'] = version.split('.');
      const number = first === '1' ? Number(second) : major(first);
      if (!(number >= 17)) throw new Error(`Java ${version || '(unknown version)'} is too old`);
      return `Java ${version}`;
    },
  },
  maven: {
    neededFor: 'fetching the Kafka jars once (scripts/kafka.sh fetch)',
    fix: 'install Maven 3 (sudo apt-get install maven), or set KAFKA_BROKERS to a running Kafka',
    async find() {
      if (existsSync(`${REPO_ROOT}.cache/kafka/libs/.fetched`))
        return 'not needed: the Kafka jars are fetched';
      const out = await run('mvn', ['-v']);
      return (/Apache Maven (\S+)/.exec(out)?.[0] ?? 'Maven').trim();
    },
  },
  python: {
    neededFor: 'dbt (the .venv of scripts/pyenv.sh; not needed with --no-dbt)',
    fix: 'install Python 3.11+ with venv (sudo apt-get install python3 python3-venv), or pass --no-dbt',
    async find() {
      const out = await run(process.env.PYTHON ?? 'python3', [
        '-c',
        'import sys; print(".".join(map(str, sys.version_info[:3])))',
      ]);
      const version = out.trim();
      const [maj = 0, min = 0] = version.split('.').map(Number);
      if (maj < 3 || (maj === 3 && min < 11)) throw new Error(`Python ${version} is too old`);
      return `Python ${version}${existsSync(`${REPO_ROOT}.venv/bin/dbt`) ? ', dbt in .venv' : ' (.venv created on first use)'}`;
    },
  },
  kcat: {
    neededFor: 'the tests (a raw consumer baseline)',
    fix: 'sudo apt-get install kcat (npm test installs it)',
    testsOnly: true,
    async find() {
      return `kcat ${/Version (\S+)/.exec(await run('kcat', ['-V']))?.[1] ?? ''}`.trim();
    },
  },
  chromium: {
    neededFor: 'the tests (the dashboard in a browser)',
    fix: 'sudo apt-get install chromium (npm test installs it)',
    testsOnly: true,
    async find() {
      return (await run('chromium', ['--version'])).trim().split('\n')[0] ?? 'chromium';
    },
  },
};

/**
 * Checks prerequisites, all at once.
 *
 * @param names - which ones (default: all)
 * @returns one status per name, in order
 */
export function checkPrerequisites(
  names: readonly PrerequisiteName[] = PREREQUISITE_NAMES,
): Promise<PrerequisiteStatus[]> {
  return Promise.all(
    names.map(async (name) => {
      const probe = PROBES[name];
      const base = { name, neededFor: probe.neededFor, fix: probe.fix, testsOnly: probe.testsOnly ?? false };
      try {
        return { ...base, ok: true, detail: await probe.find() };
      } catch (error) {
        return { ...base, ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

/**
 * Checks the prerequisites a command needs and fails on the first missing one.
 *
 * @param names - the prerequisites
 * @throws `CLI_PREREQUISITE_MISSING` with how to get it
 */
export async function requirePrerequisites(names: readonly PrerequisiteName[]): Promise<void> {
  const missing = (await checkPrerequisites(names)).find((status) => !status.ok);
  if (missing) {
    throw new UsageError(
      'CLI_PREREQUISITE_MISSING',
      `${missing.name}: ${missing.detail} (needed for ${missing.neededFor})`,
      missing.fix,
      { details: { prerequisite: missing.name } },
    );
  }
}
