import type { KafkaClientFactory, KafkaLogger } from '@orderstream/kafka';
import { createKafkaJsClientFactory } from '@orderstream/kafka';
import { kafkaBrokers } from './kafka-brokers.js';

/**
 * The Kafka connections of a command: on `KAFKA_BROKERS`, with the Kafka client's own warnings
 * and errors written through the command's logger (text or JSON per `--log-format`), as readable
 * messages; its routine retry chatter (a coordinator still loading on a fresh broker) is left out.
 *
 * @param log - the command's logger
 * @param clientId - the client id the brokers see
 * @returns the client factory to pass as `clientFactory`
 */
export function kafkaClients(log: KafkaLogger, clientId = 'orderstream'): KafkaClientFactory {
  return createKafkaJsClientFactory({ brokers: kafkaBrokers(), clientId, logger: log });
}
