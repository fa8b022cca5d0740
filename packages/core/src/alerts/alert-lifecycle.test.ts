import { describe, expect, it } from 'vitest';
import { AlertLifecycle } from './alert-lifecycle.js';
import type { DetectorVerdict } from './detector.js';

const MIN = 60_000;
const T0 = Date.parse('2018-03-05T12:00:00Z');

/** `S` spike breach, `D` drop breach, `~` elevated (no breach, not recovered), `.` normal. */
function verdict(code: string): DetectorVerdict {
  return {
    observed: 0,
    expected: 0,
    bandLow: null,
    bandHigh: null,
    score: 0,
    breach: code === 'S' ? 'spike' : code === 'D' ? 'drop' : null,
    recovered: code === '.',
  };
}

function run(lifecycle: AlertLifecycle, codes: string): string[] {
  return [...codes].map((code, i) => lifecycle.step(T0 + i * MIN, verdict(code)));
}

describe('AlertLifecycle', () => {
  it('fires on the first breaching minute when forMinutes is 0', () => {
    const lifecycle = new AlertLifecycle();
    expect(run(lifecycle, '.S')).toEqual(['none', 'fired']);
    expect(lifecycle.state).toBe('firing');
    expect(lifecycle.direction).toBe('spike');
    expect(lifecycle.startedAt).toBe(T0 + MIN);
    expect(lifecycle.firedAt).toBe(T0 + 2 * MIN);
  });

  it('stays pending for forMinutes, then fires', () => {
    const lifecycle = new AlertLifecycle({ forMinutes: 2 });
    expect(run(lifecycle, 'SSS')).toEqual(['pending', 'none', 'fired']);
    expect(lifecycle.startedAt).toBe(T0);
    expect(lifecycle.firedAt).toBe(T0 + 3 * MIN);
  });

  it('cancels a pending alert silently when the breach stops or changes direction', () => {
    const lifecycle = new AlertLifecycle({ forMinutes: 2 });
    expect(run(lifecycle, 'SS.SD')).toEqual(['pending', 'none', 'cancelled', 'pending', 'cancelled']);
    expect(lifecycle.state).toBe('inactive');
  });

  it('keeps firing while elevated but not recovered (hysteresis), resolves once recovered', () => {
    const lifecycle = new AlertLifecycle();
    expect(run(lifecycle, 'S~~~.')).toEqual(['fired', 'none', 'none', 'none', 'resolved']);
    expect(lifecycle.state).toBe('inactive');
  });

  it('holds back a new alert during the cooldown after a resolve', () => {
    const lifecycle = new AlertLifecycle({ cooldownMinutes: 3 });
    // resolved at minute 1 (cooldown until the end of minute 4), blocked at 2–4, fires at 5
    expect(run(lifecycle, 'S.SSSS')).toEqual(['fired', 'resolved', 'none', 'none', 'none', 'fired']);
  });

  it('ignores breaches in the other direction when filtered', () => {
    const lifecycle = new AlertLifecycle({ direction: 'drop' });
    expect(run(lifecycle, 'SSD')).toEqual(['none', 'none', 'fired']);
    expect(lifecycle.direction).toBe('drop');
  });

  it('restores a snapshot mid-alert and continues identically', () => {
    const a = new AlertLifecycle({ forMinutes: 1, cooldownMinutes: 2 });
    run(a, 'SS~');
    const b = new AlertLifecycle({ forMinutes: 1, cooldownMinutes: 2 });
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    const rest = '~.SSSS';
    const later = (l: AlertLifecycle) => [...rest].map((c, i) => l.step(T0 + (3 + i) * MIN, verdict(c)));
    expect(later(b)).toEqual(later(a));
  });

  it('rejects a malformed state with CORE_DETECTOR_STATE_INVALID', () => {
    expect(() => new AlertLifecycle().restore({ state: 'exploded' } as never)).toThrow(
      expect.objectContaining({ code: 'CORE_DETECTOR_STATE_INVALID' }),
    );
  });
});
