import { z } from 'zod';
import { Limits } from './constants';
import {
  domainSchema,
  idSchema,
  memberCountSchema,
  memberSchema,
  roleSchema,
  roomSchema,
  sessionFields,
} from './common';

/**
 * The whole API as data: one request and one response schema per action. The cloud function's
 * router and the SDK both import this map, so a type is never written twice.
 */

/** issueToken: a JRTC token for the calling OPENID (the deployer's policy decides). */
export const issueToken = {
  request: z.object({
    appId: idSchema,
    userRoomId: idSchema,
    userId: idSchema,
    /** Lifetime of the token; defaults to the function's config. */
    ttlSeconds: z.number().int().min(60).max(Limits.tokenTtlMaxSeconds).optional(),
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

/** joinRoom: verify the token, bind the identity, enter the roster. */
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

/** publish: a signed push URL for `<live-pusher>` (anchors only). */
export const publish = {
  request: z.object({ ...sessionFields, pushDomain: domainSchema.optional() }),
  response: z.object({
    pushUrl: z.string(),
    streamId: z.string(),
    /** When the URL's signature expires (ms). */
    expiresAt: z.number(),
    member: memberSchema,
  }),
};

/** unpublish: stop publishing. */
export const unpublish = {
  request: z.object({ ...sessionFields }),
  response: z.object({ member: memberSchema }),
};

/** One publishing anchor's pull URLs. */
export const pullStreamSchema = z.object({
  userId: z.string(),
  streamId: z.string(),
  /** The URL for `<live-player>` (RTMP for RTC mode, else FLV). */
  url: z.string(),
  urls: z.object({ rtmp: z.string(), flv: z.string(), hls: z.string() }),
  expiresAt: z.number(),
});

/** subscribe: signed pull URLs, one per publishing anchor (or the ones named). */
export const subscribe = {
  request: z.object({
    ...sessionFields,
    userIds: z.array(idSchema).max(Limits.pageSizeMax).optional(),
    pullDomain: domainSchema.optional(),
  }),
  response: z.object({ streams: z.array(pullStreamSchema) }),
};

/** heartbeat: keep the session alive; the reply says when to come back. */
export const heartbeat = {
  request: z.object({ ...sessionFields }),
  response: z.object({ nextHeartbeatInMs: z.number(), expiresAt: z.number() }),
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
