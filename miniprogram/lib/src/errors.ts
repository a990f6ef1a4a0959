import { ErrorCode, JRTC_CODE_OF, isErrorCode } from '../../../shared/errors';
import type { ErrorDetailsByCode, JrtcCode } from '../../../shared/errors';

/**
 * The one error type the SDK rejects with. `code` comes from the protocol's table, so a page switches
 * on the same strings the server sends; client-side failures use NETWORK, TIMEOUT, CANCELLED,
 * INVALID_STATE and BAD_REQUEST from that table too.
 */
export class JRTCError extends Error {
  /** The protocol error code. */
  readonly code: ErrorCode;
  /** Extra data from the server or the platform (never needed to decide what to do). */
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'JRTCError';
    this.code = code;
    this.details = details;
  }

  /**
   * True when this error has `code`; narrows `details` to what a server error with that code carries
   * (shared/errors.ts ErrorDetailsByCode), e.g. `err.is('STAGE_FULL') && err.details?.maxAnchors`.
   */
  is<C extends ErrorCode>(code: C): this is JRTCError & { readonly code: C; readonly details?: C extends keyof ErrorDetailsByCode ? ErrorDetailsByCode[C] : unknown } {
    return this.code === code;
  }

  /** Rebuilds the error half of a reply envelope; an unreadable shape becomes NETWORK. */
  static fromServer(shape: unknown): JRTCError {
    const s = (shape || {}) as { code?: unknown; message?: unknown; details?: unknown };
    return isErrorCode(s.code)
      ? new JRTCError(s.code, typeof s.message === 'string' ? s.message : s.code, s.details)
      : new JRTCError(ErrorCode.NETWORK, 'unreadable error reply', shape);
  }

  /** The client gave up waiting for a reply. */
  static timeout(message = 'timed out'): JRTCError {
    return new JRTCError(ErrorCode.TIMEOUT, message);
  }

  /** The call was cancelled by a leave or destroy before it finished. */
  static cancelled(message = 'cancelled'): JRTCError {
    return new JRTCError(ErrorCode.CANCELLED, message);
  }

  /** The client or room is in the wrong state for this call. */
  static invalidState(message = 'invalid state'): JRTCError {
    return new JRTCError(ErrorCode.INVALID_STATE, message);
  }

  /** An argument failed the client-side check; nothing was sent. */
  static badRequest(message: string): JRTCError {
    return new JRTCError(ErrorCode.BAD_REQUEST, message);
  }

  /**
   * A thrown value as a JRTCError. The platform's failures (wx.cloud's carry errCode / errMsg) are
   * NETWORK: the call or its reply was lost, worth retrying. Anything else (a TypeError here, a throw
   * from a page's callback) is INTERNAL: a bug, never retried as if the network had failed.
   */
  static from(err: unknown): JRTCError {
    if (err instanceof JRTCError) return err;
    const e = (err || {}) as { errCode?: unknown; errMsg?: unknown; message?: unknown };
    if (e.errCode !== undefined || typeof e.errMsg === 'string') {
      return new JRTCError(ErrorCode.NETWORK, typeof e.errMsg === 'string' ? e.errMsg : 'call failed', err);
    }
    return new JRTCError(ErrorCode.INTERNAL, typeof e.message === 'string' ? e.message : 'internal error', err);
  }
}

/**
 * How the client's JRTC-form calls reject (and what `onError` receives): JRTC's numeric `code` and
 * `reason`, as a JRTC page reads them, plus our string `errorCode` (the same JRTCError the Room API
 * would give) for a page that wants the precise cause.
 */
export class JRTCFailure extends Error {
  /** JRTC's numeric status (shared/errors.ts JrtcCode). */
  readonly code: JrtcCode;
  /** What went wrong, in words. */
  readonly reason: string;
  /** The protocol's code, as the Room API reports it. */
  readonly errorCode: ErrorCode;
  /** Extra data from the server or the platform. */
  readonly details?: unknown;

  constructor(error: JRTCError, code: JrtcCode = JRTC_CODE_OF[error.code]) {
    super(error.message);
    this.name = 'JRTCFailure';
    this.code = code;
    this.reason = error.message;
    this.errorCode = error.code;
    this.details = error.details;
  }

  /** Anything thrown, as a failure (JRTCError → its JRTC status; platform errors → CONNECTION_LOST). */
  static from(err: unknown): JRTCFailure {
    return err instanceof JRTCFailure ? err : new JRTCFailure(JRTCError.from(err));
  }
}
