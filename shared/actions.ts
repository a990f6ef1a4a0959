import { z } from 'zod';
import { Limits, Patterns, SYSTEM_SIGNAL_PREFIX } from './constants';
import {
  domainSchema,
  idSchema,
  maxAnchorsSchema,
  mediaBackendSchema,
  memberCountSchema,
  memberSchema,
  roleSchema,
  roomSchema,
  sessionFields,
  signalPayloadSchema,
  stagePolicySchema,
} from './common';
import { acceptCall, call, endCall, getCall, listenCalls } from './callActions';

/**
 * The whole API as data: one request and one response schema per action. The cloud function's
 * router and the SDK both import this map, so a type is never written twice.
 */

/**
 * issueToken: a JRTC token for the calling OPENID (the deployer's policy decides). With `owner: true`
 * (and the policy's consent) the token also grants ownership of the room: its first joinRoom makes
 * the joiner the owner, creating the room or taking it over. The grant is kept server-side, on the
 * token's nonce entry on the user's record, which binds the token to the caller (another OPENID gets
 * TOKEN_REPLAYED).
 */
export const issueToken = {
  request: z.object({
    appId: idSchema,
    userRoomId: idSchema,
    /**
     * The user the token is for. Omitted: the caller's own userId, derived from its OPENID (the only
     * one a deployment with JRTC_USER_IDS=caller, the default, issues besides those bound to it).
     */
    userId: idSchema.optional(),
    /** Lifetime of the token; defaults to the function's config. */
    ttlSeconds: z.number().int().min(60).max(Limits.tokenTtlMaxSeconds).optional(),
    /** Ask for an owner grant (a teacher, a host); absent means false. */
    owner: z.boolean().optional(),
  }),
  response: z.object({
    appId: z.string(),
    userRoomId: z.string(),
    userId: z.string(),
    nonce: z.string(),
    /** Expiry in ms since the epoch, as JRTC defines it. */
    timestamp: z.number(),
    token: z.string(),
  }),
};

/**
 * joinRoom: verify the token, bind the identity, enter the roster. With `ownerProof` (computed by the
 * deployer's server with the app key, shared/ownerProof.ts) the token's first join makes the joiner
 * the room's owner, as an issueToken owner grant does; a proof that does not verify is TOKEN_INVALID.
 */
export const joinRoom = {
  request: z.object({
    appId: idSchema,
    token: z.string().min(1).max(Limits.tokenMaxLength),
    userId: idSchema,
    role: roleSchema,
    nonce: z.string().min(1).max(Limits.nonceMaxLength),
    timestamp: z.number().int().positive(),
    userRoomId: idSchema,
    peerId: idSchema.optional(),
    nickName: z.string().max(Limits.nickNameMaxLength).optional(),
    /** Owner proof for this token (shared/ownerProof.ts); honoured on the token's first join only. */
    ownerProof: z.string().min(1).max(Limits.ownerProofMaxLength).optional(),
    /**
     * The media backend of the room this join creates (default: the deployment's JRTC_ROOM_BACKEND);
     * a room that exists keeps its own (the reply's `room.backend` says which).
     */
    backend: mediaBackendSchema.optional(),
  }),
  response: z.object({
    sessionId: z.string(),
    roomKey: z.string(),
    member: memberSchema,
    room: roomSchema,
    /** How often to heartbeat. */
    heartbeatIntervalMs: z.number(),
    /** When to send the first heartbeat (staggered within the room). */
    nextHeartbeatInMs: z.number(),
    /** A member not heard from for this long is removed. */
    leaseMs: z.number(),
    /** The token's expiry (ms). */
    tokenExpiresAt: z.number(),
  }),
};

/** leaveRoom: leave the roster (idempotent). */
export const leaveRoom = {
  request: z.object({ ...sessionFields }),
  response: z.object({ left: z.boolean() }),
};

/** setRole: become anchor (1) or audience (2), as the stage policy allows. */
export const setRole = {
  request: z.object({ ...sessionFields, role: roleSchema }),
  response: z.object({ member: memberSchema }),
};

/**
 * What wx.joinVoIPChat takes to join a `voip` room's chat (groupId is the room's), signed by
 * wx-server-sdk's cloud.getVoIPSign for the caller, plus the room members' OPENIDs (the chat's
 * member lists name OPENIDs; WeChat shows them to everyone in the chat anyway).
 */
export const voipJoinSchema = z.object({
  groupId: z.string(),
  nonceStr: z.string(),
  /** Unix seconds, as getVoIPSign signed it. */
  timeStamp: z.number(),
  signature: z.string(),
  /** OPENID → userId of the room's members (the OPENIDs onVoIPChatMembersChanged reports). */
  members: z.record(z.string(), z.string()),
});

