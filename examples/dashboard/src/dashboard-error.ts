import { OrderstreamError } from '@orderstream/core';

/** Error codes raised by the dashboard. */
export const DASHBOARD_ERROR_CODES = [
  'DASHBOARD_INVALID_FILTER',
  'DASHBOARD_UNKNOWN_PANEL',
  'DASHBOARD_TOO_MANY_SUBSCRIPTIONS',
  'DASHBOARD_QUERY_FAILED',
  'DASHBOARD_REQUEST_TOO_LARGE',
] as const;

/** A code raised by the dashboard. */
export type DashboardErrorCode = (typeof DASHBOARD_ERROR_CODES)[number];

/** The HTTP status each code maps to; the message is safe to show (no SQL, no stack). */
export const DASHBOARD_ERROR_STATUS: Readonly<Record<DashboardErrorCode, 400 | 404 | 414 | 503>> = {
  DASHBOARD_INVALID_FILTER: 400,
  DASHBOARD_UNKNOWN_PANEL: 404,
  DASHBOARD_TOO_MANY_SUBSCRIPTIONS: 503,
  DASHBOARD_QUERY_FAILED: 503,
  DASHBOARD_REQUEST_TOO_LARGE: 414,
};

/**
 * Creates a dashboard error.
 *
 * @param code - the stable code
 * @param message - a sentence safe to send to the browser
 * @param details - structured context (zod issues, panel id); SQL stays in `cause`, never in responses
 * @param cause - the underlying error
 * @returns the error
 */
export function dashboardError(
  code: DashboardErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): OrderstreamError<DashboardErrorCode> {
  return new OrderstreamError(code, message, { details, cause });
}
