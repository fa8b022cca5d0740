import { describe, expect, it } from 'vitest';
import { untilAborted } from './until-aborted.js';

const never = () => new Promise<never>(() => undefined);

describe('untilAborted', () => {
  it('settles as the work does while the signal has not aborted', async () => {
    const controller = new AbortController();
    await expect(untilAborted(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    const failure = new Error('refused');
    await expect(untilAborted(Promise.reject(failure), controller.signal)).rejects.toBe(failure);
    await expect(untilAborted(Promise.resolve(1), undefined)).resolves.toBe(1);
  });

  it('rejects with the reason as soon as the signal aborts, even if the work never settles', async () => {
    const controller = new AbortController();
    const waiting = untilAborted(never(), controller.signal);
    const reason = new Error('stopped');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(untilAborted(never(), AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('ignores the work failing after the abort (no unhandled rejection)', async () => {
    const controller = new AbortController();
    let fail: (error: Error) => void = () => undefined;
    const work = new Promise<never>((_resolve, reject) => {
      fail = reject;
    });
    const waiting = untilAborted(work, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    fail(new Error('late'));
    await new Promise((done) => setImmediate(done));
  });
});
