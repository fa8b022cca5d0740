import { resolveOptions } from '@orderstream/core';
import type { TopicSpec } from '../client/kafka-client.js';
import { createKafkaJsClientFactory } from '../client/kafkajs-client-factory.js';
import { kafkaError } from '../errors/kafka-error-codes.js';
import { withAdmin } from '../internal/with-admin.js';
import type { EnsureTopicsOptions } from './options.js';
import { ensureTopicsOptionsSchema } from './options.js';

/** What {@link ensureTopics} found or did for one topic. */
export interface TopicReport {
  readonly name: string;
  readonly role: 'orders' | 'dead-letter';
  /** `created` now, `exists` as configured, or `mismatch` (exists with another partition count). */
  readonly status: 'created' | 'exists' | 'mismatch';
  /** The partitions the topic has. */
  readonly partitions: number;
  /** The partitions the options ask for. */
  readonly expectedPartitions: number;
}

/** The result of {@link ensureTopics}. */
export interface EnsureTopicsReport {
  readonly topics: readonly TopicReport[];
  /** The topics whose partition count differs from the options (left unchanged). */
  readonly mismatches: readonly TopicReport[];
}

/**
 * Creates the orders and dead-letter topics when missing (partitions, replication, retention and
 * `max.message.bytes` from the options) and checks the partition count of existing ones. Existing
 * topics are never altered: a mismatch is reported (or thrown with `failOnMismatch`).
 *
 * @param options - brokers or a client factory, topic names, partitions, retention
 * @returns one report per topic
 * @throws `OrderstreamError` `KAFKA_TOPIC_MISMATCH` with `failOnMismatch` when a partition count differs
 * @throws `OrderstreamError` `KAFKA_ADMIN_FAILED` when the brokers refuse or cannot be reached
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for invalid options
 * @example
 * ```ts
 * const report = await ensureTopics({ brokers: ['127.0.0.1:9092'], partitions: 6 });
 * for (const t of report.mismatches) console.warn(`${t.name}: ${t.partitions} partitions, expected ${t.expectedPartitions}`);
 * ```
 */
export async function ensureTopics(options: EnsureTopicsOptions): Promise<EnsureTopicsReport> {
  const o = resolveOptions('ensureTopics', ensureTopicsOptionsSchema, options);
  const factory = o.clientFactory ?? createKafkaJsClientFactory({ brokers: o.brokers ?? [] });
  const wanted: Array<TopicSpec & { role: TopicReport['role'] }> = [
    {
      role: 'orders',
      name: o.ordersTopic,
      partitions: o.partitions,
      replicationFactor: o.replicationFactor,
      config: { 'retention.ms': String(o.retentionMs), 'max.message.bytes': String(o.maxMessageBytes) },
    },
    {
      role: 'dead-letter',
      name: o.deadLetterTopic,
      partitions: o.deadLetterPartitions,
      replicationFactor: o.replicationFactor,
      config: {
        'retention.ms': String(o.deadLetterRetentionMs),
        'max.message.bytes': String(o.maxMessageBytes),
      },
    },
  ];
  let reports: TopicReport[];
  try {
    reports = await withAdmin(factory, async (admin): Promise<TopicReport[]> => {
      const existing = new Map(
        (await admin.describeTopics(wanted.map((t) => t.name))).map((t) => [t.name, t.partitions] as const),
      );
      const missing = wanted.filter((t) => !existing.has(t.name));
      if (missing.length > 0) await admin.createTopics(missing.map(({ role: _role, ...spec }) => spec));
      return wanted.map((t) => {
        const partitions = existing.get(t.name);
        if (partitions === undefined) {
          return {
            name: t.name,
            role: t.role,
            status: 'created',
            partitions: t.partitions,
            expectedPartitions: t.partitions,
          };
        }
        return {
          name: t.name,
          role: t.role,
          status: partitions === t.partitions ? 'exists' : 'mismatch',
          partitions,
          expectedPartitions: t.partitions,
        };
      });
    });
  } catch (error) {
    throw kafkaError('KAFKA_ADMIN_FAILED', `Ensuring topics failed: ${(error as Error).message}`, {
      cause: error,
      details: { topics: wanted.map((t) => t.name) },
      retryable: true,
    });
  }
  const mismatches = reports.filter((r) => r.status === 'mismatch');
  if (o.failOnMismatch && mismatches.length > 0) {
    throw kafkaError(
      'KAFKA_TOPIC_MISMATCH',
      mismatches
        .map((m) => `${m.name} has ${m.partitions} partitions, expected ${m.expectedPartitions}`)
        .join('; '),
      { details: { mismatches } },
    );
  }
  return { topics: reports, mismatches };
}
