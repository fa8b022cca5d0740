import { OrderstreamError } from '@orderstream/core';
import type { Kafka } from 'kafkajs';
import type { HealthSignals } from '../demo/health-check.js';

/** What {@link readKafkaHealthSignals} looks at. */
export interface KafkaHealthSignalsOptions {
  /** The orders topic the sink consumes. */
  topic: string;
  /** The sink's consumer group. */
  groupId: string;
  /** The dead-letter topic. */
  deadLetterTopic: string;
  /** How far back dead-letter growth is counted, in milliseconds. */
  deadLetterWindowMs: number;
  /** The current time. */
  now: Date;
}

/**
 * The health signals of a sink seen from Kafka alone, for a one-shot check that runs outside the
 * sink's process (cron, Airflow): the group's lag (high watermark minus committed offset, the
 * whole partition when the group committed nothing yet), and the offsets appended to the
 * dead-letter topic within the window. Offsets, not records: a transactional dead-letter write
 * adds a commit marker, so the growth is an upper bound and is 0 exactly when nothing was written.
 *
 * @param kafka - the kafkajs client
 * @param options - topics, group and window
 * @returns the signals, with `deadLettered` counting the window's growth
 * @throws `OrderstreamError` `KAFKA_ADMIN_FAILED` when the brokers refuse or a topic is missing
 */
export async function readKafkaHealthSignals(
  kafka: Kafka,
  options: KafkaHealthSignalsOptions,
): Promise<HealthSignals> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(options.topic);
    const [committed] = await admin.fetchOffsets({ groupId: options.groupId, topics: [options.topic] });
    let lag = 0;
    for (const end of ends) {
      const stored = Number(committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
      const from = stored >= 0 ? stored : Number(end.low);
      lag += Math.max(0, Number(end.high) - from);
    }
    const since = options.now.getTime() - options.deadLetterWindowMs;
    const dlqEnds = await admin.fetchTopicOffsets(options.deadLetterTopic);
    const dlqSince = await admin.fetchTopicOffsetsByTimestamp(options.deadLetterTopic, since);
    let deadLettered = 0;
    for (const end of dlqEnds) {
      const start = dlqSince.find((p) => p.partition === end.partition)?.offset ?? end.high;
      deadLettered += Math.max(0, Number(end.high) - Number(start));
    }
    return { deadLettered, lag };
  } catch (error) {
    throw new OrderstreamError(
      'KAFKA_ADMIN_FAILED',
      `Cannot read the health of ${options.topic} (group ${options.groupId}) and ${options.deadLetterTopic}: ${(error as Error).message}`,
      {
        cause: error,
        details: { topic: options.topic, groupId: options.groupId, deadLetterTopic: options.deadLetterTopic },
      },
    );
  } finally {
    await admin.disconnect();
  }
}
