import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, loadavg, release, totalmem, type } from 'node:os';
import { fileURLToPath } from 'node:url';
import { version as duckDbVersion } from '@duckdb/node-api';

/** The 1-, 5- and 15-minute load averages. */
export type LoadAverage = readonly [number, number, number];

/** What a benchmark ran on: enough to judge whether two results can be compared. */
export interface MachineDescription {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly duckdb: string;
  /** The broker version of `scripts/kafka.sh` (from its Maven dependency list). */
  readonly kafka: string;
  readonly kafkajs: string;
  /** `null` when kcat is not on PATH. */
  readonly kcat: string | null;
  readonly loadAverage: { readonly start: LoadAverage; readonly end: LoadAverage };
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The current load averages, rounded to two decimals. */
export function currentLoadAverage(): LoadAverage {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  const round = (value: number) => Math.round(value * 100) / 100;
  return [round(one), round(five), round(fifteen)];
}

function readVersion(path: string, pattern: RegExp): string {
  try {
    return pattern.exec(readFileSync(`${root}${path}`, 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Describes this machine and the versions of what the benchmarks drive, from node:os and the
 * installed packages.
 *
 * @param loadAtStart - the load averages taken when the benchmark started
 * @returns the description, with the load averages now as `end`
 */
export function describeMachine(loadAtStart: LoadAverage): MachineDescription {
  const cpuList = cpus();
  const kcat = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
  return {
    cpu: cpuList[0]?.model.trim() ?? 'unknown CPU',
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()} ${arch()}`,
    node: process.version,
    duckdb: duckDbVersion(),
    kafka: readVersion('scripts/kafka/pom.xml', /<kafka\.version>([^<]+)</),
    kafkajs: readVersion('node_modules/kafkajs/package.json', /"version":\s*"([^"]+)"/),
    kcat: kcat.status === 0 ? (/Version (\S+)/.exec(kcat.stdout)?.[1] ?? 'unknown') : null,
    loadAverage: { start: loadAtStart, end: currentLoadAverage() },
  };
}

/**
 * One line for a markdown file.
 *
 * @param machine - the description
 * @returns e.g. `AMD EPYC, 2 cores, 23.5 GiB RAM, Linux 6.8 x64, Node v20.20.2, …`
 */
export function machineLine(machine: MachineDescription): string {
  const load = (l: LoadAverage) => l.map((value) => value.toFixed(1)).join(' / ');
  return (
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}, Node ${machine.node}, ` +
    `DuckDB ${machine.duckdb}, Kafka ${machine.kafka} (kafkajs ${machine.kafkajs}${machine.kcat ? `, kcat ${machine.kcat}` : ''}); ` +
    `load average (1 / 5 / 15 min) ${load(machine.loadAverage.start)} at start, ${load(machine.loadAverage.end)} at end`
  );
}
