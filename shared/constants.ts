/** Member roles, numbered as JRTC numbers them. */
export const Role = {
  /** Anchor (broadcaster): may publish a stream. */
  ANCHOR: 1,
  /** Audience: listens only. */
  AUDIENCE: 2,
} as const;

/** A member role: 1 anchor, 2 audience. */
export type Role = (typeof Role)[keyof typeof Role];

/** Who may take the stage in a room. */
export type StagePolicy = 'open' | 'invite';

/** Collection names. Public ones are client-readable; private ones are admin-only. */
export const Collections = {
  /** Public: one document per room (counts, stage policy). */
  rooms: 'jrtc_rooms',
  /** Public: one document per member of a room (no private data). */
  members: 'jrtc_members',
  /** Private: liveness and session of each member (heartbeats write here, so they cause no watch traffic). */
  presence: 'jrtc_presence',
  /**
   * Private: one record per user of an app: its userId → OPENID binding, the nonces its tokens
   * consumed (kept while their token lives) and its kicks (cloudfunctions/jrtc/src/records.ts).
   */
  users: 'jrtc_users',
  /**
   * Client-readable by rule: custom signals, kept for `Timing.signalTtlMs`. A room-wide signal
   * (`to: '*'`) is readable by everyone; a peer signal carries its recipient's OPENID in `_openid`
   * and is readable by that recipient only (see shared/database.ts).
   */
  signals: 'jrtc_signals',
  /**
   * Private: one document per call (its id), the record of who rang whom, who answered, when and
   * why it ended (cloudfunctions/jrtc/src/calls/). The deployer reads its call records here.
   */
  calls: 'jrtc_calls',
  /**
   * Client-readable by rule: each party's view of a call (`callId:userId`, shared/calls.ts
   * CallView), its `_openid` the party's, so only that party reads it; kept as its record.
   */
  callParties: 'jrtc_call_parties',
  /** Private: per user of an app (`appId:userId`), whether it listens for calls and which call it is in. */
  callees: 'jrtc_callees',
} as const;

/** Sizes and counts the protocol enforces. */
export const Limits = {
  idMaxLength: 64,
  nickNameMaxLength: 64,
  tokenMaxLength: 512,
  nonceMaxLength: 64,
  /** joinRoom's owner proof (shared/ownerProof.ts): always 60 characters; room to spare, no more. */
  ownerProofMaxLength: 128,
  domainMaxLength: 253,
  pageSizeDefault: 20,
  pageSizeMax: 100,
  tokenTtlMaxSeconds: 7 * 24 * 3600,
  /** A signal's `type`: 1..32 characters of [A-Za-z0-9_.-]. */
  signalTypeMaxLength: 32,
  /** A signal's payload, serialised as JSON, in UTF-8 bytes. */
  signalPayloadMaxBytes: 4096,
  /** The optional reason a kick gives. */
  kickReasonMaxLength: 128,
  /** The highest stage cap (setStagePolicy's maxAnchors); a page plays only a handful of streams anyway. */
  maxAnchorsMax: 100,
} as const;

/** The shapes the schemas (common.ts, actions.ts), the SDK's own checks and the URL signers all test. */
export const Patterns = {
  /** A protocol id: letters, digits and `_ . @ -`, free of ':' so composite keys stay unambiguous. */
  id: /^[A-Za-z0-9_.@-]+$/,
  /** A host name, optionally with :port. */
  domain: /^[A-Za-z0-9.-]+(:\d{1,5})?$/,
  /** A signal's type: letters, digits and `_ . -`. */
  signalType: /^[A-Za-z0-9_.-]+$/,
} as const;

/** Liveness timing defaults (the function's config may override them). */
export const Timing = {
  /** A client heartbeats this often: two cloud calls per participant-minute. */
  heartbeatIntervalMs: 30_000,
  /** A member not heard from for this long is a ghost. Must exceed the longest heartbeat interval plus latency. */
  leaseMs: 40_000,
  /** A signal document lives this long; clients that miss it by then never see it. */
  signalTtlMs: 60_000,
  /** After a failed heartbeat (network, timeout) the SDK tries again this soon, budget permitting. */
  heartbeatRetryMs: 5_000,
  /**
   * Grace after a member's next scheduled beat before its lease runs out: the SDK's retry of a
   * failed beat (heartbeatRetryMs) plus 2 s for the call itself.
   */
  leaseGraceMs: 7_000,
} as const;

/** The `to` of a signal addressed to the whole room. */
export const SIGNAL_TO_ROOM = '*';

/**
 * Signal types starting with this prefix are the service's own (`jrtc.kicked`, `jrtc.invited`);
 * sendSignal refuses them, so a peer cannot forge one.
 */
export const SYSTEM_SIGNAL_PREFIX = 'jrtc.';

/** The service's own signal types. */
export const SystemSignal = {
  /** To the kicked member, as it is removed: payload `{reason: string | null, bannedUntil: number}`. */
  KICKED: 'jrtc.kicked',
  /** To the invited member: payload `null`; it may now setRole(1) in an invite-only room. */
  INVITED: 'jrtc.invited',
} as const;

/** The document id of a room: `appId:userRoomId`. */
export function roomKeyOf(appId: string, userRoomId: string): string {
  return `${appId}:${userRoomId}`;
}

/** The document id of a member: `roomKey:userId`. */
export function memberIdOf(roomKey: string, userId: string): string {
  return `${roomKey}:${userId}`;
}
