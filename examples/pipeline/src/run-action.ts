import { isOrderstreamError } from '@orderstream/core/errors';
import type { Command } from 'commander';
import { isInterruption, wasInterrupted } from './interrupt.js';
import {
  formatUsageError,
  INTERRUPTED_EXIT_CODE,
  isUsageError,
  oneLine,
  USAGE_EXIT_CODE,
} from './usage-error.js';

/**
 * Prints a failure the way the CLI reports every failure: one line on stderr (the stack trace only
 * with `--verbose`), and returns the exit code: 130 after Ctrl-C, 2 for a user error, else 1.
 * Errors are told apart by their brand (`@orderstream/core/errors`), so reporting one loads no
 * package.
 *
 * @param error - what was thrown
 * @param verbose - whether to add the stack trace
 * @returns the exit code
 */
export async function reportError(error: unknown, verbose: boolean): Promise<number> {
  const stack = () => {
    if (verbose && error instanceof Error && error.stack) console.error(error.stack);
  };
  if (isInterruption(error) || wasInterrupted()) {
    if (!isInterruption(error)) console.error(`while stopping: ${describe(error)}`);
    console.error('interrupted: stopped what this command started');
    stack();
    return INTERRUPTED_EXIT_CODE;
  }
  if (isUsageError(error)) {
    console.error(formatUsageError(error));
    stack();
    return USAGE_EXIT_CODE;
  }
  console.error(
    isOrderstreamError(error)
      ? `error ${error.code}: ${oneLine(error.message)}`
      : `error: ${describe(error)}${verbose ? '' : ' (an unexpected failure: --verbose shows the stack trace)'}`,
  );
  stack();
  return 1;
}

const describe = (error: unknown) => oneLine(error instanceof Error ? error.message : String(error));

/**
 * Wraps a command's action: a returned number is the exit code; a failure prints one line (see
 * {@link reportError}) and sets its exit code.
 *
 * @param action - the command's action
 * @returns the action commander calls
 */
export function runAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await action(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (error) {
      const command = args.at(-1) as Partial<Command> | undefined;
      const verbose = command?.optsWithGlobals?.<{ verbose?: boolean }>().verbose === true;
      process.exitCode = await reportError(error, verbose);
    }
  };
}
