import type { Alert } from './alert.js';

/** An event that arrived after its minute had closed, reported by the `late` event. */
export interface LateOrderEvent {
  /** The event's id. */
  readonly eventId: string;
  /** The event's time. */
  readonly eventTime: Date;
  /** The watermark when it arrived; the event was older than the first open minute. */
  readonly watermark: Date | null;
  /** Late events counted so far, this one included. */
  readonly lateEvents: number;
}

/**
 * The events of an {@link AlertEngine}:
 *
 * - `alert` — an alert started firing;
 * - `resolved` — a firing alert resolved (same `id`, `state: 'resolved'`, `resolvedAt` set);
 * - `late` — an event arrived after its minute closed and was not counted.
 */
export interface AlertEngineEvents {
  alert: (alert: Alert) => void;
  resolved: (alert: Alert) => void;
  late: (event: LateOrderEvent) => void;
}
