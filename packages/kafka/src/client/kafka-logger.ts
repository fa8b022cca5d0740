import type { LogEntry, logCreator } from 'kafkajs';
import { logLevel } from 'kafkajs';

/** Structured fields of a log line. */
export type KafkaLogFields = Readonly<Record<string, unknown>>;

/**
 * Where the Kafka client's own warnings and errors go: a small interface that a pino logger, the
 * `orderstream` CLI's logger or `console` satisfy. Messages are readable sentences; the details
 * (broker, group, the client's error text) are in `fields`.
 *
 * @example
 * ```ts
 * const logger: KafkaLogger = {
 *   warn: (message, fields) => console.warn(message, fields),
 *   error: (message, fields) => console.error(message, fields),
 * };
 * const clientFactory = createKafkaJsClientFactory({ brokers: ['127.0.0.1:9092'], logger });
 * ```
 */
export interface KafkaLogger {
  /** Something is wrong but the client carries on (it retries, or the condition may pass). */
  warn(message: string, fields?: KafkaLogFields): void;
  /** A request or connection failed. */
  error(message: string, fields?: KafkaLogFields): void;
  /** The client's informational lines; called only with the client's `logLevel` `info` or `debug`. */
  info?(message: string, fields?: KafkaLogFields): void;
  /** The client's debug lines and routine retry chatter; called only with `logLevel` `debug`. */
  debug?(message: string, fields?: KafkaLogFields): void;
}

/**
 * The default {@link KafkaLogger}: one text line per entry on stderr, `kafka warn: …`.
 *
 * @example
 * ```ts
 * const clientFactory = createKafkaJsClientFactory({ brokers: ['127.0.0.1:9092'], logger: stderrKafkaLogger });
 * ```
 */
export const stderrKafkaLogger: KafkaLogger = {
  warn: (message) => process.stderr.write(`kafka warn: ${message}\n`),
  error: (message) => process.stderr.write(`kafka error: ${message}\n`),
  info: (message) => process.stderr.write(`kafka info: ${message}\n`),
  debug: (message) => process.stderr.write(`kafka debug: ${message}\n`),
};

/**
 * Conditions the client retries by itself and the cluster recovers from: a broker that has just
 * started loads `__consumer_offsets` ("coordinator is loading"), a group rebalances, a leader
 * moves. kafkajs logs each such response as an ERROR; when retries run out, the failure reaches
 * the caller as a thrown error (and the sink's `error` event), so these lines are only noise.
 */
const ROUTINE_ERRORS = [
  /rebalanc/i,
  /coordinator is loading/i,
  /coordinator is not available/i,
  /not the correct coordinator/i,
  /not coordinator/i,
  /leader not available/i,
  /no leader/i,
  /not the leader/i,
  /does not host this topic-partition/i,
  /group coordinator not found/i,
  /the group member needs to have a valid member id/i,
];

/** What kafkajs's namespaces are, for people. */
const COMPONENTS: Readonly<Record<string, string>> = {
  Connection: 'broker connection',
  BrokerPool: 'broker pool',
  Cluster: 'cluster',
  Consumer: 'consumer',
  ConsumerGroup: 'consumer group',
  Runner: 'consumer',
  Producer: 'producer',
  Admin: 'admin',
  Transaction: 'transaction',
};

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Error) return value.message;
  return String(value);
}

/**
 * Turns one kafkajs log entry into a readable message and fields, at the logger level it goes to:
 * routine retry chatter goes to `debug` whatever kafkajs called it.
 *
 * @internal exported for tests
 */
export function describeKafkaJsEntry(
  entry: Pick<LogEntry, 'namespace' | 'level' | 'log'>,
): { level: 'warn' | 'error' | 'info' | 'debug'; message: string; fields: KafkaLogFields } | undefined {
  if (entry.level === logLevel.NOTHING) return undefined;
  const log = entry.log as Record<string, unknown>;
  const error = text(log.error);
  const routine =
    (error !== undefined && ROUTINE_ERRORS.some((pattern) => pattern.test(error))) ||
    // The connection's own line already said why; the pool only adds that it retries.
    (entry.namespace === 'BrokerPool' && /failed to connect to seed broker/i.test(text(log.message) ?? ''));
  const component = COMPONENTS[entry.namespace] ?? (entry.namespace || 'client');
  const what = text(log.message)?.trim() ?? '';
  const where = [
    typeof log.broker === 'string' ? `broker ${log.broker}` : undefined,
    typeof log.groupId === 'string' ? `group ${log.groupId}` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(', ');
  // kafkajs names the protocol request ("Response Metadata(key: 3, version: 6)"): say what failed.
  const request = /^Response (\w+)\(/.exec(what)?.[1];
  const summary = request ? `${request} request failed` : what;
  const message =
    `Kafka ${component}${where ? ` (${where})` : ''}: ${summary}` +
    (error !== undefined && !summary.includes(error) ? `: ${error}` : '');
  const fields: Record<string, unknown> = { source: 'kafkajs', component: entry.namespace };
  for (const key of ['broker', 'groupId', 'clientId', 'retryCount', 'retryTime'] as const) {
    if (log[key] !== undefined) fields[key] = log[key];
  }
  if (error !== undefined) fields.error = error;
  const level =
    routine || entry.level === logLevel.DEBUG
      ? 'debug'
      : entry.level === logLevel.ERROR
        ? 'error'
        : entry.level === logLevel.WARN
          ? 'warn'
          : 'info';
  return { level, message, fields };
}

/** The same warning or error is written at most once in this many milliseconds (a client retrying). */
export const REPEAT_QUIET_MS = 30_000;

/**
 * @internal A kafkajs `logCreator` writing to a {@link KafkaLogger}. A message repeated within
 * {@link REPEAT_QUIET_MS} (the client retrying an unreachable broker) is written once, then with
 * the number of repeats left out.
 */
export function kafkaJsLogCreator(logger: KafkaLogger, now: () => number = Date.now): logCreator {
  const lastWritten = new Map<string, { at: number; repeats: number }>();
  return (configured) => (entry) => {
    const line = describeKafkaJsEntry(entry);
    if (!line) return;
    // Routine chatter arrives as kafkajs ERRORs: pass it on only when debug output was asked for.
    if (line.level === 'debug' && configured < logLevel.DEBUG) return;
    if (line.level === 'info' && configured < logLevel.INFO) return;
    if (line.level === 'warn' || line.level === 'error') {
      const seen = lastWritten.get(line.message);
      const at = now();
      if (seen && at - seen.at < REPEAT_QUIET_MS) {
        seen.repeats += 1;
        return;
      }
      lastWritten.set(line.message, { at, repeats: 0 });
      if (lastWritten.size > 1000) lastWritten.clear();
      if (seen && seen.repeats > 0) {
        logger[line.level](
          `${line.message} (repeated ${seen.repeats} times in ${REPEAT_QUIET_MS / 1000} s)`,
          {
            ...line.fields,
            repeats: seen.repeats,
          },
        );
        return;
      }
    }
    logger[line.level]?.(line.message, line.fields);
  };
}
