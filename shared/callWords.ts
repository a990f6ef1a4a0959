/**
 * The words of calls that carry no schema (shared/calls.ts has the schemas): the SDK's calls
 * bundle imports these without pulling zod in.
 */

/** Why a party's part in a call ended; each party is told once. */
export const EndReason = {
  /** A party hung up (the one who did, and the last one left with it). */
  HANGUP: 'hangup',
  /** The callee declined. */
  REJECTED: 'rejected',
  /** Nobody answered before the ring ran out (30 s by default, JRTC_CALL_RING_SECONDS). */
  NO_ANSWER: 'noAnswer',
  /** The callee was in (or being rung for) another call. */
  BUSY: 'busy',
  /** The caller stopped ringing before an answer (or left while it rang). */
  CANCELED: 'canceled',
  /** The same user answered on another device (told by the SDK of the device that did not). */
  ANSWERED_ELSEWHERE: 'answeredElsewhere',
  /** The callee could not be reached: not in the app, and no subscription message could ring it. */
  OFFLINE: 'offline',
  /** A party's phone stopped heartbeating in the call's room (killed, out of network): its lease ran out. */
  NETWORK_LOST: 'networkLost',
  /** The service ended it: the party was kicked from the call's room, or the deployer ended the call. */
  ENDED_BY_SERVER: 'endedByServer',
} as const;

/** One of EndReason's values. */
export type EndReason = (typeof EndReason)[keyof typeof EndReason];

/** Call timing defaults (the function's config may override the ring). */
export const CallTiming = {
  /** A callee rings this long before the call gives up on it with noAnswer (JRTC_CALL_RING_SECONDS). */
  ringSeconds: 30,
  /** A phone listening for calls is reachable in the app for this long after its last listenCalls. */
  inboxLeaseMs: 150_000,
  /** The SDK renews its listening this often: well inside the lease, one call per minute. */
  inboxRenewMs: 60_000,
  /**
   * An ended call's record and its parties' views are deleted this long after it ended (the timer's
   * housekeeping): they name every party's OPENID, and nobody's calls should outlive their use.
   */
  recordRetentionMs: 90 * 24 * 3_600_000,
} as const;

/** Callees one call may ring at once: with its caller, the ten people a WeChat VoIP chat takes. */
export const MAX_CALLEES = 9;

/** The document id of a party's view: `callId:userId`. */
export function callPartyIdOf(callId: string, userId: string): string {
  return `${callId}:${userId}`;
}
