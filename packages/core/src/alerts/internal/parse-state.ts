import type { z } from 'zod';
import { OrderstreamError } from '../../errors/orderstream-error.js';

/** Validates a restored state, raising the one error code every alert state failure uses. */
export function parseState<S extends z.ZodType>(what: string, schema: S, state: unknown): z.output<S> {
  const result = schema.safeParse(state);
  if (result.success) return result.data;
  const summary = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  throw new OrderstreamError('CORE_DETECTOR_STATE_INVALID', `Invalid ${what} state: ${summary}`, {
    details: { what, issues: result.error.issues },
  });
}
