import { randomBytes } from 'node:crypto';
import { ensureTopics } from '@orderstream/kafka';
import { Kafka, logLevel } from 'kafkajs';

/** A name no other test (or earlier run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Creates an orders topic and its dead-letter topic (fresh unless `topic` is given). */
export async function createTopics(
  brokers: readonly string[],
  partitions: number,
  topic = uniqueName('faults-orders'),
): Promise<{ topic: string; dlq: string }> {
  const dlq = `${topic}.dlq`;
  const report = await ensureTopics({
    brokers: [...brokers],
    ordersTopic: topic,
    deadLetterTopic: dlq,
    partitions,
  });
  if (report.topics.some((t) => t.status !== 'created'))
    throw new Error(`topics not fresh: ${JSON.stringify(report)}`);
  return { topic, dlq };
}

/** Deletes a topic and waits until the broker no longer lists it. */
export async function deleteTopic(brokers: readonly string[], topic: string): Promise<void> {
  const admin = new Kafka({
    brokers: [...brokers],
    clientId: 'faults-admin',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
    const deadline = Date.now() + 30_000;
    while ((await admin.listTopics()).includes(topic)) {
      if (Date.now() > deadline) throw new Error(`topic ${topic} still listed 30 s after deletion`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** A small seeded random generator (mulberry32), so a run's random moments can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run: `ORDERSTREAM_FAULTS_SEED` to replay one, else the clock. */
export function runSeed(): number {
  const fromEnv = Number(process.env.ORDERSTREAM_FAULTS_SEED);
  return Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : Date.now() % 1_000_000_007;
}
