/**
 * The seam between orderstream and a Kafka client library. The producer, the topic admin and the
 * sink talk only to these interfaces; {@link createKafkaJsClientFactory} implements them with
 * kafkajs, and tests may implement them with fakes. Another client library can be swapped in by
 * writing one more factory.
 *
 * @packageDocumentation
 */

import type { KafkaLogger } from './kafka-logger.js';

/** Record headers as written: UTF-8 text or bytes. */
export type OutgoingHeaders = Readonly<Record<string, string | Buffer | readonly (string | Buffer)[]>>;

/** Record headers as read; a header sent twice arrives as an array. */
export type IncomingHeaders = Readonly<
  Record<string, string | Buffer | readonly (string | Buffer)[] | undefined>
>;

/** The compression codecs this package uses. gzip is built into kafkajs (no native add-on). */
export type CompressionCodec = 'none' | 'gzip';

/** A record to send. */
export interface OutgoingRecord {
  /** The key: it picks the partition (murmur2, as the Java client) and orders records sharing it. */
  readonly key: string | Buffer | null;
  /** The value; `null` writes a tombstone. */
  readonly value: string | Buffer | null;
  /** Headers, e.g. the schema version and content type. */
  readonly headers?: OutgoingHeaders;
}

/** Where a sent batch landed: one entry per partition written. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  /** The offset of the first record written to this partition by the send, as a decimal string. */
  readonly baseOffset: string;
}

/** A producer connection. Every send waits for all in-sync replicas (`acks=-1`). */
export interface ProducerClient {
  connect(): Promise<void>;
  /**
   * Sends records to one topic and resolves once the brokers acknowledged all of them.
   *
   * @throws the client's error when the brokers refuse the records or time out
   */
  send(request: {
    readonly topic: string;
    readonly records: readonly OutgoingRecord[];
    readonly compression: CompressionCodec;
  }): Promise<RecordPosition[]>;
  disconnect(): Promise<void>;
}

/** How a producer connection is set up. */
export interface ProducerClientOptions {
  /** Idempotent delivery: retries never write a record twice (requires `acks=-1`). */
  readonly idempotent: boolean;
}

/** A record as consumed. */
export interface ConsumedRecord {
  /** The record's offset, as a decimal string (Kafka offsets are 64-bit). */
  readonly offset: string;
  readonly key: Buffer | null;
  /** The value; `null` for a tombstone. */
  readonly value: Buffer | null;
  readonly headers?: IncomingHeaders;
  /** The record's timestamp, in milliseconds since the epoch, as a decimal string. */
  readonly timestamp: string;
}

/** The records fetched from one partition. */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  /** The partition's high watermark when fetched (the offset after the last committed record). */
  readonly highWatermark: string;
  /** The records, in offset order. */
  readonly records: readonly ConsumedRecord[];
  /**
   * The offset of the last entry fetched, counting what is never handed out as a record
   * (transaction markers, compacted-away offsets); absent when the client cannot tell.
   */
  readonly lastOffset?: string;
  /**
   * Frees the memory the records' keys, values and headers are views of (with gzip, the
   * decompressed record batches), now rather than whenever the garbage collector gets to it; their
   * bytes read as empty afterwards. A handler calls it once it has copied what it keeps, and reads
   * none of the records after. A client without it leaves that memory to the garbage collector.
   */
  readonly release?: () => void;
}

/** What a batch handler may do while it holds a batch. */
export interface BatchContext {
  /** Tells the group coordinator this member is alive; rejects when the group is rebalancing. */
  heartbeat(): Promise<void>;
}

/** One partition assigned to this member. */
export interface AssignedPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** The callbacks of a running consumer. */
export interface ConsumerHandlers {
  /**
   * Handles the records of one partition. The client fetches again only after the handlers of
   * the previous fetch resolved, and rejoins a rebalancing group only after they resolved too.
   */
  eachBatch(batch: ConsumedBatch, context: BatchContext): Promise<void>;
  /** Called after each (re)join of the group with this member's new assignment, before fetching. */
  onAssignment(assignment: readonly AssignedPartitions[]): void;
  /** Called when the consumer crashed; `restarting` tells whether the client restarts it. */
  onCrash(error: unknown, restarting: boolean): void;
}

/** How a consumer-group connection is set up. */
export interface ConsumerClientOptions {
  readonly groupId: string;
  /** Milliseconds without heartbeat after which the coordinator evicts the member. */
  readonly sessionTimeoutMs: number;
  /** Milliseconds between heartbeats. */
  readonly heartbeatIntervalMs: number;
  /** The most bytes one fetch returns. */
  readonly fetchMaxBytes: number;
  /** The most bytes one fetch returns per partition. */
  readonly fetchMaxBytesPerPartition: number;
  /** The longest a fetch waits for data, in milliseconds. */
  readonly fetchMaxWaitMs: number;
}

