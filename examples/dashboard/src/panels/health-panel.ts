import type { HealthSnapshot, PipelineHealthPayload } from '@orderstream/core/queries';
import { definePanel } from './panel.js';

/** Pipeline health: lag, rate, dead letters, latency and data freshness. */
export const healthPanel = definePanel<PipelineHealthPayload>({
  id: 'health',
  title: 'Pipeline health',
  source: 'pipeline',
  filtered: false,
  slow: false,
  async load({ queries, now, health }) {
    let reported: HealthSnapshot | undefined;
    try {
      reported = health === undefined ? undefined : await health();
    } catch {
      // A failing health callback must not take the panel down: show the warehouse's view.
      reported = undefined;
    }
    return queries.pipelineHealth({ now }, reported);
  },
  toCsv(payload) {
    const rows: (string | number | null)[][] = [
      ['last_ingested_at', '', '', payload.lastIngestedAt],
      ['events_per_second', '', '', payload.eventsPerSecond],
      ['end_to_end_latency_ms_p95', '', '', payload.endToEndLatencyMs],
      ['dead_letter_count', '', '', payload.deadLetterCount],
    ];
    for (const lag of payload.consumerLag ?? [])
      rows.push(['consumer_lag', lag.topic, lag.partition, lag.lag]);
    for (const o of payload.committedOffsets)
      rows.push(['committed_offset', o.topic, o.partition, o.nextOffset]);
    return { columns: ['metric', 'topic', 'partition', 'value'], rows };
  },
});
