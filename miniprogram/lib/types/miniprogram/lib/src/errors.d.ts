import { ErrorCode } from '../../../shared/errors';
/**
 * The one error type the SDK rejects with. `code` comes from the protocol's table, so a page switches
 * on the same strings the server sends; client-side failures use NETWORK, TIMEOUT, CANCELLED,
 * INVALID_STATE and BAD_REQUEST from that table too.
 */
export declare class JRTCError extends Error {
    /** The protocol error code. */
    readonly code: ErrorCode;
    /** Extra data from the server or the platform (never needed to decide what to do). */
    readonly details?: unknown;
    constructor(code: ErrorCode, message: string, details?: unknown);
    /** Rebuilds the error half of a reply envelope; an unreadable shape becomes NETWORK. */
    static fromServer(shape: unknown): JRTCError;
    /** The client gave up waiting for a reply. */
    static timeout(message?: string): JRTCError;
    /** The call was cancelled by a leave or destroy before it finished. */
    static cancelled(message?: string): JRTCError;
    /** The client or room is in the wrong state for this call. */
    static invalidState(message?: string): JRTCError;
    /** An argument failed the client-side check; nothing was sent. */
    static badRequest(message: string): JRTCError;
    /** Anything thrown by the platform (wx.cloud errors carry errCode / errMsg) becomes NETWORK. */
    static from(err: unknown): JRTCError;
}