/**
 * publish (anchors only): what the anchor's page sends its audio with, for the room's backend:
 * `pushUrl` for `<live-pusher>` (an RTMP URL on `rtmp`, a TRTC `room://` URL with the anchor's
 * privileges on `trtc`; '' on `voip`), and on `voip` the chat to join (`voip`).
 */
export const publish = {
  request: z.object({ ...sessionFields, pushDomain: domainSchema.optional() }),
  response: z.object({
    pushUrl: z.string(),
    streamId: z.string(),
    /** When the URL's signature expires (ms). */
    expiresAt: z.number(),
    member: memberSchema,
    /** The room's media backend (absent from servers before backends: `rtmp`). */
    backend: mediaBackendSchema.optional(),
    voip: voipJoinSchema.optional(),
  }),
};

/** unpublish: stop publishing. */
export const unpublish = {
  request: z.object({ ...sessionFields }),
  response: z.object({ member: memberSchema }),
};

/** One anchor's pull URLs. */
export const pullStreamSchema = z.object({
  userId: z.string(),
  streamId: z.string(),
  /** Whether the anchor publishes now; a stream that has not started plays once it does. */
  publishing: z.boolean(),
  /**
   * The URL for `<live-player>`: RTMP for RTC mode on `rtmp`; the anchor's `room://` play URL on
   * `trtc` (it plays once the page's pusher is in the room: subscribe's `enterUrl`); '' on `voip`.
   */
  url: z.string(),
  urls: z.object({ rtmp: z.string(), flv: z.string(), hls: z.string() }),
  expiresAt: z.number(),
});

/** subscribe: signed pull URLs, one per anchor on stage (or the ones named). */
export const subscribe = {
  request: z.object({
    ...sessionFields,
    userIds: z.array(idSchema).max(Limits.pageSizeMax).optional(),
    pullDomain: domainSchema.optional(),
    /**
     * On a `trtc` room: the anchors' CDN relay streams (TRTC 旁路推流 to the media provider's
     * domains) instead of room:// URLs, for an audience too large for a TRTC room; ignored elsewhere.
     */
    cdn: z.boolean().optional(),
  }),
  response: z.object({
    streams: z.array(pullStreamSchema),
    /** The room's media backend (absent from servers before backends: `rtmp`). */
    backend: mediaBackendSchema.optional(),
    /**
     * `trtc`: the `room://` URL the page's `<live-pusher>` enters the room with, which TRTC requires
     * before any `<live-player>` plays; an audience member's may only receive (PrivateMapKey 170).
     */
    enterUrl: z.string().optional(),
    /** `voip`: the chat to join (muted, for a listener) to hear the room. */
    voip: voipJoinSchema.optional(),
  }),
};

/** heartbeat: keep the session alive; the reply says when to come back and when the token expires. */
export const heartbeat = {
  request: z.object({ ...sessionFields }),
  response: z.object({
    nextHeartbeatInMs: z.number(),
    /** When the lease runs out without another heartbeat (ms). */
    expiresAt: z.number(),
    /** The session's token expiry (ms): renew before it (renewToken), or the session ends. */
    tokenExpiresAt: z.number(),
  }),
};

/** getBroadcasterList: every anchor of the room. */
export const getBroadcasterList = {
  request: z.object({ ...sessionFields }),
  response: z.object({ members: z.array(memberSchema) }),
};

/** getAudienceList: the audience, one page at a time (ordered by userId, cursor = last userId). */
export const getAudienceList = {
  request: z.object({
    ...sessionFields,
    cursor: idSchema.optional(),
    pageSize: z.number().int().min(1).max(Limits.pageSizeMax).optional(),
  }),
  response: z.object({ members: z.array(memberSchema), nextCursor: z.string().nullable() }),
};

/** getRoomMemberCount: exact counts. */
export const getRoomMemberCount = {
  request: z.object({ ...sessionFields }),
  response: memberCountSchema,
};

/** The fields of an owner action that names another member. */
const targetFields = { ...sessionFields, targetUserId: idSchema };

/**
 * setStagePolicy (owner): who may take the stage from now on, and optionally how many at most
 * (`maxAnchors`: 1..100 sets the cap, null removes it, absent leaves it as it is).
 */
export const setStagePolicy = {
  request: z.object({ ...sessionFields, policy: stagePolicySchema, maxAnchors: maxAnchorsSchema.nullable().optional() }),
  response: z.object({ room: roomSchema }),
};

/** inviteToStage (owner): the target may then setRole(1) in an invite-only room. */
export const inviteToStage = {
  request: z.object(targetFields),
  response: z.object({ member: memberSchema }),
};

/** promote (owner): makes the target an anchor at once (and invited, so a rejoin keeps the stage). */
export const promote = {
  request: z.object(targetFields),
  response: z.object({ member: memberSchema }),
};

/** demote (owner): makes the target audience, stops its stream and withdraws its invitation. */
export const demote = {
  request: z.object(targetFields),
  response: z.object({ member: memberSchema }),
};

