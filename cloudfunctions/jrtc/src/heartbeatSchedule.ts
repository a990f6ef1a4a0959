/**
 * Heartbeat timing. Each member gets a phase in the heartbeat interval (where its beats should land)
 * from the van der Corput sequence of its join number, so the beats of a room spread evenly however
 * many join; each reply then steers the member toward its phase by at most `maxShiftMs` per beat.
 * In the steady state every member calls exactly once per interval. Pure functions, no clock.
 */
import { Timing } from '../../../shared/constants';

/** Most a single reply moves a member's beat (and so the most an interval is stretched). */
export const MAX_PHASE_SHIFT_MS = 5_000;

/**
 * The base-2 van der Corput radical inverse of `n` (a non-negative integer): 0, 1/2, 1/4, 3/4, 1/8,
 * 5/8, … Every prefix of the sequence is spread almost evenly over [0, 1).
 */
export function vanDerCorput(n: number): number {
  let k = Math.max(0, Math.floor(n));
  let result = 0;
  let scale = 0.5;
  while (k > 0) {
    if (k % 2 === 1) result += scale;
    k = Math.floor(k / 2);
    scale /= 2;
  }
  return result;
}

/** The phase (ms into the interval) of the member admitted by the room's `joinSeq`-th join. */
export function phaseForJoin(joinSeq: number, intervalMs: number): number {
  return Math.floor(vanDerCorput(joinSeq) * intervalMs);
}

/**
 * The phase of a new member: the point of the sequence at the room's `joinSeq` as this join read it,
 * moved on by a draw from the member's (random) session id. Joins no longer write the room inside
 * their transaction (roster.ts), so a class arriving at once reads the same joinSeq; without the draw
 * its heartbeats would all land at one instant of every interval.
 */
export function joinPhase(joinSeq: number, sessionId: string, intervalMs: number): number {
  let h = 0;
  for (let i = 0; i < sessionId.length; i += 1) h = (Math.imul(h, 31) + sessionId.charCodeAt(i)) >>> 0;
  return phaseForJoin(joinSeq + (h % 4096), intervalMs);
}

/**
 * How far one reply may shift a beat: MAX_PHASE_SHIFT_MS, but never so far that the stretched
 * interval eats more than half the slack between interval and lease (the rest covers latency).
 */
export function maxPhaseShiftMs(intervalMs: number, leaseMs: number): number {
  return Math.max(0, Math.min(MAX_PHASE_SHIFT_MS, Math.floor((leaseMs - intervalMs) / 2)));
}

