import fc from 'fast-check';
import { LEASE_GRACE_MS, SPREAD_TOLERANCE_MS, leaseAfterBeatMs, spreadPhase, spreadStep } from './heartbeatSchedule';
import type { PhaseEntry } from './heartbeatSchedule';

const I = 30_000;
const SHIFT = 5_000;
const mod = (a: number): number => ((a % I) + I) % I;

/** Every member in turn takes one step toward its spread phase, `rounds` times. */
function settle(entries: PhaseEntry[], rounds: number): PhaseEntry[] {
  let current = entries.map((e) => ({ ...e }));
  for (let r = 0; r < rounds; r += 1) {
    for (const e of current) e.phaseMs = spreadStep(current, e.id, I, SHIFT);
  }
  return current;
}

function gaps(entries: PhaseEntry[]): number[] {
  const p = entries.map((e) => e.phaseMs).sort((a, b) => a - b);
  return p.map((x, i) => (i + 1 < p.length ? p[i + 1] : p[0] + I) - x);
}

describe('spreadPhase', () => {
  it('leaves an evenly spaced room as it is', () => {
    const even = [0, 10_000, 20_000].map((phaseMs, i) => ({ id: `m${i}`, phaseMs }));
    for (const e of even) expect(spreadPhase(even, e.id, I)).toBe(e.phaseMs);
  });

  it('moves the survivors of a room of three apart: 0 s and 7.5 s become 15 s apart, by moving later only', () => {
    const pair = [
      { id: 'a', phaseMs: 0 },
      { id: 'c', phaseMs: 7_500 },
    ];
    expect(spreadPhase(pair, 'a', I)).toBe(0);
    expect(spreadPhase(pair, 'c', I)).toBe(15_000);
  });

  it('only ever moves a member later, and the room converges to even spacing', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(I - 1), { minLength: 2, maxLength: 12 }), (phases) => {
        const entries = phases.map((phaseMs, i) => ({ id: `m${i}`, phaseMs }));
        for (const e of entries) {
          const stepped = spreadStep(entries, e.id, I, SHIFT);
          if (mod(stepped - e.phaseMs) > SHIFT) return false;
        }
        const settled = settle(entries, 40);
        // Settled: even within the tolerance, and nobody moves any more.
        const again = settle(settled, 1);
        return gaps(settled).every((g) => Math.abs(g - I / phases.length) <= 2 * SPREAD_TOLERANCE_MS) && JSON.stringify(again) === JSON.stringify(settled);
      }),
      { numRuns: 100 },
    );
  });
});

describe('leaseAfterBeatMs', () => {
  it('lasts until the asked-for beat plus the grace, never past the configured lease', () => {
    expect(leaseAfterBeatMs(30_000, 40_000)).toBe(30_000 + LEASE_GRACE_MS);
    expect(leaseAfterBeatMs(35_000, 40_000)).toBe(40_000);
  });
});
