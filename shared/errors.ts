/**
 * The one error-code table of the protocol. Codes are stable strings: clients switch on them,
 * so a code is never renamed or reused; add new ones at the end.
 */
import type { EndReason } from './calls';
export const ErrorCode = {
  /** The payload failed its schema (wrong types, missing fields, oversized strings). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** `action` names no known action. */
  UNKNOWN_ACTION: 'UNKNOWN_ACTION',
  /** The appId is not configured on this deployment. */
  APP_UNKNOWN: 'APP_UNKNOWN',
  /** The token does not verify (forged, tampered, or for other parameters). */
  TOKEN_INVALID: 'TOKEN_INVALID',
  /** The token's timestamp (expiry) has passed. */
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  /** The token's nonce was already used by another caller. */
  TOKEN_REPLAYED: 'TOKEN_REPLAYED',
  /** The token was revoked (for example after a kick). */
  TOKEN_REVOKED: 'TOKEN_REVOKED',
  /** The call carries no caller identity (OPENID): it did not come from a mini program user. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The userId is bound to another WeChat identity (OPENID). */
  IDENTITY_MISMATCH: 'IDENTITY_MISMATCH',
  /** The caller has no live session in the room (never joined, left, or was swept). */
  NOT_IN_ROOM: 'NOT_IN_ROOM',
  /** The session was replaced by a newer join of the same user on another device. */
  SESSION_REPLACED: 'SESSION_REPLACED',
  /** The room's stage policy does not let this user become an anchor. */
  ROLE_FORBIDDEN: 'ROLE_FORBIDDEN',
  /** Only anchors (role 1) may publish. */
  NOT_ANCHOR: 'NOT_ANCHOR',
  /** The push or pull domain asked for is not one this deployment signs for. */
  DOMAIN_NOT_ALLOWED: 'DOMAIN_NOT_ALLOWED',
  /** The deployer's policy refused this request. */
  POLICY_DENIED: 'POLICY_DENIED',
  /** Only the room owner may do this. */
  NOT_OWNER: 'NOT_OWNER',
  /** The user was removed from the room by its owner. */
  KICKED: 'KICKED',
  /** The function is misconfigured (missing app keys, media provider, domains). */
  CONFIG_ERROR: 'CONFIG_ERROR',
  /** The call did not reach the function or its reply was unreadable (client side). */
  NETWORK: 'NETWORK',
  /** The client timed out waiting. */
  TIMEOUT: 'TIMEOUT',
  /** The client call was cancelled (leave during join, destroy). */
  CANCELLED: 'CANCELLED',
  /** The client is in the wrong state for this call (not initialised, not joined). */
  INVALID_STATE: 'INVALID_STATE',
  /** Anything unexpected; details are logged server side, never sent. */
  INTERNAL: 'INTERNAL',
  /** The member an owner action or a peer signal names (targetUserId / toUserId) is not in the room. */
  TARGET_NOT_IN_ROOM: 'TARGET_NOT_IN_ROOM',
  /** The room's stage is at its cap (setStagePolicy's maxAnchors): no new anchor until one steps down. */
  STAGE_FULL: 'STAGE_FULL',
  /**
   * A document the call must write stayed locked by another write for the whole retry budget (e.g. a
   * transaction of a call that died, which CloudBase releases within 30 s). Nothing changed: retry.
   */
  BUSY: 'BUSY',
  /** No such call for this party: never rung, or the view belongs to another WeChat user. */
  CALL_NOT_FOUND: 'CALL_NOT_FOUND',
  /** The call is over for this party (details: why), so it cannot be answered or joined. */
  CALL_ENDED: 'CALL_ENDED',
  /** The caller is a party of another call still on: one call at a time. */
  IN_ANOTHER_CALL: 'IN_ANOTHER_CALL',
} as const;

/** One of the protocol's error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The `details` a server error carries, by code; the codes not listed here carry none. */
export interface ErrorDetailsByCode {
  /** The payload's problems as its schema found them (at most 10), or the one token / URL parameter refused. */
  BAD_REQUEST: Array<{ path: string; message: string }> | { field: string };
  /** The kick's reason and when its ban on rejoining ends (ms since the epoch; 0 when there is none). */
  KICKED: { reason: string | null; bannedUntil: number };
  /** The domains the deployment lets a client ask for. */
  DOMAIN_NOT_ALLOWED: { allowed: string[] };
  /** The room's cap on anchors. */
  STAGE_FULL: { maxAnchors: number };
  /** Why the call ended for this party. */
  CALL_ENDED: { reason: EndReason };
  /** The other call. */
  IN_ANOTHER_CALL: { callId: string };
  /** Each misconfigured environment variable and what is wrong with it. */
  CONFIG_ERROR: Array<{ variable: string; message: string }>;
}

/** What a server error with `code` carries as `details` (never anything for the codes not in ErrorDetailsByCode). */
export type ErrorDetails<C extends ErrorCode> = C extends keyof ErrorDetailsByCode ? ErrorDetailsByCode[C] : never;

/** Replies that mean the member's session is over: retrying the same call cannot help. */
export const SESSION_ENDING_CODES: readonly ErrorCode[] = [ErrorCode.NOT_IN_ROOM, ErrorCode.SESSION_REPLACED, ErrorCode.KICKED, ErrorCode.TOKEN_REVOKED];

/**
 * Failures worth retrying with backoff: the call or its reply was lost (NETWORK), the client gave
 * up waiting (TIMEOUT), or the server could not get its documents in time and changed nothing (BUSY).
 */
