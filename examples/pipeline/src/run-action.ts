import { isOrderstreamError } from '@orderstream/core';

/**
 * Wraps a command's action: an orderstream error prints its code and message (never a stack for
 * expected failures) and sets exit code 1; anything else is a bug and prints in full.
 */
export function runAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await action(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (error) {
      if (isOrderstreamError(error)) {
        console.error(`error ${error.code}: ${error.message}`);
      } else {
        console.error(error);
      }
      process.exitCode = 1;
    }
  };
}
