import { describe, expect, it } from 'vitest';
import type { ConsumerGroupHealth } from './consumer-group-health.js';
import { evaluatePipelineHealth } from './evaluate-pipeline-health.js';

const NOW = new Date('2026-03-02T00:30:00Z');

function group(overrides: Partial<ConsumerGroupHealth> = {}): ConsumerGroupHealth {
  return {
    topic: 'orders',
    groupId: 'orderstream-sink',
    lag: 0,
    partitions: [{ partition: 0, high: '10', committed: '10', lag: 0 }],
    deadLettered: 0,
    repeatedDeadLetters: [],
    progress: null,
    membership: null,
    ...overrides,
  };
}

const judge = (g: ConsumerGroupHealth, newestRowAt: Date | null = new Date(NOW.getTime() - 5_000)) =>
  Object.fromEntries(
    evaluatePipelineHealth({
      group: g,
      freshness: { newestRowAt },
      now: NOW,
      maxStalenessMs: 120_000,
      maxLag: 100,
      maxRestarts: 3,
      deadLetterWindowMs: 300_000,
    }).map((f) => [f.rule, f]),
  );

describe('evaluatePipelineHealth', () => {
  it('passes every rule for a group without lag, dead letters or restarts', () => {
    const findings = judge(group());
    expect(Object.values(findings).filter((f) => f.failing)).toEqual([]);
    expect(findings['health.freshness']?.observed).toBe(5);
    expect(findings['health.progress']?.explanation).toBe('no lag: nothing to make progress on');
  });

  it('fails progress, restarts and repeats for a sink restarting over a record (lag under the limit)', () => {
    const findings = judge(
      group({
        lag: 6,
        partitions: [{ partition: 0, high: '6', committed: null, lag: 6 }],
        deadLettered: 4,
        repeatedDeadLetters: [{ original: 'orders/0@5', times: 4, code: 'KAFKA_MESSAGE_UNPARSEABLE' }],
        progress: { windowMs: 15_000, committed: 0, lagAtStart: 6, lagAtEnd: 6, stalled: true },
        membership: { state: 'Empty', members: 0, joined: 4, emptyPolls: 6, polls: 15 },
      }),
    );
    expect(findings['health.lag']?.failing).toBe(false);
    expect(findings['health.progress']).toMatchObject({ failing: true, observed: 0 });
    expect(findings['health.progress']?.explanation).toBe(
      'group orderstream-sink committed nothing in 15 s with 6 records of lag (stuck at partition@offset 0@none)',
    );
    expect(findings['health.restarts']).toMatchObject({ failing: true, observed: 4, limit: 3 });
    expect(findings['health.restarts']?.explanation).toMatch(/restarting in a loop$/);
    expect(findings['health.dead-letter-repeats']).toMatchObject({ failing: true, observed: 1 });
    expect(findings['health.dead-letter-repeats']?.explanation).toContain(
      'orders/0@5 ×4 KAFKA_MESSAGE_UNPARSEABLE',
    );
  });

  it('passes progress for a lagging group that commits, and a single restart (a deploy)', () => {
    const findings = judge(
      group({
        lag: 500,
        progress: { windowMs: 15_000, committed: 1_200, lagAtStart: 900, lagAtEnd: 500, stalled: false },
        membership: { state: 'Stable', members: 1, joined: 1, emptyPolls: 1, polls: 15 },
      }),
    );
    expect(findings['health.progress']).toMatchObject({ failing: false, observed: 1_200 });
    expect(findings['health.restarts']).toMatchObject({ failing: false, observed: 1 });
    expect(findings['health.lag']?.failing).toBe(true);
  });

  it('fails freshness with the reason when the newest row cannot be read', () => {
    const [freshness] = evaluatePipelineHealth({
      group: group(),
      freshness: { unavailable: 'duckdb:x is held by a running sink (DUCKDB_LOCKED)' },
      now: NOW,
      maxStalenessMs: 120_000,
      maxLag: 100,
      maxRestarts: 3,
      deadLetterWindowMs: 300_000,
    });
    expect(freshness).toMatchObject({ rule: 'health.freshness', failing: true, observed: -1 });
    expect(freshness?.explanation).toContain('DUCKDB_LOCKED');
  });
});
