import type { RetryLogger } from '@orderstream/core';
import { withRetry } from '@orderstream/core';
import type { Consumer, IHeaders, KafkaConfig, Message, SASLOptions } from 'kafkajs';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import type {
  AdminClient,
  ConsumerClient,
  ConsumerClientOptions,
  KafkaClientFactory,
  OutgoingRecord,
  ProducerClient,
  ProducerClientOptions,
  TransactionalProducerClient,
} from './kafka-client.js';
import type { KafkaLogger } from './kafka-logger.js';
import { kafkaJsLogCreator, stderrKafkaLogger } from './kafka-logger.js';
import { releaseDecompressed, useLargeChunkGzip } from './kafkajs-gzip-codec.js';

/** Options of {@link createKafkaJsClientFactory}. */
export interface KafkaJsClientOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: readonly string[];
  /**
   * The client id the brokers see in their logs and quotas.
   * @defaultValue `'orderstream'`
   */
  clientId?: string;
  /**
   * Connect with TLS.
   * @defaultValue `false`
   */
  ssl?: boolean;
  /** SASL credentials. They are handed to the client only, never logged or put into errors. */
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /**
   * How much the client library itself logs: `warn` passes warnings and errors to `logger`;
   * `info` and `debug` also pass the library's chatter to the logger's `info` / `debug`, when it
   * has them. Routine retry chatter (a coordinator loading, a group rebalancing) never reaches
   * `warn` or `error`.
   * @defaultValue `'warn'`
   */
  logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
  /**
   * Where the client library's warnings and errors go, as readable messages with structured fields.
   * @defaultValue {@link stderrKafkaLogger} (text lines on stderr)
   */
  logger?: KafkaLogger;
  /**
   * The client's own retries of a failed request (e.g. while a fresh broker's group coordinator
   * loads), with exponential backoff up to `maxRetryTimeMs`.
   * @defaultValue kafkajs's: 5 retries, 300 ms first delay, 30000 ms longest delay
   */
  retry?: { retries?: number; initialRetryTimeMs?: number; maxRetryTimeMs?: number };
  /**
   * Milliseconds to wait for a TCP connection to a broker.
   * @defaultValue `3000`
   */
  connectionTimeoutMs?: number;
  /**
   * How long a producer or admin connection keeps retrying brokers that cannot be reached, in
   * milliseconds; past it `connect()` fails with core's `CORE_RETRY_DEADLINE_EXCEEDED` (its `cause`
   * is the last failure).
   * @defaultValue `60000` (one minute)
   */
  connectDeadlineMs?: number;
  /**
   * Receives one line per failed connection attempt of a producer or admin client: the brokers,
   * the failure and the backoff before the next attempt.
   * @defaultValue none (attempts are not logged)
   */
  log?: RetryLogger;
}

/** How {@link connectWithRetry} waits for brokers. */
interface ConnectRetry {
  readonly brokers: readonly string[];
  readonly deadlineMs: number;
  readonly log: RetryLogger | undefined;
}

/**
 * @internal Connects a producer or admin client, retrying transient failures (brokers
 * unreachable, not ready) visibly until the deadline.
 */
export function connectWithRetry(
  connect: () => Promise<void>,
  client: string,
  retry: ConnectRetry,
): Promise<void> {
  return withRetry(connect, {
    what: `the Kafka brokers ${retry.brokers.join(',')} (${client})`,
    retries: Number.POSITIVE_INFINITY,
    minTimeoutMs: 500,
    maxTimeoutMs: 5_000,
    deadlineMs: retry.deadlineMs,
    isRetryable: isTransientSendError,
    ...(retry.log ? { log: retry.log } : {}),
  });
}

const LOG_LEVELS = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
} as const;

const REBALANCE_ERROR_TYPES = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'NOT_COORDINATOR_FOR_GROUP',
]);

/** @internal Whether a kafkajs error means this member's generation is over. */
export function isRebalanceError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string' && REBALANCE_ERROR_TYPES.has(type)) return true;
    current =
      (current as { cause?: unknown; originalError?: unknown }).originalError ??
      (current as { cause?: unknown }).cause;
  }
  return false;
}

// kafkajs gives up with a non-retriable wrapper whose cause tells what happened.
const TRANSIENT_ERROR_NAMES = new Set([
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
]);

/**
 * @internal Whether a failed send may succeed when sent again: a broker unreachable, a timeout,
 * a leader moving. Oversized or invalid records are not.
 */
