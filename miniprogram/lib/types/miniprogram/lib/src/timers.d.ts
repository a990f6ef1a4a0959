/**
 * The clock and timers the SDK schedules with. Injected so that tests can drive heartbeats and retries
 * with a manual clock; the default is the platform's.
 */
export interface Timers {
    setTimeout(fn: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
    /** Milliseconds since the epoch. */
    now(): number;
}
/** The platform's timers (mini program runtime or Node). */
export declare const systemTimers: Timers;