/** Inputs of the schedule. */
export interface ScheduleInput {
  /** When the current call happens (ms since the epoch). */
  now: number;
  /** The member's phase (ms into the interval). */
  phaseMs: number;
  intervalMs: number;
  /** From maxPhaseShiftMs. */
  maxShiftMs: number;
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

/**
 * The signed distance from `now` to the nearest moment of the member's phase, in
 * [-interval/2, interval/2): positive when the beat came early, negative when late.
 */
export function phaseError({ now, phaseMs, intervalMs }: ScheduleInput): number {
  return mod(phaseMs - now + intervalMs / 2, intervalMs) - intervalMs / 2;
}

/**
 * Delay until the next heartbeat after one at `now`: the interval, corrected toward the phase by at
 * most `maxShiftMs`. Always within [interval - maxShift, interval + maxShift].
 */
export function nextHeartbeatInMs(input: ScheduleInput): number {
  const error = phaseError(input);
  const shift = Math.max(-input.maxShiftMs, Math.min(input.maxShiftMs, error));
  return Math.round(input.intervalMs + shift);
}

/**
 * Delay until the first heartbeat after a join at `now`: the next moment of the phase, so a room's
 * beats are staggered from the start; pushed one interval on when it would come within `maxShiftMs`
 * (a beat right after the join is wasted). Always within [maxShift, interval + maxShift).
 */
export function firstHeartbeatInMs(input: ScheduleInput): number {
  const untilPhase = mod(input.phaseMs - input.now, input.intervalMs);
  return Math.round(untilPhase < input.maxShiftMs ? untilPhase + input.intervalMs : untilPhase);
}

/** Grace after a member's next scheduled beat before its lease runs out (shared Timing.leaseGraceMs). */
export const LEASE_GRACE_MS = Timing.leaseGraceMs;

/**
 * How long a heartbeat's lease lasts: until the beat the reply asks for plus LEASE_GRACE_MS, never
 * longer than `leaseMs`. Why not simply `leaseMs`: a vanished member is only found out by a call into
 * its room after its lease ran out, and in a small room those calls are the other members' beats. With
 * beats every 30 s and a 40 s lease a member killed right after its beat is out of lease 40 s later,
 * so another member must beat within (40 s, 45 s] of that beat for the 45 s promise: a 5 s window,
 * which even spacing misses for 3 members (their beats are 10 s apart: the one at 40 s is too early,
 * the next at 50 s too late). Tied to the schedule (30 s + 7 s) the window is (37 s, 45 s], 8 s wide,
 * which every evenly spaced room of 2 or more hits (phases 15, 10, 7.5, 6, 5 ... s apart).
 */
export function leaseAfterBeatMs(nextInMs: number, leaseMs: number): number {
  return Math.min(leaseMs, nextInMs + LEASE_GRACE_MS);
}

/** Rooms up to this size re-spread their members' phases evenly on each beat (spreadPhase). */
export const SPREAD_MAX_MEMBERS = 12;

/** A member this close to its spread phase stays where it is. */
export const SPREAD_TOLERANCE_MS = 50;

/** One member's current phase, for spreadPhase. */
export interface PhaseEntry {
  id: string;
  phaseMs: number;
}

/** Phases in cyclic order: by phase, ties by id (the order spreading keeps: nobody overtakes anybody). */
function inOrder(entries: readonly PhaseEntry[]): PhaseEntry[] {
  return [...entries].sort((a, b) => a.phaseMs - b.phaseMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The phase `selfId` should move to so that the room's phases become evenly spaced (interval / n
 * apart). Join-order phases (van der Corput) are even for a room that only grew; once members leave
 * the survivors can sit close together (two of three at 0 s and 7.5 s), and then a vanished member
 * waits up to a whole interval for the other's beat. Members keep their cyclic order; the lattice is
 * chosen so that every member only moves later (a member cannot beat earlier than its schedule
 * without breaking the SDK's budget of two calls a minute) and the largest move is as small as
 * possible; a member already on the lattice stays. Deterministic: every member computes the same
 * lattice from the same phases.
 */
export function spreadPhase(entries: readonly PhaseEntry[], selfId: string, intervalMs: number): number {
  const sorted = inOrder(entries);
  const n = sorted.length;
  const self = sorted.findIndex((e) => e.id === selfId);
  if (self < 0) return 0;
  if (n < 2) return sorted[self].phaseMs;
  const slot = intervalMs / n;
  let best: { spread: number; sum: number; targets: number[] } | null = null;
  for (let r = 0; r < n; r += 1) {
    // Member k takes slot (k - r) mod n; phases before the rotation point are taken one interval on.
    const u = sorted.map((e, k) => e.phaseMs + (k < r ? intervalMs : 0) - ((k - r + n) % n) * slot);
    const base = Math.max(...u);
    const spread = base - Math.min(...u);
    const sum = u.reduce((acc, x) => acc + (base - x), 0);
    if (!best || spread < best.spread - 1e-6 || (Math.abs(spread - best.spread) <= 1e-6 && sum < best.sum - 1e-6)) {
      best = { spread, sum, targets: sorted.map((_, k) => mod(base + ((k - r + n) % n) * slot, intervalMs)) };
    }
  }
  return Math.round((best as { targets: number[] }).targets[self]) % intervalMs;
}

/**
 * The phase of `selfId` after one beat's move toward its spreadPhase target: later by at most
 * `maxShiftMs` (so the reply's steering, nextHeartbeatInMs, only ever stretches an interval within its
 * bound), and never past the next member in cyclic order (so the order, and with it every member's
 * target, stays put while the room converges).
 */
export function spreadStep(entries: readonly PhaseEntry[], selfId: string, intervalMs: number, maxShiftMs: number): number {
  const sorted = inOrder(entries);
  const self = sorted.findIndex((e) => e.id === selfId);
  if (self < 0 || sorted.length < 2) return self < 0 ? 0 : sorted[self].phaseMs;
  const current = sorted[self].phaseMs;
  const next = sorted[(self + 1) % sorted.length];
  const later = mod(spreadPhase(sorted, selfId, intervalMs) - current, intervalMs);
  // Close enough: rounding must not make a settled room drift by a millisecond a beat.
  if (later <= SPREAD_TOLERANCE_MS || later >= intervalMs - SPREAD_TOLERANCE_MS) return current;
  // Up to the next member's phase (equal keeps the order: ties are ordered by id); the last member's
  // next is the first one, an interval on, and it stops short of it.
  const room = self === sorted.length - 1 ? next.phaseMs + intervalMs - current - 1 : next.phaseMs - current;
  const step = Math.max(0, Math.min(later, maxShiftMs, room));
  return mod(current + step, intervalMs);
}
