import type { AdminClient, KafkaClientFactory } from '../client/kafka-client.js';

/**
 * Runs `work` on a fresh admin connection of `factory` and disconnects it afterwards, whether the
 * work succeeded or not. When the work failed, its error is the one thrown (a failure to
 * disconnect afterwards would only hide it); when it succeeded, a failure to disconnect is thrown.
 *
 * @param factory - makes the admin connection
 * @param work - what to do with it
 * @returns what `work` returned
 */
export async function withAdmin<T>(
  factory: KafkaClientFactory,
  work: (admin: AdminClient) => Promise<T>,
): Promise<T> {
  const admin = factory.admin();
  let result: T;
  try {
    await admin.connect();
    result = await work(admin);
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    throw error;
  }
  await admin.disconnect();
  return result;
}
