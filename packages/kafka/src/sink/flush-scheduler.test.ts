import { describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../internal/testing/fakes.js';
import { FlushScheduler } from './flush-scheduler.js';
import type { FlushReason } from './partition-buffers.js';

function setup() {
  const runs: Array<{ reason: FlushReason; all: boolean }> = [];
  let gate: Promise<void> = Promise.resolve();
  let idle = 0;
  const clock = new FakeClock(0);
  const scheduler = new FlushScheduler(
    async (reason, all) => {
      runs.push({ reason, all });
      await gate;
    },
    clock,
    500,
    () => idle++,
  );
  return {
    runs,
    clock,
    scheduler,
    idle: () => idle,
    hold: () => {
      let release!: () => void;
      gate = new Promise((r) => {
        release = r;
      });
      return release;
    },
  };
}

describe('FlushScheduler', () => {
  it('joins requests made before a flush starts into one flush, and widens it to all for memory', async () => {
    const { runs, scheduler } = setup();
    const a = scheduler.request('records');
    const b = scheduler.request('memory');
    expect(a).toBe(b);
    await a;
    expect(runs).toEqual([{ reason: 'records', all: true }]);
  });

  it('runs flushes one at a time: a request during a flush waits for it', async () => {
    const { runs, scheduler, hold } = setup();
    const release = hold();
    const first = scheduler.request('records');
    await settle();
    expect(scheduler.running).not.toBeNull();
    const second = scheduler.request('interval');
    await settle();
    expect(runs).toHaveLength(1);
    release();
    await Promise.all([first, second]);
    expect(runs.map((r) => r.reason)).toEqual(['records', 'interval']);
    await scheduler.settled();
    expect(scheduler.running).toBeNull();
  });

  it('fires the idle timer when the oldest record has waited the interval, once per arming', async () => {
    const { clock, scheduler, idle } = setup();
    scheduler.armTimer(100);
    scheduler.armTimer(100);
    await clock.advance(600);
    expect(idle()).toBe(0);
    await clock.advance(1);
    expect(idle()).toBe(1);
    scheduler.armTimer(null);
    scheduler.armTimer(700);
    scheduler.cancelTimer();
    await clock.advance(10_000);
    expect(idle()).toBe(1);
  });
});
