import { describe, expect, it, vi } from 'vitest';
import type { KafkaLogFields, KafkaLogger } from '../client/kafka-logger.js';
import { readToEnd } from './read-to-end.js';
import { FakeAdmin, FakeConsumer, fakeFactory, record } from './testing/fakes.js';

/** An admin whose topic holds offsets 0 and 1 in one partition, and whose group deletion may fail. */
class OneTopicAdmin extends FakeAdmin {
  readonly deleted: string[][] = [];
  deleteFailure: Error | null = null;
  override async fetchWatermarks() {
    return [{ partition: 0, low: '0', high: '2' }];
  }
  override async deleteGroups(groupIds: readonly string[]): Promise<void> {
    if (this.deleteFailure) throw this.deleteFailure;
    this.deleted.push([...groupIds]);
  }
}

function recordingLogger(): KafkaLogger & { warnings: { message: string; fields?: KafkaLogFields }[] } {
  const warnings: { message: string; fields?: KafkaLogFields }[] = [];
  return {
    warnings,
    warn: (message, fields) => warnings.push({ message, ...(fields ? { fields } : {}) }),
    error: () => undefined,
  };
}

async function readBoth(admin: OneTopicAdmin, logger: KafkaLogger) {
  const consumer = new FakeConsumer('orders.dlq');
  const factory = { ...fakeFactory({ consumer, admin }), logger };
  const reading = readToEnd(factory, ['orders.dlq'], { timeoutMs: 10_000 });
  await vi.waitFor(() => expect(consumer.handlers).not.toBeNull());
  await consumer.deliver(0, [record(0, 'a'), record(1, 'b')]);
  return reading;
}

describe('readToEnd', () => {
  it('deletes its temporary group once the read is done', async () => {
    const admin = new OneTopicAdmin(['orders.dlq']);
    const logger = recordingLogger();
    const records = await readBoth(admin, logger);
    expect(records.map((r) => r.value?.toString())).toEqual(['a', 'b']);
    expect(admin.deleted).toHaveLength(1);
    expect(admin.deleted[0]?.[0]).toMatch(/^orderstream-reader-/);
    expect(logger.warnings).toEqual([]);
  });

  it("returns what it read and warns on the factory's logger when the group cannot be deleted", async () => {
    const admin = new OneTopicAdmin(['orders.dlq']);
    admin.deleteFailure = new Error('The group is not empty');
    const logger = recordingLogger();
    const records = await readBoth(admin, logger);
    expect(records).toHaveLength(2);
    expect(logger.warnings).toHaveLength(1);
    const [warning] = logger.warnings;
    expect(warning?.message).toMatch(
      /^Could not delete the temporary consumer group orderstream-reader-[0-9a-f]+ after reading orders\.dlq: The group is not empty$/,
    );
    expect(warning?.fields).toMatchObject({ topics: ['orders.dlq'] });
  });
});
