import { clockSchema } from '@orderstream/core';
import { z } from 'zod';
import type { KafkaClientFactory } from '../client/kafka-client.js';

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

/** A clock: `now()` and `sleep()` (core's schema). */
export { clockSchema };

/** `host:port` bootstrap addresses. */
export const brokersSchema = z.array(z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port')).min(1);

/** A Kafka topic name. */
export const topicNameSchema = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[A-Za-z0-9._-]+$/, 'expected a topic name of letters, digits, ".", "_" and "-"');
