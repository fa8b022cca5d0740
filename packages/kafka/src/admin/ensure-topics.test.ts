import { describe, expect, it } from 'vitest';
import { FakeAdmin, fakeFactory } from '../internal/testing/fakes.js';
import { ensureTopics } from './ensure-topics.js';

describe('ensureTopics', () => {
  it('creates missing topics with partitions, retention and max message size from the options', async () => {
    const admin = new FakeAdmin();
    const report = await ensureTopics({
      clientFactory: fakeFactory({ admin }),
      partitions: 6,
      retentionMs: 3_600_000,
    });
    expect(report.topics.map((t) => [t.name, t.status, t.partitions])).toEqual([
      ['orders', 'created', 6],
      ['orders.dlq', 'created', 1],
    ]);
    expect(admin.topics.get('orders')?.config).toEqual({
      'retention.ms': '3600000',
      'max.message.bytes': '8388608',
    });
    expect(admin.topics.get('orders.dlq')?.config['retention.ms']).toBe('2592000000');
  });

  it('reports an existing topic with another partition count, or throws with failOnMismatch', async () => {
    const admin = new FakeAdmin();
    await admin.createTopics([{ name: 'orders', partitions: 2, replicationFactor: 1, config: {} }]);
    const report = await ensureTopics({ clientFactory: fakeFactory({ admin }), partitions: 3 });
    expect(report.mismatches).toEqual([
      { name: 'orders', role: 'orders', status: 'mismatch', partitions: 2, expectedPartitions: 3 },
    ]);
    expect(admin.topics.get('orders')?.partitions).toBe(2);
    await expect(
      ensureTopics({ clientFactory: fakeFactory({ admin }), partitions: 3, failOnMismatch: true }),
    ).rejects.toMatchObject({ code: 'KAFKA_TOPIC_MISMATCH' });
  });
});
