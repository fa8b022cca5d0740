import { z } from 'zod';
import type { KafkaClientFactory } from '../client/kafka-client.js';
import type { Clock } from '../clock/clock.js';

/** A client factory: anything with `producer`, `consumer` and `admin` methods. */
export const clientFactorySchema = z.custom<KafkaClientFactory>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as KafkaClientFactory).producer === 'function' &&
    typeof (value as KafkaClientFactory).consumer === 'function' &&
    typeof (value as KafkaClientFactory).admin === 'function',
  'expected a KafkaClientFactory',
);

/** A clock: `now()` and `sleep()`. */
export const clockSchema = z.custom<Clock>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Clock).now === 'function' &&
    typeof (value as Clock).sleep === 'function',
  'expected a Clock with now() and sleep()',
);

/** `host:port` bootstrap addresses. */
export const brokersSchema = z.array(z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port')).min(1);

/** A Kafka topic name. */
export const topicNameSchema = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[A-Za-z0-9._-]+$/, 'expected a topic name of letters, digits, ".", "_" and "-"');