/** An offset to commit to the group: the next offset to consume. */
export interface OffsetCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * A consumer-group connection. Offsets are never committed automatically: only
 * {@link ConsumerClient.commitOffsets} commits.
 */
export interface ConsumerClient {
  connect(): Promise<void>;
  subscribe(request: { readonly topic: string; readonly fromBeginning: boolean }): Promise<void>;
  /** Starts consuming; resolves once the loop is started (it runs until `stop()`). */
  run(
    handlers: ConsumerHandlers,
    options: { readonly partitionsConsumedConcurrently: number },
  ): Promise<void>;
  /** Moves the next fetch of a partition to `offset`. */
  seek(topic: string, partition: number, offset: string): void;
  pause(topic: string, partitions: readonly number[]): void;
  resume(topic: string, partitions: readonly number[]): void;
  /**
   * Commits offsets to the group.
   *
   * @returns `false` when the group is rebalancing and the commit was refused (the new owner of the
   * partition will commit), `true` when committed
   */
  commitOffsets(offsets: readonly OffsetCommit[]): Promise<boolean>;
  /** Stops fetching, waits for running handlers, leaves the group. */
  stop(): Promise<void>;
  disconnect(): Promise<void>;
}

/** A topic to create. */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level configuration, e.g. `retention.ms`. */
  readonly config: Readonly<Record<string, string>>;
}

/** A partition's earliest and next offsets. */
export interface PartitionWatermarks {
  readonly partition: number;
  /** The earliest offset still stored. */
  readonly low: string;
  /** The offset the next record will get. */
  readonly high: string;
}

/** A consumer group as the coordinator describes it. */
export interface GroupDescription {
  /** `Stable`, `PreparingRebalance`, `CompletingRebalance`, `Empty`, `Dead`. */
  readonly state: string;
  /** The members now in the group. */
  readonly members: readonly { readonly memberId: string; readonly clientId: string }[];
}

/** An admin connection. */
export interface AdminClient {
  connect(): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Creates topics; a topic that already exists is left as it is. */
  createTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** The partition count of each named topic that exists. */
  describeTopics(topics: readonly string[]): Promise<{ name: string; partitions: number }[]>;
  /** The watermarks of every partition of a topic. */
  fetchWatermarks(topic: string): Promise<PartitionWatermarks[]>;
  /** The committed offsets of a group on a topic (`-1` where none). */
  fetchCommittedOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]>;
  /**
   * The first offset of each partition whose record timestamp is at or after `timestampMs`; the
   * high watermark where there is none.
   */
  fetchOffsetsByTimestamp(
    topic: string,
    timestampMs: number,
  ): Promise<{ partition: number; offset: string }[]>;
  /** The state and members of a consumer group. */
  describeGroup(groupId: string): Promise<GroupDescription>;
  /** Deletes consumer groups (with no members) and their committed offsets. */
  deleteGroups(groupIds: readonly string[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** A producer that writes in Kafka transactions: every record of one call lands, or none. */
export interface TransactionalProducerClient {
  connect(): Promise<void>;
  /**
   * Sends to several topics in one transaction and commits it; aborts it on any failure.
   *
   * @returns where each request's records landed, in request order
   * @throws the client's error when a send or the commit fails (the transaction is then aborted)
   */
  sendInTransaction(
    requests: readonly { readonly topic: string; readonly records: readonly OutgoingRecord[] }[],
  ): Promise<RecordPosition[][]>;
  disconnect(): Promise<void>;
}

/**
 * Makes the Kafka connections the package needs. Implement it to use another client library or a
 * fake in tests.
 */
export interface KafkaClientFactory {
  producer(options: ProducerClientOptions): ProducerClient;
  consumer(options: ConsumerClientOptions): ConsumerClient;
  admin(): AdminClient;
  /**
   * A transactional producer; `transactionalId` fences an older producer with the same id. Needed
   * only by `replayDeadLetters`; a factory without it cannot replay.
   */
  transactionalProducer?(options: { readonly transactionalId: string }): TransactionalProducerClient;
  /**
   * Where this package reports a failure it carries on after (e.g. a temporary consumer group it
   * could not delete once a read was done); `stderrKafkaLogger` when absent.
   */
  readonly logger?: KafkaLogger;
}
