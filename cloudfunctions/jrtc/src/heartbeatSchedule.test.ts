import fc from 'fast-check';
import {
  MAX_PHASE_SHIFT_MS,
  firstHeartbeatInMs,
  maxPhaseShiftMs,
  nextHeartbeatInMs,
  phaseError,
  phaseForJoin,
  vanDerCorput,
} from './heartbeatSchedule';

const I = 30_000;
const SHIFT = maxPhaseShiftMs(I, 40_000);

describe('vanDerCorput', () => {
  it('is the base-2 radical inverse', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(vanDerCorput)).toEqual([0, 0.5, 0.25, 0.75, 0.125, 0.625, 0.375, 0.875]);
  });

  it('spreads every prefix: no gap wider than 2/n after n points', () => {
    for (const n of [2, 5, 16, 33, 100]) {
      const points = Array.from({ length: n }, (_, i) => vanDerCorput(i)).sort((a, b) => a - b);
      const gaps = points.map((p, i) => (i + 1 < n ? points[i + 1] : 1 + points[0]) - p);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(2 / n);
    }
  });

  it('gives phases inside the interval', () => {
    fc.assert(fc.property(fc.nat(1_000_000), (seq) => {
      const phase = phaseForJoin(seq, I);
      return phase >= 0 && phase < I;
    }));
  });
});

describe('maxPhaseShiftMs', () => {
  it('is 5 s for the defaults and half the slack when the lease is tight', () => {
    expect(maxPhaseShiftMs(30_000, 40_000)).toBe(MAX_PHASE_SHIFT_MS);
    expect(maxPhaseShiftMs(30_000, 34_000)).toBe(2_000);
    expect(maxPhaseShiftMs(30_000, 60_000)).toBe(MAX_PHASE_SHIFT_MS);
    expect(maxPhaseShiftMs(30_000, 20_000)).toBe(0);
  });
});

describe('nextHeartbeatInMs', () => {
  it('is exactly one interval when the beat lands on its phase', () => {
    expect(nextHeartbeatInMs({ now: 1_000_000 * I + 7_000, phaseMs: 7_000, intervalMs: I, maxShiftMs: SHIFT })).toBe(I);
  });

  it('corrects a late beat and an early beat by the phase error, clamped', () => {
    const base = 1_000_000 * I;
    expect(nextHeartbeatInMs({ now: base + 10_000, phaseMs: 7_000, intervalMs: I, maxShiftMs: SHIFT })).toBe(I - 3_000);
    expect(nextHeartbeatInMs({ now: base + 5_000, phaseMs: 7_000, intervalMs: I, maxShiftMs: SHIFT })).toBe(I + 2_000);
    expect(nextHeartbeatInMs({ now: base + 20_000, phaseMs: 7_000, intervalMs: I, maxShiftMs: SHIFT })).toBe(I - SHIFT);
    expect(nextHeartbeatInMs({ now: base + 25_000, phaseMs: 7_000, intervalMs: I, maxShiftMs: SHIFT })).toBe(I + SHIFT);
  });

  it('stays within interval ± maxShift, which fits in the lease', () => {
    fc.assert(fc.property(fc.nat(2 ** 45), fc.nat(I - 1), (now, phaseMs) => {
      const d = nextHeartbeatInMs({ now, phaseMs, intervalMs: I, maxShiftMs: SHIFT });
      return d >= I - SHIFT && d <= I + SHIFT && d + SHIFT <= 40_000;
    }));
  });

  it('converges: following the replies, a member lands on its phase and then beats once per interval', () => {
    fc.assert(fc.property(fc.nat(2 ** 45), fc.nat(I - 1), (start, phaseMs) => {
      let now = start;
      const steps = Math.ceil(I / 2 / SHIFT) + 1;
      for (let i = 0; i < steps; i += 1) now += nextHeartbeatInMs({ now, phaseMs, intervalMs: I, maxShiftMs: SHIFT });
      const input = { now, phaseMs, intervalMs: I, maxShiftMs: SHIFT };
      return Math.abs(phaseError(input)) < 1 && nextHeartbeatInMs(input) === I;
    }));
  });
});

describe('firstHeartbeatInMs', () => {
  it('aims at the next moment of the phase', () => {
    expect(firstHeartbeatInMs({ now: 1_000 * I + 1_000, phaseMs: 15_000, intervalMs: I, maxShiftMs: SHIFT })).toBe(14_000);
  });

  it('skips a phase moment that is too close to the join', () => {
    expect(firstHeartbeatInMs({ now: 1_000 * I + 14_000, phaseMs: 15_000, intervalMs: I, maxShiftMs: SHIFT })).toBe(I + 1_000);
  });

  it('lands on the phase, within [maxShift, interval + maxShift)', () => {
    fc.assert(fc.property(fc.nat(2 ** 45), fc.nat(I - 1), (now, phaseMs) => {
      const input = { now, phaseMs, intervalMs: I, maxShiftMs: SHIFT };
      const d = firstHeartbeatInMs(input);
      return d >= SHIFT && d < I + SHIFT && phaseError({ ...input, now: now + d }) === 0;
    }));
  });
});
