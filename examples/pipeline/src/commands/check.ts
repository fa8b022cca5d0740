import { Command, InvalidArgumentError } from 'commander';
import type { CheckCommandOptions } from '../actions/check.js';
import { loadModule } from '../lazy-modules.js';
import { runAction } from '../run-action.js';

const count = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return parsed;
};

/**
 * `orderstream check --data DIR [--json] [--rejects N]`: reads and validates the nine Olist CSV
 * files of a folder without loading anything, prints rows and rejects per file with the first
 * rejects, and exits with 1 when a file is missing or unreadable.
 *
 * @returns the `check` command
 */
export function checkCommand(): Command {
  return new Command('check')
    .description(
      'Read and validate the Olist CSV files of a folder: rows and rejects per file, nothing loaded.',
    )
    .requiredOption('--data <dir>', 'the folder holding the nine Olist CSV files')
    .option('--json', 'print the report as JSON instead of a table', false)
    .option('--rejects <n>', 'how many rejects to show per file', count, 5)
    .addHelpText(
      'after',
      [
        '',
        'Exit codes:',
        '  0  every file was read (rejected records alone do not fail the check; they are listed)',
        '  1  a file is missing, unreadable or has the wrong header, or the folder does not exist',
        '',
        'Example:',
        '  $ orderstream check --data data/olist',
      ].join('\n'),
    )
    .action(
      runAction(async (options: CheckCommandOptions) => {
        const { runCheck } = await loadModule('actions/check');
        return runCheck(options);
      }),
    );
}
