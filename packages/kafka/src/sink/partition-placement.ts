import type { Warehouse } from '@orderstream/core';
import { withRetry } from '@orderstream/core';
import type { ConsumedBatch, ConsumerClient } from '../client/kafka-client.js';
import type { KafkaError } from '../errors/kafka-error-codes.js';
import { kafkaError } from '../errors/kafka-error-codes.js';
import type { PartitionLag, TopicResetInfo } from './events.js';
import type { PartitionBuffers, PartitionState } from './partition-buffers.js';
import type { RetrySettings } from './retry-settings.js';

/** What placement needs. */
export interface PartitionPlacementOptions {
  readonly consumer: ConsumerClient;
  readonly warehouse: Warehouse;
  readonly topic: string;
  readonly groupId: string;
  readonly fromBeginning: boolean;
  /** The warehouse engine's memory limit, set before the first read of offsets; `null`: none. */
  readonly warehouseMemoryBytes: number | null;
  readonly retry: RetrySettings;
  readonly onRetry: (error: unknown) => void;
  readonly buffers: PartitionBuffers;
  /** Settles after the flushes started so far: a new generation reads offsets after them. */
  readonly flushes: () => Promise<void>;
}

/**
 * Places each assigned partition at the offset stored in the warehouse (the truth, wherever the
 * group's own offset is), pauses and resumes fetching, and notices a topic re-created under the
 * sink. One instance per sink; each assignment is a new generation.
 */
export class PartitionPlacement {
  readonly #o: PartitionPlacementOptions;
  #positions: Promise<Map<number, bigint>> | null = null;
  /** The assignment's number; what belongs to an older one is dropped. */
  generation = 0;
  readonly paused = new Set<number>();
  #memoryLimited = false;

  /** @param options - the consumer, the warehouse and the buffers */
  constructor(options: PartitionPlacementOptions) {
    this.#o = options;
  }

  /**
   * Takes a new assignment: drops every buffer and, nothing being fetched meanwhile, seeks each
   * partition to its stored offset (or to 0 with `fromBeginning` when none is stored).
   *
   * @param partitions - the partitions of the sink's topic now assigned
   * @param running - whether to place them now (not while stopping)
   * @returns when placed; rejects with the warehouse's error (only for the current generation)
   */
  async assign(partitions: readonly number[], running: boolean): Promise<void> {
    const generation = ++this.generation;
    this.#o.buffers.assign(partitions, generation);
    this.paused.clear();
    this.#positions = null;
    if (partitions.length === 0 || !running) return;
    this.pause(partitions);
    const positions = await this.#load();
    if (generation !== this.generation) return;
    for (const state of this.#o.buffers.states()) {
      if (state.checked) continue;
      state.checked = true;
      const stored = positions.get(state.partition);
      state.fence = stored ?? null;
      if (stored !== undefined) {
        state.position = stored;
        this.#o.consumer.seek(this.#o.topic, state.partition, stored.toString());
      } else if (this.#o.fromBeginning) {
        this.#o.consumer.seek(this.#o.topic, state.partition, '0');
      }
    }
    this.resume(partitions);
  }

  /**
   * Checks a batch fetched before its partition was placed against the stored offset, and seeks
   * when they differ (a crash between the two commits, or a reset): the warehouse is the truth.
   *
   * @returns whether to take the batch
   */
  async check(state: PartitionState, batch: ConsumedBatch, running: () => boolean): Promise<boolean> {
    if (state.checked) return true;
    const positions = await this.#load();
    if (state.generation !== this.generation || !running()) return false;
    state.checked = true;
    const stored = positions.get(state.partition) ?? null;
    state.fence = stored;
    if (state.buffer.records === 0) state.position = stored;
    if (topicResetOf(state, batch) !== null) return true;
    const first = BigInt(batch.records[0]?.offset ?? '0');
    if (stored !== null && first !== stored) {
      this.#o.consumer.seek(this.#o.topic, state.partition, stored.toString());
      return false;
    }
    if (stored === null && this.#o.fromBeginning && first > 0n) {
      // Nothing in the warehouse but an offset in the group (e.g. a new warehouse): start over.
      this.#o.consumer.seek(this.#o.topic, state.partition, '0');
      return false;
    }
    return true;
  }

