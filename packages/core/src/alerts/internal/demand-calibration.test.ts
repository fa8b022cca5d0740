import { describe, expect, it } from 'vitest';
import { DemandCalibration } from './demand-calibration.js';

describe('DemandCalibration.restore', () => {
  it('refuses a state naming a slot it does not have, and keeps its own state untouched', () => {
    const calibration = new DemandCalibration([1, 2, 4], 21, 3, 1);
    calibration.record(0, 0, 5);
    calibration.tick(180);
    const before = calibration.snapshot();
    const foreign = new DemandCalibration([1, 2, 4], 21, 3, 1);
    foreign.seed(3);
    const state = foreign.snapshot();
    const bad = { ...state, today: [[7, 0, 9], null] as typeof state.today };
    expect(calibration.restore(bad)).toBe(false);
    expect(calibration.snapshot()).toEqual(before);
    expect(calibration.restore(state)).toBe(true);
    expect(calibration.snapshot()).toEqual(state);
  });
});
