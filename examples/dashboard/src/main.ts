import { parseArgs } from 'node:util';
import { isOrderstreamError } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { createDashboardServer } from './dashboard-server.js';

const USAGE = `Usage: dashboard --warehouse duckdb:PATH [--host 127.0.0.1] [--port 8501] [--poll-interval-ms 1000]`;

/**
 * Runs the dashboard standalone against a warehouse file until SIGINT/SIGTERM.
 *
 * @param argv - the command-line arguments after the script
 * @returns the process exit code
 */
export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      warehouse: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8501' },
      'poll-interval-ms': { type: 'string', default: '1000' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const target = values.warehouse ?? '';
  if (!target.startsWith('duckdb:') || target.length <= 'duckdb:'.length) {
    console.error(`dashboard: --warehouse duckdb:PATH is required\n${USAGE}`);
    return 2;
  }
  const warehouse = await createDuckDbWarehouse({ path: target.slice('duckdb:'.length) });
  await warehouse.migrate();
  const dashboard = await createDashboardServer({
    warehouse,
    host: values.host,
    port: Number(values.port),
    pollIntervalMs: Number(values['poll-interval-ms']),
  });
  console.log(`dashboard: ${dashboard.url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await dashboard.close();
  await warehouse.close();
  return 0;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(
        `dashboard: ${isOrderstreamError(error) ? `${error.code}: ${error.message}` : String(error)}`,
      );
      process.exitCode = 1;
    },
  );
}