  pause(partitions: readonly number[]): void {
    const fresh = partitions.filter((p) => !this.paused.has(p));
    if (fresh.length === 0) return;
    for (const p of fresh) this.paused.add(p);
    this.#o.consumer.pause(this.#o.topic, fresh);
  }

  resume(partitions: readonly number[]): void {
    if (partitions.length === 0) return;
    for (const p of partitions) this.paused.delete(p);
    this.#o.consumer.resume(this.#o.topic, partitions);
  }

  /** The lag of each assigned partition, by partition. */
  lag(): PartitionLag[] {
    return [...this.#o.buffers.states()]
      .sort((a, b) => a.partition - b.partition)
      .map((s) => ({
        partition: s.partition,
        highWatermark: s.highWatermark?.toString() ?? null,
        committedOffset: s.committed?.toString() ?? null,
        lag: s.highWatermark !== null && s.committed !== null ? Number(s.highWatermark - s.committed) : null,
      }));
  }

  async #limitMemory(): Promise<void> {
    const bytes = this.#o.warehouseMemoryBytes;
    if (this.#memoryLimited || bytes === null) return;
    await this.#o.warehouse.limitMemory?.(bytes);
    this.#memoryLimited = true;
  }

  #load(): Promise<Map<number, bigint>> {
    if (this.#positions === null) {
      const load = async () => {
        // Our own flush of the previous generation must land before we read where to start.
        await this.#o.flushes();
        const stored = await withRetry(
          async () => {
            // The first use of the warehouse: a warehouse that cannot be opened yet (DuckDB locked
            // by another process) is retried here like the read, not failed at start.
            await this.#limitMemory();
            return this.#o.warehouse.readOffsets(this.#o.groupId, this.#o.topic);
          },
          { ...this.#o.retry, onRetry: this.#o.onRetry },
        );
        return new Map(stored.map((o) => [o.partition, BigInt(o.nextOffset)] as const));
      };
      this.#positions = load();
      this.#positions.catch(() => undefined);
    }
    return this.#positions;
  }
}

/**
 * A partition whose log ends before the sink's position: not the log the sink consumed, so the
 * topic was deleted and re-created (or truncated). Without this check the new topic's records
 * would be skipped as redeliveries. Offsets cannot tell once the new log has grown past the old
 * position (kafkajs exposes no topic ids); that case is not detected.
 *
 * @returns what to report, or `null` when the log is the one consumed
 */
export function topicResetOf(state: PartitionState, batch: ConsumedBatch): TopicResetInfo | null {
  if (state.position === null) return null;
  const logEnd = BigInt(batch.highWatermark);
  if (logEnd < 0n || logEnd >= state.position) return null;
  return {
    topic: batch.topic,
    partition: state.partition,
    expectedOffset: state.position.toString(),
    logEndOffset: logEnd.toString(),
  };
}

/**
 * The error the sink stops with on a topic reset.
 *
 * @param info - the reset
 * @param groupId - the sink's group
 * @returns `KAFKA_TOPIC_RESET`
 */
export function topicResetError(info: TopicResetInfo, groupId: string): KafkaError {
  return kafkaError(
    'KAFKA_TOPIC_RESET',
    `${info.topic}/${info.partition} ends at offset ${info.logEndOffset}, before offset ${info.expectedOffset} ` +
      `that group ${groupId} already consumed up to: the topic was deleted and re-created (or truncated). ` +
      "The sink stopped without writing records of the new topic; to consume it, delete the group's rows " +
      'from sink_offsets (or use a new group id) and restart.',
    { details: { ...info, groupId }, retryable: false },
  );
}