/**
 * transferOwnership (owner): the target, a member of the room, becomes its owner (the room document
 * changes, so every member's watch sees it). To yourself: nothing changes.
 */
export const transferOwnership = {
  request: z.object(targetFields),
  response: z.object({ room: roomSchema }),
};

/**
 * muteAll (owner): the room-wide mute (`room.allMuted`; JRTC's GlobalMute). While it holds every
 * member but the owner keeps its microphone closed, members joining later included. It leaves each
 * member's own and admin mute alone, so `muted: false` gives every member back its own state.
 */
export const muteAll = {
  request: z.object({ ...sessionFields, muted: z.boolean() }),
  response: z.object({ room: roomSchema }),
};

/** raiseHand: sets `handRaised` on the caller's member document (anchors see it through watch). */
export const raiseHand = {
  request: z.object({ ...sessionFields }),
  response: z.object({ member: memberSchema }),
};

/** lowerHand: clears the caller's `handRaised`. */
export const lowerHand = {
  request: z.object({ ...sessionFields }),
  response: z.object({ member: memberSchema }),
};

/** kick (owner): removes the target, revokes its token and bans it from the room for a while. */
export const kick = {
  request: z.object({
    ...targetFields,
    /** Shown to the kicked member (details of its KICKED errors, payload of its jrtc.kicked signal). */
    reason: z.string().min(1).max(Limits.kickReasonMaxLength).optional(),
  }),
  response: z.object({
    userId: z.string(),
    /** Until when (ms) the user cannot rejoin the room. */
    bannedUntil: z.number(),
  }),
};

/** mute (owner): the admin mute of the target (`stream.adminMuted`, and so `stream.muted`). */
export const mute = {
  request: z.object({ ...targetFields, muted: z.boolean() }),
  response: z.object({ member: memberSchema }),
};

/** setMuted: the caller's own mute (`stream.selfMuted`, and so `stream.muted`). */
export const setMuted = {
  request: z.object({ ...sessionFields, muted: z.boolean() }),
  response: z.object({ member: memberSchema }),
};

/** A signal type: 1..32 of [A-Za-z0-9_.-]; the `jrtc.` prefix is the service's own. */
export const signalTypeSchema = z
  .string()
  .min(1)
  .max(Limits.signalTypeMaxLength)
  .regex(Patterns.signalType, 'only letters, digits and _ . - are allowed')
  .refine((t) => !t.startsWith(SYSTEM_SIGNAL_PREFIX), `types starting with ${SYSTEM_SIGNAL_PREFIX} are reserved`);

/**
 * sendSignal: a custom signal to the whole room (no `toUserId`) or to one member, delivered through
 * the jrtc_signals collection (clients watch it; see shared/constants.ts `Collections.signals`).
 */
export const sendSignal = {
  request: z.object({
    ...sessionFields,
    toUserId: idSchema.optional(),
    type: signalTypeSchema,
    payload: signalPayloadSchema,
  }),
  response: z.object({
    /** The signal document's id. */
    signalId: z.string(),
    seq: z.number(),
    createdAt: z.number(),
    expiresAt: z.number(),
  }),
};

/** renewToken: a fresh token for the same user and room extends the session past the old token's expiry. */
export const renewToken = {
  request: z.object({
    ...sessionFields,
    token: z.string().min(1).max(Limits.tokenMaxLength),
    nonce: z.string().min(1).max(Limits.nonceMaxLength),
    timestamp: z.number().int().positive(),
  }),
  response: z.object({ tokenExpiresAt: z.number() }),
};

/** Every action by name. */
export const actions = {
  issueToken,
  joinRoom,
  leaveRoom,
  setRole,
  publish,
  unpublish,
  subscribe,
  heartbeat,
  getBroadcasterList,
  getAudienceList,
  getRoomMemberCount,
  setStagePolicy,
  inviteToStage,
  promote,
  demote,
  raiseHand,
  lowerHand,
  kick,
  mute,
  setMuted,
  sendSignal,
  renewToken,
  // Last, so that adding it kept the other actions' fuzz seeds (tests/hardening/fuzz.test.ts).
  transferOwnership,
  // After transferOwnership for the same reason: appended actions keep the earlier ones' seeds.
  muteAll,
  // Appended, as above.
  listenCalls,
  call,
  acceptCall,
  endCall,
  getCall,
} as const;

/** The name of an action. */
export type ActionName = keyof typeof actions;
/** The request payload of an action (without `action`). */
export type ActionRequest<A extends ActionName> = z.infer<(typeof actions)[A]['request']>;
/** The reply data of an action. */
export type ActionResponse<A extends ActionName> = z.infer<(typeof actions)[A]['response']>;
/** What `callFunction({name: 'jrtc', data})` sends for an action. */
export type ActionCall<A extends ActionName> = { action: A } & ActionRequest<A>;

/** True when `name` is a known action. */
export function isActionName(name: unknown): name is ActionName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(actions, name);
}
