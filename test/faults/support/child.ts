import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** One JSON line a child printed, with its `type`. */
export type ChildEvent = { readonly type: string } & Record<string, unknown>;

/** A child process printing JSON lines, as the sink process and `orderstream sink --json` do. */
export interface JsonChild {
  readonly child: ChildProcess;
  readonly events: ChildEvent[];
  /** Sum of `rows` over the `flush` lines: rows committed by this process. */
  rows(): number;
  /** Resolves with the exit code (`null` when killed by a signal). */
  readonly exited: Promise<number | null>;
  stderr(): string;
}

/**
 * Runs a TypeScript entry point of the repository in a child Node process (sources, no build), and
 * collects the JSON lines it prints on stdout. Other lines are kept with stderr for diagnostics.
 */
export function spawnTs(entry: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): JsonChild {
  const child = spawn(
    process.execPath,
    ['--conditions=@orderstream/source', '--import', 'tsx', entry, ...args],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const events: ChildEvent[] = [];
  let stderr = '';
  let rows = 0;
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let event: ChildEvent;
      try {
        event = JSON.parse(line) as ChildEvent;
      } catch {
        stderr += `${line}\n`;
        return;
      }
      events.push(event);
      if (event.type === 'flush') rows += Number(event.rows);
    });
  }
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, events, rows: () => rows, exited, stderr: () => stderr };
}

/** Starts `test/faults/support/sink-process.ts` with its JSON configuration. */
export function spawnSinkProcess(config: object, env: NodeJS.ProcessEnv = {}): JsonChild {
  return spawnTs('test/faults/support/sink-process.ts', [JSON.stringify(config)], env);
}

/** Polls `check` until it returns true, or throws after `timeoutMs` naming what it waited for. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. Resolves with its exit code. */
export async function stopChild(child: JsonChild, graceMs = 30_000): Promise<number | null> {
  if (child.child.exitCode !== null || child.child.signalCode !== null) return child.exited;
  child.child.kill('SIGTERM');
  const timer = setTimeout(() => child.child.kill('SIGKILL'), graceMs);
  try {
    return await child.exited;
  } finally {
    clearTimeout(timer);
  }
}
