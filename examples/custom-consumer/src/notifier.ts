import type { Alert } from '@orderstream/core';
import { OrderstreamError, toAlertRow, withRetry } from '@orderstream/core';

/** Options of {@link createNotifier}. */
export interface NotifierOptions {
  /** POST each alert as JSON here; without it, alerts are printed. */
  webhookUrl?: string;
  /** Injectable for tests. @defaultValue the global `fetch` */
  fetch?: typeof fetch;
  /** Where printed alerts and delivery failures go. @defaultValue `console.log` */
  log?: (line: string) => void;
  /** Retries of a failed delivery (network errors, 429 and 5xx). @defaultValue 3 */
  retries?: number;
  /** First delay before a retry, in milliseconds; later ones double. @defaultValue 500 */
  retryDelayMs?: number;
}

/** The JSON body posted to the webhook: the `ALERTS` row plus the alert's direction and metric. */
export type AlertPayload = Record<string, string | number | boolean | null>;

/**
 * Turns an alert into the webhook's JSON body: the `ALERTS` row, dates as ISO strings, with a
 * `text` field that chat tools (Slack, Teams, Mattermost incoming webhooks) display as is.
 *
 * @param alert - a firing or resolved alert
 * @returns a JSON-serialisable object
 */
export function alertPayload(alert: Alert): AlertPayload {
  const row = toAlertRow(alert);
  const payload: AlertPayload = {};
  for (const [column, value] of Object.entries(row)) {
    payload[column] = value instanceof Date ? value.toISOString() : value;
  }
  const prefix = alert.state === 'firing' ? `[${alert.severity.toUpperCase()}]` : '[RESOLVED]';
  payload.text = `${prefix} ${alert.explanation}`;
  return payload;
}

/**
 * Creates the function that delivers alerts: prints them, or POSTs them to a webhook with a few
 * retries. A delivery that still fails is logged, never thrown: an unreachable webhook must not
 * stop the consumer.
 *
 * @param options - webhook, fetch, log
 * @returns `notify(alert)`
 */
export function createNotifier(options: NotifierOptions = {}): (alert: Alert) => Promise<void> {
  const log = options.log ?? console.log;
  const doFetch = options.fetch ?? fetch;
  const { webhookUrl } = options;
  return async (alert) => {
    const payload = alertPayload(alert);
    if (webhookUrl === undefined) {
      log(String(payload.text));
      return;
    }
    try {
      await withRetry(
        async () => {
          let response: Response;
          try {
            response = await doFetch(webhookUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(payload),
              signal: AbortSignal.timeout(10_000),
            });
          } catch (cause) {
            throw new OrderstreamError('WEBHOOK_UNREACHABLE', 'The alert webhook is unreachable', {
              cause,
              retryable: true,
            });
          }
          if (!response.ok) {
            throw new OrderstreamError('WEBHOOK_REJECTED', `The alert webhook answered ${response.status}`, {
              details: { status: response.status },
              retryable: response.status === 429 || response.status >= 500,
            });
          }
        },
        { retries: options.retries ?? 3, minTimeoutMs: options.retryDelayMs ?? 500 },
      );
    } catch (error) {
      log(`Could not deliver alert ${alert.id}: ${(error as Error).message}`);
    }
  };
}
