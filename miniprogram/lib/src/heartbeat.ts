import { SESSION_ENDING_CODES } from '../../../shared/errors';
import { Timing } from '../../../shared/constants';
import { JRTCError } from './errors';
import type { Timers } from './timers';

/** At most this many heartbeats in any window of HEARTBEAT_WINDOW_MS (two cloud calls per minute). */
export const MAX_HEARTBEATS_PER_WINDOW = 2;
/** The sliding window the heartbeat budget applies to. */
export const HEARTBEAT_WINDOW_MS = 60_000;
/** After a failed heartbeat (network, timeout) the next try comes this soon, budget permitting. */
export const HEARTBEAT_RETRY_MS = Timing.heartbeatRetryMs;


/** What a heartbeat reply tells the scheduler and the room. */
export interface HeartbeatReply {
  nextHeartbeatInMs: number;
  tokenExpiresAt?: number;
}

/** What the heartbeat scheduler needs. */
export interface HeartbeatOptions {
  timers: Timers;
  /** Delay of the first beat, as joinRoom's `nextHeartbeatInMs` says. */
  firstInMs: number;
  /**
   * The times of the latest calls (at most MAX_HEARTBEATS_PER_WINDOW), shared with whoever else
   * heartbeats for the session (a room resuming after onAppShow), so the budget holds across restarts.
   */
  calls?: number[];
  /** One heartbeat call; its reply says when to come back. */
  beat(): Promise<HeartbeatReply>;
  /** A beat succeeded. */
  onOk(reply: HeartbeatReply): void;
  /** A beat failed; `fatal` when the session is over (the scheduler has then stopped). */
  onError(error: JRTCError, fatal: boolean): void;
}

/** A running heartbeat. */
export interface Heartbeat {
  stop(): void;
}

/** True when one more call at `now` fits the budget of `calls` (the latest call times). */
export function withinBudget(calls: readonly number[], now: number): boolean {
  return calls.length < MAX_HEARTBEATS_PER_WINDOW || now - calls[calls.length - MAX_HEARTBEATS_PER_WINDOW] >= HEARTBEAT_WINDOW_MS;
}

/** Records a call at `now`, keeping the latest MAX_HEARTBEATS_PER_WINDOW. */
export function record(calls: number[], now: number): void {
  calls.push(now);
  if (calls.length > MAX_HEARTBEATS_PER_WINDOW) calls.shift();
}

/**
 * Heartbeats when the server says (its replies stagger the members of a room over the interval), but
 * never more than MAX_HEARTBEATS_PER_WINDOW in any HEARTBEAT_WINDOW_MS, whatever the replies or
 * failures: a call that would break the budget waits until it allows one.
 */
export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const { timers } = options;
  const calls = options.calls || [];
  let timer: unknown;
  let stopped = false;

  const schedule = (inMs: number): void => {
    const now = timers.now();
    let at = now + Math.max(0, Number.isFinite(inMs) ? inMs : Timing.heartbeatIntervalMs);
    if (calls.length >= MAX_HEARTBEATS_PER_WINDOW) {
      at = Math.max(at, calls[calls.length - MAX_HEARTBEATS_PER_WINDOW] + HEARTBEAT_WINDOW_MS);
    }
    timer = timers.setTimeout(run, at - now);
  };

  function run(): void {
    if (stopped) return;
    record(calls, timers.now());
    options.beat().then(
      (reply) => {
        if (stopped) return;
        options.onOk(reply);
        schedule(reply.nextHeartbeatInMs);
      },
      (err: unknown) => {
        if (stopped) return;
        const error = JRTCError.from(err);
        const fatal = SESSION_ENDING_CODES.indexOf(error.code) >= 0;
        if (fatal) stopped = true;
        else schedule(HEARTBEAT_RETRY_MS);
        options.onError(error, fatal);
      },
    );
  }

  schedule(options.firstInMs);
  return {
    stop() {
      stopped = true;
      timers.clearTimeout(timer);
    },
  };
}