export function isTransientSendError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { name, retriable } = current as { name?: unknown; retriable?: unknown };
    if (retriable === true || (typeof name === 'string' && TRANSIENT_ERROR_NAMES.has(name))) return true;
    current =
      (current as { cause?: unknown; originalError?: unknown }).originalError ??
      (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Creates the default {@link KafkaClientFactory}, backed by kafkajs (pure JavaScript; gzip
 * compression is built in, other codecs would need add-ons and are not used).
 *
 * @param options - brokers, connection settings and the logger
 * @returns a factory for producers, consumers and admin connections sharing one configuration
 * @example
 * ```ts
 * const clientFactory = createKafkaJsClientFactory({ brokers: ['127.0.0.1:9092'], logger: myLogger });
 * const sink = createOrderSink({ clientFactory, groupId: 'warehouse-sink', warehouse });
 * ```
 */
export function createKafkaJsClientFactory(options: KafkaJsClientOptions): KafkaClientFactory {
  useLargeChunkGzip();
  const retry = options.retry;
  const config: KafkaConfig = {
    brokers: [...options.brokers],
    clientId: options.clientId ?? 'orderstream',
    logLevel: LOG_LEVELS[options.logLevel ?? 'warn'],
    logCreator: kafkaJsLogCreator(options.logger ?? stderrKafkaLogger),
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    ...(retry
      ? {
          retry: {
            ...(retry.retries === undefined ? {} : { retries: retry.retries }),
            ...(retry.initialRetryTimeMs === undefined ? {} : { initialRetryTime: retry.initialRetryTimeMs }),
            ...(retry.maxRetryTimeMs === undefined ? {} : { maxRetryTime: retry.maxRetryTimeMs }),
          },
        }
      : {}),
    ...(options.ssl ? { ssl: true } : {}),
    ...(options.sasl ? { sasl: options.sasl as SASLOptions } : {}),
  };
  const kafka = new Kafka(config);
  const connectRetry: ConnectRetry = {
    brokers: options.brokers,
    deadlineMs: options.connectDeadlineMs ?? 60_000,
    log: options.log ?? (options.logger ? (line) => options.logger?.warn(line) : undefined),
  };
  return {
    logger: options.logger ?? stderrKafkaLogger,
    producer: (producerOptions) => kafkaJsProducer(kafka, producerOptions, connectRetry),
    consumer: (consumerOptions) => kafkaJsConsumer(kafka, consumerOptions),
    admin: () => kafkaJsAdmin(kafka, connectRetry),
    transactionalProducer: ({ transactionalId }) => kafkaJsTransactionalProducer(kafka, transactionalId),
  };
}

function toMessage(record: OutgoingRecord): Message {
  return {
    key: record.key,
    value: record.value,
    ...(record.headers ? { headers: record.headers as IHeaders } : {}),
  };
}

function kafkaJsTransactionalProducer(kafka: Kafka, transactionalId: string): TransactionalProducerClient {
  const producer = kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async sendInTransaction(requests) {
      const transaction = await producer.transaction();
      try {
        const positions = [];
        for (const request of requests) {
          const written = await transaction.send({
            topic: request.topic,
            acks: -1,
            messages: request.records.map(toMessage),
          });
          positions.push(
            written.map((entry) => ({
              topic: entry.topicName,
              partition: entry.partition,
              baseOffset: entry.baseOffset ?? '-1',
            })),
          );
        }
        await transaction.commit();
        return positions;
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        throw error;
      }
    },
  };
}

