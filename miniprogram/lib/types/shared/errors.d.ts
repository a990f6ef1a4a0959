/**
 * The one error-code table of the protocol. Codes are stable strings: clients switch on them,
 * so a code is never renamed or reused; add new ones at the end.
 */
export declare const ErrorCode: {
    /** The payload failed its schema (wrong types, missing fields, oversized strings). */
    readonly BAD_REQUEST: "BAD_REQUEST";
    /** `action` names no known action. */
    readonly UNKNOWN_ACTION: "UNKNOWN_ACTION";
    /** The appId is not configured on this deployment. */
    readonly APP_UNKNOWN: "APP_UNKNOWN";
    /** The token does not verify (forged, tampered, or for other parameters). */
    readonly TOKEN_INVALID: "TOKEN_INVALID";
    /** The token's timestamp (expiry) has passed. */
    readonly TOKEN_EXPIRED: "TOKEN_EXPIRED";
    /** The token's nonce was already used by another caller. */
    readonly TOKEN_REPLAYED: "TOKEN_REPLAYED";
    /** The token was revoked (for example after a kick). */
    readonly TOKEN_REVOKED: "TOKEN_REVOKED";
    /** The call carries no caller identity (OPENID): it did not come from a mini program user. */
    readonly UNAUTHENTICATED: "UNAUTHENTICATED";
    /** The userId is bound to another WeChat identity (OPENID). */
    readonly IDENTITY_MISMATCH: "IDENTITY_MISMATCH";
    /** The caller has no live session in the room (never joined, left, or was swept). */
    readonly NOT_IN_ROOM: "NOT_IN_ROOM";
    /** The session was replaced by a newer join of the same user on another device. */
    readonly SESSION_REPLACED: "SESSION_REPLACED";
    /** The room's stage policy does not let this user become an anchor. */
    readonly ROLE_FORBIDDEN: "ROLE_FORBIDDEN";
    /** Only anchors (role 1) may publish. */
    readonly NOT_ANCHOR: "NOT_ANCHOR";
    /** The push or pull domain asked for is not one this deployment signs for. */
    readonly DOMAIN_NOT_ALLOWED: "DOMAIN_NOT_ALLOWED";
    /** The deployer's policy refused this request. */
    readonly POLICY_DENIED: "POLICY_DENIED";
    /** Only the room owner may do this. */
    readonly NOT_OWNER: "NOT_OWNER";
    /** The user was removed from the room by its owner. */
    readonly KICKED: "KICKED";
    /** The function is misconfigured (missing app keys, media provider, domains). */
    readonly CONFIG_ERROR: "CONFIG_ERROR";
    /** The call did not reach the function or its reply was unreadable (client side). */
    readonly NETWORK: "NETWORK";
    /** The client timed out waiting. */
    readonly TIMEOUT: "TIMEOUT";
    /** The client call was cancelled (leave during join, destroy). */
    readonly CANCELLED: "CANCELLED";
    /** The client is in the wrong state for this call (not initialised, not joined). */
    readonly INVALID_STATE: "INVALID_STATE";
    /** Anything unexpected; details are logged server side, never sent. */
    readonly INTERNAL: "INTERNAL";
    /** The member an owner action or a peer signal names (targetUserId / toUserId) is not in the room. */
    readonly TARGET_NOT_IN_ROOM: "TARGET_NOT_IN_ROOM";
};
/** One of the protocol's error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
/** The error half of the reply envelope, as it travels on the wire. */
export interface ProtocolErrorShape {
    code: ErrorCode;
    message: string;
    details?: unknown;
}
/** An error that carries a protocol code; thrown inside handlers and turned into the envelope at the edge. */
export declare class ProtocolError extends Error {
    readonly code: ErrorCode;
    readonly details?: unknown;
    constructor(code: ErrorCode, message: string, details?: unknown);
    /** The wire shape of this error. */
    toShape(): ProtocolErrorShape;
}
/** True when `value` is one of the table's codes. */
export declare function isErrorCode(value: unknown): value is ErrorCode;
/**
 * Turns anything thrown into a protocol error. Unknown errors become INTERNAL with a generic
 * message, so stack traces and internals never reach a client.
 */
export declare function toProtocolError(err: unknown): ProtocolError;
