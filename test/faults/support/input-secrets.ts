import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Everything an error exposes, as text: message, code, `details`, stack and the whole cause chain
 * (with hidden properties), plus its JSON form — what a log line or an error report could print.
 */
export function exposedText(error: unknown): string {
  const parts = [inspect(error, { depth: 20, showHidden: true, breakLength: Number.POSITIVE_INFINITY })];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    const e = current as { message?: unknown; stack?: unknown; details?: unknown; cause?: unknown };
    parts.push(String(e.message ?? ''), String(e.stack ?? ''));
    try {
      parts.push(JSON.stringify(e.details ?? null), JSON.stringify(current));
    } catch {
      // a circular value: inspect() above already covered it
    }
    current = e.cause;
  }
  return parts.join('\n');
}

/** Which of the secrets occur in `text` (also base64- and URL-encoded), for a readable failure. */
export function leakedSecrets(text: string, secrets: readonly string[]): string[] {
  return secrets.filter(
    (secret) =>
      text.includes(secret) ||
      text.includes(Buffer.from(secret).toString('base64')) ||
      text.includes(encodeURIComponent(secret)),
  );
}

/** Captures what this process writes to stdout and stderr (still passing it on) while `body` runs. */
export async function captureOutput<T>(
  body: () => Promise<T>,
): Promise<{ result: T | undefined; error: unknown; output: string }> {
  const chunks: string[] = [];
  const originals = { out: process.stdout.write, err: process.stderr.write };
  const tap =
    (original: typeof process.stdout.write, stream: NodeJS.WriteStream) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    };
  process.stdout.write = tap(originals.out, process.stdout) as typeof process.stdout.write;
  process.stderr.write = tap(originals.err, process.stderr) as typeof process.stderr.write;
  const logs = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const consoleOriginals = logs.map((name) => console[name]);
  for (const name of logs)
    console[name] = (...args: unknown[]) => chunks.push(`${inspect(args, { depth: 10 })}\n`);
  try {
    const result = await body();
    return { result, error: undefined, output: chunks.join('') };
  } catch (error) {
    return { result: undefined, error, output: chunks.join('') };
  } finally {
    process.stdout.write = originals.out;
    process.stderr.write = originals.err;
    for (const [i, name] of logs.entries())
      console[name] = consoleOriginals[i] as (typeof console)[typeof name];
  }
}

/**
 * Runs the `orderstream` CLI from source in a child process; resolves with its exit code and
 * output. With `stopWhen`, the process gets SIGTERM once its output matches (a long-running
 * command such as `sink`), as an operator would stop it.
 */
export function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  options: { timeoutMs?: number; stopWhen?: RegExp } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--conditions=@orderstream/source', '--import', 'tsx', 'examples/pipeline/src/cli.ts', ...args],
      {
        cwd: root,
        env: { ...process.env, ...env },
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.stopWhen) {
      let seen = '';
      let stopped = false;
      const watch = (chunk: Buffer | string) => {
        seen += String(chunk);
        if (!stopped && options.stopWhen?.test(seen)) {
          stopped = true;
          child.kill('SIGTERM');
        }
      };
      child.stdout?.on('data', watch);
      child.stderr?.on('data', watch);
    }
  });
}
