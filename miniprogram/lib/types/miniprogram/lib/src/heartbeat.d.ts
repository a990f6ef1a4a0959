import { ErrorCode } from '../../../shared/errors';
import { JRTCError } from './errors';
import type { Timers } from './timers';
/** At most this many heartbeats in any window of HEARTBEAT_WINDOW_MS (two cloud calls per minute). */
export declare const MAX_HEARTBEATS_PER_WINDOW = 2;
/** The sliding window the heartbeat budget applies to. */
export declare const HEARTBEAT_WINDOW_MS = 60000;
/** After a failed heartbeat (network, timeout) the next try comes this soon, budget permitting. */
export declare const HEARTBEAT_RETRY_MS = 5000;
/** Replies that mean the session is over: retrying cannot help. */
export declare const SESSION_ENDING_CODES: readonly ErrorCode[];
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
export declare function withinBudget(calls: readonly number[], now: number): boolean;
/** Records a call at `now`, keeping the latest MAX_HEARTBEATS_PER_WINDOW. */
export declare function record(calls: number[], now: number): void;
/**
 * Heartbeats when the server says (its replies stagger the members of a room over the interval), but
 * never more than MAX_HEARTBEATS_PER_WINDOW in any HEARTBEAT_WINDOW_MS, whatever the replies or
 * failures: a call that would break the budget waits until it allows one.
 */
export declare function startHeartbeat(options: HeartbeatOptions): Heartbeat;
