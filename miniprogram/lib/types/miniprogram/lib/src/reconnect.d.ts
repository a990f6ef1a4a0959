/** What a retry policy is told about the failure it decides on. */
export interface ReconnectContext {
    /** Retries already made since the last success (0 for the first). */
    retryCount: number;
    /** Milliseconds since the first failure of this run. */
    elapsedMs: number;
    /** The error that ended the last attempt. */
    error: unknown;
}
/** Decides when to retry a failed watch; `null` means give up (the room then disconnects). */
export interface ReconnectPolicy {
    nextRetryDelayInMs(context: ReconnectContext): number | null;
}
/** The default delays: 1 s, 2 s, 5 s, then every 10 s. */
export declare const DEFAULT_RETRY_DELAYS: number[];
/**
 * Retries after each delay in turn and then keeps retrying at the last one: a room outlives a long
 * network outage, and the heartbeat (not the watch) decides when the session is gone. Pass `maxRetries`
 * to give up instead.
 */
export declare class DefaultReconnectPolicy implements ReconnectPolicy {
    private readonly delays;
    private readonly maxRetries;
    constructor(delays?: readonly number[], maxRetries?: number);
    nextRetryDelayInMs({ retryCount }: ReconnectContext): number | null;
}
