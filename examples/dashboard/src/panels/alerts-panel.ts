import type { AlertTimelinePayload } from '@orderstream/core/queries';
import { definePanel } from './panel.js';

/** Alerts from the `alerts` table: which fire now, and what happened recently with explanations. */
export const alertsPanel = definePanel<AlertTimelinePayload>({
  id: 'alerts',
  title: 'Spikes and anomalies',
  source: 'alerts',
  filtered: false,
  slow: false,
  load: ({ queries, now }) => queries.alertTimeline({ now }),
  toCsv(payload) {
    return {
      columns: [
        'alert_id',
        'rule',
        'series',
        'severity',
        'state',
        'started_at',
        'fired_at',
        'resolved_at',
        'observed',
        'expected',
        'band_low',
        'band_high',
        'explanation',
      ],
      rows: payload.timeline.map((a) => [
        a.alertId,
        a.rule,
        a.series,
        a.severity,
        a.state,
        a.startedAt,
        a.firedAt,
        a.resolvedAt,
        a.observed,
        a.expected,
        a.bandLow,
        a.bandHigh,
        a.explanation,
      ]),
    };
  },
});
