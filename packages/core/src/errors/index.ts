/**
 * `@orderstream/core/errors`: the base error of orderstream on its own, for a program that raises
 * or tells apart orderstream errors before it loads anything heavy (the `orderstream` CLI's own
 * errors extend {@link OrderstreamError} without loading core). The same names are exported by
 * `@orderstream/core`; this entry loads nothing else.
 *
 * @example
 * ```ts
 * import { isOrderstreamError } from '@orderstream/core/errors';
 *
 * try {
 *   await run();
 * } catch (error) {
 *   console.error(isOrderstreamError(error) ? `error ${error.code}: ${error.message}` : error);
 * }
 * ```
 *
 * @packageDocumentation
 */

export type { CoreErrorCode, OrderstreamErrorOptions } from './orderstream-error.js';
export { CORE_ERROR_CODES, isOrderstreamError, OrderstreamError } from './orderstream-error.js';
