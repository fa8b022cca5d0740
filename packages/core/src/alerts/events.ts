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
 * Minutes the engine did not judge because their data is unknown — our pipeline was stopped,
 * lagging or replaying, not the shop silent — reported once per gap by the `gap` event.
 */
export interface PipelineGap {
  /** Start of the first unknown minute. */
  readonly from: Date;
  /** End of the last unknown minute. */
  readonly to: Date;
  /** Unknown minutes. */
  readonly minutes: number;
  /**
   * `marked` — the caller said so ({@link AlertEngine.markUnknown}); `no-progress` — event time
   * jumped over more than `unconfirmedGapMinutes` minutes that no {@link AlertEngine.advance} had
   * confirmed.
   */
  readonly reason: 'marked' | 'no-progress';
}

/**
 * The events of an {@link AlertEngine}:
 *
 * - `alert` — an alert started firing;
 * - `resolved` — a firing alert resolved (same `id`, `state: 'resolved'`, `resolvedAt` and
 *   `durationMinutes` set);
 * - `late` — an event arrived after its minute closed and was not counted;
 * - `gap` — minutes of unknown data were skipped (a pipeline-health notice, once per gap; no
 *   business alert is raised for them).
 */
export interface AlertEngineEvents {
  alert: (alert: Alert) => void;
  resolved: (alert: Alert) => void;
  late: (event: LateOrderEvent) => void;
  gap: (gap: PipelineGap) => void;
}
