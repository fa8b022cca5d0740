import { describe, expect, it } from 'vitest';
import { FakeAdmin, fakeFactory } from './testing/fakes.js';
import { withAdmin } from './with-admin.js';

/** An admin that records its connection calls and may fail to disconnect. */
class TracedAdmin extends FakeAdmin {
  readonly calls: string[] = [];
  disconnectError: Error | undefined;
  override async connect(): Promise<void> {
    this.calls.push('connect');
  }
  override async disconnect(): Promise<void> {
    this.calls.push('disconnect');
    if (this.disconnectError) throw this.disconnectError;
  }
}

describe('withAdmin', () => {
  it('connects, runs the work, disconnects and returns what the work returned', async () => {
    const admin = new TracedAdmin(['orders']);
    const topics = await withAdmin(fakeFactory({ admin }), async (a) => {
      admin.calls.push('work');
      return a.listTopics();
    });
    expect(topics).toEqual(['orders']);
    expect(admin.calls).toEqual(['connect', 'work', 'disconnect']);
  });

  it('disconnects when the work fails, and throws the work error even when disconnecting fails too', async () => {
    const admin = new TracedAdmin();
    admin.disconnectError = new Error('socket closed');
    const failure = new Error('describe failed');
    await expect(
      withAdmin(fakeFactory({ admin }), async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(admin.calls).toEqual(['connect', 'disconnect']);
  });

  it('throws a failure to disconnect after work that succeeded', async () => {
    const admin = new TracedAdmin();
    admin.disconnectError = new Error('socket closed');
    await expect(withAdmin(fakeFactory({ admin }), async () => 1)).rejects.toThrow('socket closed');
  });
});
