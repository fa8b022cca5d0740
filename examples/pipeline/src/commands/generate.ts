import { Command, InvalidArgumentError } from 'commander';
import type { GenerateCommandOptions } from '../actions/generate.js';
import { loadModule } from '../lazy-modules.js';
import { PACKAGE_DEFAULTS } from '../package-defaults.js';
import { checkWritableDir, checkWritableFile } from '../preflight.js';
import { runAction } from '../run-action.js';

const whole =
  (minimum: number) =>
  (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < minimum)
      throw new InvalidArgumentError(`expected a whole number ≥ ${minimum}`);
    return parsed;
  };

/**
 * `orderstream generate --out DIR [--orders N] [--seed S] [--defects] [--malformed N]`: writes a
 * seeded synthetic Olist data set (the nine Kaggle CSV files) and prints rows, sizes and SHA-256
 * per file.
 *
 * @returns the `generate` command
 */
export function generateCommand(): Command {
  return new Command('generate')
    .description('Write a seeded synthetic Olist data set: the nine Kaggle CSV files, same format and shape.')
    .requiredOption(
      '--out <dir>',
      'the folder to write the files into (created if missing; files overwritten)',
    )
    .option(
      '--orders <n>',
      'how many orders; the other tables scale with it',
      whole(1),
      PACKAGE_DEFAULTS.kaggleOrderCount,
    )
    .option('--seed <s>', 'the seed: same seed and options, byte-identical files', whole(0), 42)
    .option('--defects', "inject the real data's known defects at their real rates", false)
    .option('--malformed <n>', 'add N malformed rows at random positions (for quarantine tests)', whole(0), 0)
    .option('--truth <file>', 'write the injected defects and malformed rows (file and line) as JSON')
    .option('--json', 'print the full result as JSON instead of a table', false)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ orderstream generate --out data/olist',
        '  $ orderstream generate --out data/small --orders 5000 --seed 7 --defects --malformed 20 --truth data/small/truth.json',
      ].join('\n'),
    )
    .action(
      runAction(async (options: GenerateCommandOptions) => {
        await checkWritableDir('--out', options.out);
        if (options.truth !== undefined) await checkWritableFile('--truth', options.truth);
        const { runGenerate } = await loadModule('actions/generate');
        return runGenerate(options);
      }),
    );
}
