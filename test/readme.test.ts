import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createOrderEventStream } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import {
  createKafkaJsClientFactory,
  createOrderProducer,
  createOrderSink,
  ensureTopics,
} from '@orderstream/kafka';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from './support/free-port.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A fenced code block of the README whose info string carries the word `runnable`. */
interface RunnableBlock {
  readonly language: string;
  readonly code: string;
  /** 1-based line of the opening fence, for messages. */
  readonly line: number;
}

/** The README's fenced blocks marked `runnable` (` ```ts runnable `), in order. */
function runnableBlocks(markdown: string): RunnableBlock[] {
  const blocks: RunnableBlock[] = [];
  for (const match of markdown.matchAll(/^```([^\n`]*)\n([\s\S]*?)^```[ \t]*$/gm)) {
    const [language = '', ...flags] = (match[1] ?? '').trim().split(/\s+/);
    if (!flags.includes('runnable')) continue;
    const line = markdown.slice(0, match.index).split('\n').length;
    blocks.push({ language, code: match[2] ?? '', line });
  }
  return blocks;
}

/**
 * Type-checks TypeScript snippets in one program, as ES modules in the repo (so `@orderstream/*`
 * resolve through the workspace packages' `exports`, with the source condition the examples use)
 * under the repo's compiler options.
 *
 * @returns the formatted diagnostics of each snippet, in order
 */
async function typeCheck(snippets: readonly string[]): Promise<string[][]> {
  const dir = join(ROOT, '.cache', 'readme-blocks');
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const [i, code] of snippets.entries()) {
    const file = join(dir, `block-${process.pid}-${i}.mts`);
    await writeFile(file, code);
    files.push(file);
  }
  try {
    const base = ts.readConfigFile(join(ROOT, 'tsconfig.base.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(base.config, ts.sys, ROOT);
    const program = ts.createProgram(files, { ...options, noEmit: true, declaration: false });
    const host = {
      getCanonicalFileName: (f: string) => f,
      getCurrentDirectory: () => ROOT,
      getNewLine: () => '\n',
    };
    const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
    return files.map((file) => {
      const source = program.getSourceFile(file);
      const own = source
        ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
        : [];
      return [...global, ...own].map((d) => ts.formatDiagnostic(d, host));
    });
  } finally {
    await Promise.all(files.map((file) => rm(file, { force: true })));
  }
}

let readme: string;
let blocks: RunnableBlock[];

beforeAll(async () => {
  readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  blocks = runnableBlocks(readme);
});

describe('README runnable blocks', () => {
  it('keeps its first two commands', () => {
    expect(readme.split('\n').slice(2, 5)).toEqual([
      '```sh',
      'npm ci && npm run demo   # run the whole pipeline on the embedded defaults, dashboard on http://127.0.0.1:8501',
      'npm ci && npm test       # run every test (installs and starts its own Kafka, dbt, Snowflake emulator, browser)',
    ]);
  });

  it('marks a TypeScript sample and a shell command as runnable, and nothing in another language', () => {
    expect(blocks.map((b) => b.language).sort()).toEqual(['sh', 'ts']);
    expect(runnableBlocks('```ts\nlet a = 1;\n```\n\n```sh runnable\necho hi\n```\n')).toEqual([
      { language: 'sh', code: 'echo hi\n', line: 5 },
    ]);
  });

  it('type-checks the TypeScript blocks against the packages (and reports a broken one)', async () => {
    const code = blocks.filter((b) => b.language === 'ts').map((b) => b.code);
    expect(code.length).toBeGreaterThan(0);
    expect(code.join('\n')).toMatch(/from '@orderstream\/(core|kafka|duckdb)'/);
    const sample = code[0] ?? '';
    const [ok = [], misspelled = [], wrongField = []] = await typeCheck([
      code.join('\n'),
      sample.replace('createDuckDbWarehouse(', 'createDuckDBWarehouse('),
      sample.replace('flush.rows', 'flush.rowz'),
    ]);
    expect(ok).toEqual([]);
    expect(misspelled.join('\n')).toMatch(/createDuckDBWarehouse/);
    expect(wrongField.join('\n')).toMatch(/rowz/);
  }, 120_000);

  describe('shell blocks, from the repo root, with the test broker and a dashboard port of their own', () => {
    let dir: string;
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'orderstream-readme-it-'));
    });
    afterAll(async () => {
      for (const child of children)
        if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('serve the dashboard over HTTP, then stop cleanly on Ctrl-C', async () => {
      const shell = blocks.filter((b) => b.language === 'sh');
      expect(shell.length).toBeGreaterThan(0);
      for (const [i, block] of shell.entries()) {
        const port = await freePort();
        const output: string[] = [];
        // Its own process group, like a terminal's foreground job: Ctrl-C reaches npm and node alike.
        const child = spawn('bash', ['-e', '-c', block.code], {
          cwd: ROOT,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            KAFKA_BROKERS: inject('kafkaBrokers'),
            ORDERSTREAM_DASHBOARD_PORT: String(port),
            ORDERSTREAM_WAREHOUSE: `duckdb:${join(dir, `readme-${i}.duckdb`)}`,
          },
        });
        children.push(child);
        for (const stream of [child.stdout, child.stderr])
          stream?.on('data', (d: Buffer) => output.push(d.toString()));
        const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
        const what = `README line ${block.line}: ${block.code.trim()}`;

        const deadline = Date.now() + 75_000;
        let answered = false;
        while (!answered) {
          if (child.exitCode !== null)
            throw new Error(
              `${what} exited ${child.exitCode} before the dashboard answered\n${output.join('')}`,
            );
          if (Date.now() > deadline)
            throw new Error(`${what}: no dashboard on port ${port}\n${output.join('')}`);
          const response = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
          if (response?.ok) {
            expect(response.headers.get('content-type')).toContain('text/html');
            answered = true;
          } else await new Promise((r) => setTimeout(r, 250));
        }
        const health = await fetch(`http://127.0.0.1:${port}/api/panels/health`);
        expect(health.status, what).toBe(200);

        if (child.pid) process.kill(-child.pid, 'SIGINT');
        expect(await exited, `${what}\n${output.join('')}`).toBe(0);
        expect(output.join('')).toMatch(/stopped: \d+ rows written, \d+ dead-lettered, offsets committed/);
      }
    }, 120_000);
  });

  describe('the TypeScript block, run as written next to a running sink', () => {
    let dir: string;
    let child: ChildProcess | undefined;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'orderstream-readme-ts-'));
    });
    afterAll(async () => {
      if (child && child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("feeds its alert engine from a consumer group of its own while the demo's sink keeps every partition", async () => {
      const [block] = blocks.filter((b) => b.language === 'ts');
      if (!block) throw new Error('no TypeScript block');
      const brokers = inject('kafkaBrokers').split(',');
      const topics = await ensureTopics({ brokers });
      const partitions = topics.topics.find((t) => t.role === 'orders')?.partitions ?? 0;
      expect(partitions).toBeGreaterThan(0);

      // The running sink, in the demo's group, with a warehouse of its own.
      const warehouse = await createDuckDbWarehouse({
        path: join(dir, 'demo.duckdb'),
        config: { threads: '2' },
      });
      await warehouse.migrate();
      const demoSink = createOrderSink({
        brokers,
        groupId: 'orderstream-sink',
        warehouse,
        flushIntervalMs: 100,
      });
      await demoSink.start();
      const until = async (check: () => boolean, what: string, timeoutMs = 90_000) => {
        const deadline = Date.now() + timeoutMs;
        while (!check()) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output.join('')}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      const output: string[] = [];
      try {
        await until(() => demoSink.metrics().partitions.length === partitions, "the demo sink's assignment");

        // The block as written, in a folder of its own (it writes ./data/my-orders.duckdb).
        const file = join(ROOT, '.cache', 'readme-blocks', `run-${process.pid}.mts`);
        await mkdir(join(ROOT, '.cache', 'readme-blocks'), { recursive: true });
        await writeFile(file, block.code);
        child = spawn(
          process.execPath,
          [
            '--conditions=@orderstream/source',
            '--import',
            pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href,
            file,
          ],
          {
            cwd: dir,
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, KAFKA_BROKERS: brokers.join(',') },
          },
        );
        for (const stream of [child.stdout, child.stderr])
          stream?.on('data', (d: Buffer) => output.push(d.toString()));
        const exited = new Promise<number | null>((done) => child?.once('exit', (code) => done(code)));
        const fed = () =>
          [...output.join('').matchAll(/^(\d+) orders fed to the alert engine$/gm)].reduce(
            (sum, m) => sum + Number(m[1]),
            0,
          );

        // Its consumer starts at the end of the topic once it has joined (or where its group left off,
        // on a broker kept from an earlier run): send orders until its group has committed past them.
        // It commits an order only after `onOrder` (the engine's `ingest`) took it.
        const producer = createOrderProducer({ brokers });
        const admin = createKafkaJsClientFactory({ brokers, logLevel: 'nothing' }).admin();
        await admin.connect();
        const demoRowsBefore = demoSink.metrics().records;
        let produced = 0;
        try {
          const deadline = Date.now() + 90_000;
          let ends: { partition: number; high: string }[] = [];
          const handled = async () => {
            const committed = await admin.fetchCommittedOffsets('my-alerts', 'orders');
            return ends.every(
              (e) =>
                BigInt(committed.find((c) => c.partition === e.partition)?.offset ?? '-1') >= BigInt(e.high),
            );
          };
          for (
            let seed = Date.now() % 100_000;
            produced === 0 || fed() < 5 || !(await handled());
            seed += 1
          ) {
            if (child.exitCode !== null)
              throw new Error(`the block exited ${child.exitCode}\n${output.join('')}`);
            if (Date.now() > deadline)
              throw new Error(`the alert engine was fed ${fed()} orders\n${output.join('')}`);
            await producer.send([...createOrderEventStream({ seed, limit: 5 })]);
            produced += 5;
            ends = (await admin.fetchWatermarks('orders')).map((w) => ({
              partition: w.partition,
              high: w.high,
            }));
            await new Promise((r) => setTimeout(r, 1_000));
          }
        } finally {
          await producer.disconnect();
          await admin.disconnect();
        }
        expect(fed()).toBeGreaterThanOrEqual(5);
        await until(
          () => /rows committed in \d+ ms/.test(output.join('')),
          "the block's sink to commit rows",
        );
        // The demo's sink kept every partition and wrote every order sent meanwhile.
        await until(() => demoSink.metrics().records - demoRowsBefore >= produced, "the demo sink's rows");
        expect(demoSink.metrics().partitions).toHaveLength(partitions);

        // The Kafka client's own lines, if any, come through the logger, readable; never raw.
        expect(output.join('')).not.toMatch(/"logger":"kafkajs"|kafkajs (ERROR|WARN)/);
        child.kill('SIGINT');
        expect(await exited, output.join('')).toBe(0);
        await rm(file, { force: true });
      } finally {
        await demoSink.stop();
        await warehouse.close();
      }
    }, 240_000);
  });
});