function kafkaJsProducer(kafka: Kafka, options: ProducerClientOptions, retry: ConnectRetry): ProducerClient {
  const producer = kafka.producer({
    idempotent: options.idempotent,
    // kafkajs keeps idempotent sequences right only with one request in flight per connection.
    maxInFlightRequests: options.idempotent ? 1 : 5,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    connect: () => connectWithRetry(() => producer.connect(), 'producer', retry),
    disconnect: () => producer.disconnect(),
    async send({ topic, records, compression }) {
      const metadata = await producer.send({
        topic,
        acks: -1,
        compression: compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
        messages: records.map(toMessage),
      });
      return metadata.map((entry) => ({
        topic: entry.topicName,
        partition: entry.partition,
        baseOffset: entry.baseOffset ?? '-1',
      }));
    },
  };
}

/**
 * Crashes kafkajs gives up on (non-retriable) although the cluster recovers from them by itself:
 * a broker that has just started has no group coordinator until it has loaded
 * `__consumer_offsets`. The consumer is restarted on these, with backoff.
 */
const RESTARTABLE_CRASHES = new Set(['KafkaJSGroupCoordinatorNotFound']);

/** Restarts of the consumer on {@link RESTARTABLE_CRASHES} before the crash counts (1 s, 2 s, … 16 s). */
export const CONSUMER_RESTARTS = { attempts: 6, firstDelayMs: 1_000, maxDelayMs: 16_000 } as const;

function crashName(error: unknown): string | undefined {
  let cause = error as { name?: unknown; cause?: unknown } | undefined;
  while (cause?.cause !== undefined && cause.cause !== null) cause = cause.cause as typeof cause;
  return typeof cause?.name === 'string' ? cause.name : undefined;
}

/**
 * The consumer seam over a kafkajs consumer. Exported for tests, which pass a stand-in for the
 * `Kafka` instance.
 */
export function kafkaJsConsumer(
  kafka: Pick<Kafka, 'consumer'>,
  options: ConsumerClientOptions,
  restarts: { attempts: number; firstDelayMs: number; maxDelayMs: number } = CONSUMER_RESTARTS,
): ConsumerClient {
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: options.heartbeatIntervalMs,
    maxBytes: options.fetchMaxBytes,
    maxBytesPerPartition: options.fetchMaxBytesPerPartition,
    maxWaitTimeInMs: options.fetchMaxWaitMs,
    allowAutoTopicCreation: false,
  });
  const removers: Array<() => void> = [];
  let closing = false;
  let failedRestarts = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  return {
    connect: () => consumer.connect(),
    subscribe: ({ topic, fromBeginning }) => consumer.subscribe({ topics: [topic], fromBeginning }),
    async run(handlers, runOptions) {
      const start = () => consumer.run(config);
      const restart = async (): Promise<void> => {
        restartTimer = undefined;
        if (closing) return;
        try {
          await consumer.connect();
          await start();
        } catch (error) {
          // A start that fails outright counts like a crash.
          onCrash(error, false);
        }
      };
      const onCrash = (error: unknown, restarting: boolean) => {
        const name = crashName(error);
        if (restarting || closing || name === undefined || !RESTARTABLE_CRASHES.has(name)) {
          handlers.onCrash(error, restarting);
          return;
        }
        if (failedRestarts >= restarts.attempts) {
          handlers.onCrash(error, false);
          return;
        }
        const delay = Math.min(restarts.maxDelayMs, restarts.firstDelayMs * 2 ** failedRestarts);
        failedRestarts += 1;
        handlers.onCrash(error, true);
        restartTimer = setTimeout(() => void restart(), delay);
      };
      removers.push(
        consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
          failedRestarts = 0;
          handlers.onAssignment(
            Object.entries(payload.memberAssignment).map(([topic, partitions]) => ({ topic, partitions })),
          );
        }),
        consumer.on(consumer.events.CRASH, ({ payload }) => onCrash(payload.error, payload.restart)),
      );
      const config: Parameters<Consumer['run']>[0] = {
        autoCommit: false,
        eachBatchAutoResolve: true,
        partitionsConsumedConcurrently: runOptions.partitionsConsumedConcurrently,
        eachBatch: ({ batch, heartbeat }) =>
          handlers.eachBatch(
            {
              topic: batch.topic,
              partition: batch.partition,
              highWatermark: batch.highWatermark,
              records: batch.messages,
              lastOffset: batch.lastOffset(),
              release: () => releaseDecompressed(batch.messages),
            },
            { heartbeat },
          ),
      };
      await start();
    },
    seek: (topic, partition, offset) => consumer.seek({ topic, partition, offset }),
    pause: (topic, partitions) => consumer.pause([{ topic, partitions: [...partitions] }]),
    resume: (topic, partitions) => consumer.resume([{ topic, partitions: [...partitions] }]),
    async commitOffsets(offsets) {
      try {
        await consumer.commitOffsets(offsets.map((o) => ({ ...o })));
        return true;
      } catch (error) {
        if (isRebalanceError(error)) return false;
        throw error;
      }
    },
    stop() {
      closing = true;
      clearTimeout(restartTimer);
      return consumer.stop();
    },
    async disconnect() {
      closing = true;
      clearTimeout(restartTimer);
      for (const remove of removers.splice(0)) remove();
      await consumer.disconnect();
    },
  };
}

function kafkaJsAdmin(kafka: Kafka, retry: ConnectRetry): AdminClient {
  const admin = kafka.admin();
  return {
    connect: () => connectWithRetry(() => admin.connect(), 'admin', retry),
    disconnect: () => admin.disconnect(),
    listTopics: () => admin.listTopics(),
    async createTopics(topics) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: topics.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: topic.replicationFactor,
          configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
        })),
      });
    },
    async describeTopics(names) {
      const existing = new Set(await admin.listTopics());
      const wanted = names.filter((name) => existing.has(name));
      if (wanted.length === 0) return [];
      const { topics } = await admin.fetchTopicMetadata({ topics: wanted });
      return topics.map((topic) => ({ name: topic.name, partitions: topic.partitions.length }));
    },
    async fetchWatermarks(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high }));
    },
    async fetchCommittedOffsets(groupId, topic) {
      const result = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (result[0]?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset }));
    },
    async fetchOffsetsByTimestamp(topic, timestampMs) {
      const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs);
      return offsets.map((o) => ({ partition: o.partition, offset: o.offset }));
    },
    async describeGroup(groupId) {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      return {
        state: group?.state ?? 'Dead',
        members: (group?.members ?? []).map((m) => ({ memberId: m.memberId, clientId: m.clientId })),
      };
    },
    async deleteGroups(groupIds) {
      await admin.deleteGroups([...groupIds]);
    },
  };
}
