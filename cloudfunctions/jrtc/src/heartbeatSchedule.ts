/**
 * Heartbeat timing. Each member gets a phase in the heartbeat interval (where its beats should land)
 * from the van der Corput sequence of its join number, so the beats of a room spread evenly however
 * many join; each reply then steers the member toward its phase by at most `maxShiftMs` per beat.
 * In the steady state every member calls exactly once per interval. Pure functions, no clock.
 */

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
