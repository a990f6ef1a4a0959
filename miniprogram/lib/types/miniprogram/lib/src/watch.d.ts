import type { WatchHandlers, WatcherLike, WatchSnapshot } from './cloud';
import type { ReconnectPolicy } from './reconnect';
import type { Timers } from './timers';
/** What a resilient watch needs. */
export interface ResilientWatchOptions {
    /** Starts one platform watch (called again for every re-watch). */
    open(handlers: WatchHandlers): WatcherLike;
    policy: ReconnectPolicy;
    timers: Timers;
    /** Every snapshot of every watch, in order; each re-watch starts with a full (`init`) one. */
    onSnapshot(snapshot: WatchSnapshot): void;
    /** false when a watch failed and a retry is scheduled; true when a re-watch delivered its first snapshot. */
    onHealth(healthy: boolean, error?: unknown): void;
    /** The policy gave up: no more retries. */
    onGiveUp(error: unknown): void;
}
/** A watch that re-watches after errors. */
export interface ResilientWatch {
    /** Stops for good (closes the platform watch, cancels a pending retry). */
    close(): void;
}
/**
 * Keeps a watch alive: on error the broken watch is closed and, after the policy's delay, a new one is
 * opened. A re-watch right after close() can itself fail (-402002 on CloudBase); that is just another
 * error, retried with the next delay. Events of a replaced watch are ignored, so a late snapshot of an
 * old watch never overtakes the new one.
 */
export declare function resilientWatch(options: ResilientWatchOptions): ResilientWatch;