export const TRANSIENT_CODES: readonly ErrorCode[] = [ErrorCode.NETWORK, ErrorCode.TIMEOUT, ErrorCode.BUSY];

/** The error half of the reply envelope, as it travels on the wire. */
export interface ProtocolErrorShape {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/**
 * An error that carries a protocol code; thrown inside handlers and turned into the envelope at the
 * edge. Its `details` are typed by its code (ErrorDetailsByCode).
 */
export class ProtocolError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly details?: ErrorDetails<C>;
  /** What caused it, kept for logs (never on the wire: toShape leaves it out). */
  readonly cause?: unknown;

  constructor(code: C, message: string, details?: ErrorDetails<C>, cause?: unknown) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
    this.details = details;
    if (cause !== undefined) this.cause = cause;
  }

  /** The wire shape of this error. */
  toShape(): ProtocolErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

const codes = new Set<string>(Object.values(ErrorCode));

/** True when `value` is one of the table's codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && codes.has(value);
}

/**
 * Turns anything thrown into a protocol error. Unknown errors become INTERNAL with a generic
 * message, so stack traces and internals never reach a client.
 */
export function toProtocolError(err: unknown): ProtocolError {
  if (err instanceof ProtocolError) return err;
  if (err && typeof err === 'object' && isErrorCode((err as { code?: unknown }).code)) {
    const e = err as { code: ErrorCode; message?: unknown; details?: ErrorDetails<ErrorCode> };
    return new ProtocolError(e.code, typeof e.message === 'string' ? e.message : e.code, e.details);
  }
  return new ProtocolError(ErrorCode.INTERNAL, 'internal error', undefined, err);
}

/**
 * JD Cloud JRTC's numeric status codes, as its mini program SDK reports them (`{code, reason}`): the
 * client's JRTC-form calls answer `code: 200` on success (the JRTC documentation gives no success
 * value; 200 is what its HTTP-style table implies) and reject with one of these. The names are JRTC's.
 */
export const JrtcCode = {
  OK: 200,
  UNAUTHORIZED: 401,
  BAD_REQUEST: 430,
  ARGUMENT_INVALIDATE: 431,
  REPEAT_SUBMISSION: 439,
  INTERNAL: 500,
  NOT_FOUND: 503,
  REQUEST_TIMEOUT: 903,
  /** The server closed the session (another device took it over). */
  CONNECTION_CLOSED: 1005,
  /** The link to the cloud failed (a call could not reach it, or the live roster is reconnecting). */
  CONNECTION_LOST: 1006,
  /** Reconnecting gave up: the room is over. */
  RECONNECT_FAILED: 1007,
  UNKNOWN: 10000,
} as const;

/** One of JRTC's numeric status codes. */
export type JrtcCode = (typeof JrtcCode)[keyof typeof JrtcCode];

/**
 * The JRTC status of each protocol code: one table, so the README's error table, the SDK and the
 * tests agree. Refusals of who you are or what you may do are 401; malformed input 431; calls that
 * do not fit the room's state 430; a member or room that is not there 503.
 */
export const JRTC_CODE_OF: { readonly [C in ErrorCode]: JrtcCode } = {
  BAD_REQUEST: JrtcCode.ARGUMENT_INVALIDATE,
  UNKNOWN_ACTION: JrtcCode.BAD_REQUEST,
  APP_UNKNOWN: JrtcCode.UNAUTHORIZED,
  TOKEN_INVALID: JrtcCode.UNAUTHORIZED,
  TOKEN_EXPIRED: JrtcCode.UNAUTHORIZED,
  // A nonce used twice is a repeated submission of the same token.
  TOKEN_REPLAYED: JrtcCode.REPEAT_SUBMISSION,
  TOKEN_REVOKED: JrtcCode.UNAUTHORIZED,
  UNAUTHENTICATED: JrtcCode.UNAUTHORIZED,
  IDENTITY_MISMATCH: JrtcCode.UNAUTHORIZED,
  NOT_IN_ROOM: JrtcCode.NOT_FOUND,
  SESSION_REPLACED: JrtcCode.CONNECTION_CLOSED,
  ROLE_FORBIDDEN: JrtcCode.UNAUTHORIZED,
  NOT_ANCHOR: JrtcCode.BAD_REQUEST,
  DOMAIN_NOT_ALLOWED: JrtcCode.ARGUMENT_INVALIDATE,
  POLICY_DENIED: JrtcCode.UNAUTHORIZED,
  NOT_OWNER: JrtcCode.UNAUTHORIZED,
  KICKED: JrtcCode.UNAUTHORIZED,
  CONFIG_ERROR: JrtcCode.INTERNAL,
  NETWORK: JrtcCode.CONNECTION_LOST,
  TIMEOUT: JrtcCode.REQUEST_TIMEOUT,
  CANCELLED: JrtcCode.UNKNOWN,
  INVALID_STATE: JrtcCode.BAD_REQUEST,
  INTERNAL: JrtcCode.INTERNAL,
  TARGET_NOT_IN_ROOM: JrtcCode.NOT_FOUND,
  STAGE_FULL: JrtcCode.BAD_REQUEST,
  // Retryable, as a timed-out request is.
  BUSY: JrtcCode.REQUEST_TIMEOUT,
  CALL_NOT_FOUND: JrtcCode.NOT_FOUND,
  CALL_ENDED: JrtcCode.BAD_REQUEST,
  IN_ANOTHER_CALL: JrtcCode.BAD_REQUEST,
};
