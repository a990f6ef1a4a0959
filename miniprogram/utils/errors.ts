/**
 * Failures as the pages read them. Two shapes reach a page: the Room API's JRTCError (`code`: our
 * string ErrorCode, `message`) and the JRTC form's JRTCFailure from the client's calls and `onError`
 * (`code`: JRTC's number, `reason`, and our string in `errorCode`). Both are read through here, so a
 * page's checks and notices work the same whichever API a call went through.
 */

/** The protocol's string code of a failure (STAGE_FULL, KICKED, ...): `errorCode` when present, else a string `code`; '' for anything else. */
export function errorCodeOf(err: unknown): string {
  const e = err && typeof err === 'object' ? (err as { errorCode?: unknown; code?: unknown }) : {};
  if (typeof e.errorCode === 'string') return e.errorCode;
  return typeof e.code === 'string' ? e.code : '';
}

/** A failure as one line for the page: `CODE: what went wrong` (the words alone when there is no code). */
export function describeError(err: unknown): string {
  const e = (err || {}) as { reason?: unknown; message?: unknown };
  const words = typeof e.reason === 'string' && e.reason ? e.reason : typeof e.message === 'string' ? e.message : String(err);
  const code = errorCodeOf(err);
  return code ? `${code}: ${words}` : words;
}
