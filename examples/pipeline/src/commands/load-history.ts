import { Command, InvalidArgumentError } from 'commander';
import type { LoadHistoryCommandOptions } from '../actions/load-history.js';
import { loadModule } from '../lazy-modules.js';
import { checkReadableDir, checkWarehouseUri } from '../preflight.js';
import { runAction } from '../run-action.js';
import { DEFAULT_WAREHOUSE_URI } from '../warehouse-uri.js';

/**
 * `orderstream load-history --data DIR [--warehouse duckdb:PATH] [--force] [--readers N]`: loads the nine Olist
 * CSV files into the warehouse, skipping files already loaded unchanged; prints a summary and
 * exits with 1 when a file failed.
 */
export function loadHistoryCommand(): Command {
  return new Command('load-history')
    .description('Load the Olist CSV files of a folder into the RAW tables (unchanged files are skipped).')
    .requiredOption('--data <dir>', 'the folder holding the nine Olist CSV files')
    .option(
      '--warehouse <uri>',
      'where to load: duckdb (./data/orderstream.duckdb), duckdb:PATH, snowflake or snowflake:SCHEMA (SNOWFLAKE_* env)',
      DEFAULT_WAREHOUSE_URI,
    )
    .option('--force', 'reload every file, even unchanged ones', false)
    .option(
      '--readers <n>',
      'worker threads reading files ahead of the writes; 0 reads on the main thread (default 2)',
      (value: string) => {
        const readers = Number(value);
        if (value.trim() === '' || !Number.isSafeInteger(readers) || readers < 0)
          throw new InvalidArgumentError('--readers must be a whole number ≥ 0');
        return readers;
      },
    )
    .action(
      runAction(async (options: LoadHistoryCommandOptions) => {
        await checkReadableDir('--data', options.data, 'pass the folder holding the nine Olist CSV files');
        await checkWarehouseUri(options.warehouse);
        const { runLoadHistory } = await loadModule('actions/load-history');
        return runLoadHistory(options);
      }),
    );
}
