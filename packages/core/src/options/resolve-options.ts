import type { z } from 'zod';
import { OrderstreamError } from '../errors/orderstream-error.js';

/**
 * Validates user options against a zod schema (which carries the defaults) and returns the
 * resolved value. This is the one place options are checked and defaulted.
 *
 * @param component - the component's name, used in the error message
 * @param schema - a zod schema whose fields declare their defaults
 * @param input - what the caller passed
 * @returns the parsed options with every default filled in
 * @throws {@link OrderstreamError} `CORE_INVALID_OPTIONS` with zod's issues in `details.issues`
 * @example
 * ```ts
 * const resolved = resolveOptions('OrderSink', sinkOptionsSchema, { groupId: 'sink' });
 * ```
 */
export function resolveOptions<S extends z.ZodType>(
  component: string,
  schema: S,
  input: z.input<S>,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const summary = result.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  throw new OrderstreamError('CORE_INVALID_OPTIONS', `Invalid ${component} options: ${summary}`, {
    details: { component, issues: result.error.issues },
  });
}
