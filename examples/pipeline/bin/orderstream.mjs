#!/usr/bin/env node
// Runs the `orderstream` CLI from source: re-executes Node with the workspace's source condition and
// the tsx loader, forwarding arguments, signals and the exit code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const child = spawn(
  process.execPath,
  ['--conditions=@orderstream/source', '--import', 'tsx', cli, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
