import { z } from 'zod';
import { Limits, Patterns } from './constants';

/** Ids (appId, userId, userRoomId, peerId): short, and free of ':' so composite keys stay unambiguous. */
export const idSchema = z
  .string()
  .min(1)
  .max(Limits.idMaxLength)
  .regex(Patterns.id, 'only letters, digits and _ . @ - are allowed');

/** Role 1 (anchor) or 2 (audience). */
export const roleSchema = z.union([z.literal(1), z.literal(2)]);

/** A host name (optionally with port) that a push or pull URL may point at. */
export const domainSchema = z
  .string()
  .min(1)
  .max(Limits.domainMaxLength)
  .regex(Patterns.domain, 'a host name, optionally with :port');

/** A room's stage policy. */
export const stagePolicySchema = z.enum(['open', 'invite']);

/**
 * How a room's audio travels (docs/backends.md): `rtmp` push + RTMP/FLV pull through the configured
 * media provider (large audiences, 2-5 s through a CDN); `trtc` TRTC's real-time `room://` URLs on the
 * same components (stages and calls, < 300 ms); `voip` WeChat's own wx.joinVoIPChat (calls of at most
 * VOIP_MAX_MEMBERS people, no media server).
 */
export const mediaBackendSchema = z.enum(['rtmp', 'trtc', 'voip']);
/** A room's media backend. */
export type MediaBackend = z.infer<typeof mediaBackendSchema>;
/** A WeChat VoIP chat takes at most this many people (wx.joinVoIPChat: 同一时刻最多 10 人). */
export const VOIP_MAX_MEMBERS = 10;

/** A stage cap: how many anchors a room may have at most (setStagePolicy's maxAnchors). */
export const maxAnchorsSchema = z.number().int().min(1).max(Limits.maxAnchorsMax);

/** The fields every call after joinRoom carries to name its session. */
export const sessionFields = {
  appId: idSchema,
  userRoomId: idSchema,
  userId: idSchema,
  /** Returned by joinRoom; a newer join of the same user replaces it. */
  sessionId: z.string().min(8).max(64),
};

/**
 * A member's media stream as the roster shows it. `muted` is what listeners and the member's own
 * pusher follow: true while the member muted itself (`selfMuted`, setMuted) or the owner muted it
 * (`adminMuted`, mute). The two causes are kept apart so that lifting one never lifts the other:
 * the owner's unmute must not open a microphone its member closed, and setMuted(false) must not
 * undo the owner's mute. Absent flags (members never muted) mean false.
 */
export const streamSchema = z.object({
  streamId: z.string(),
  publishing: z.boolean(),
  muted: z.boolean(),
  selfMuted: z.boolean().optional(),
  adminMuted: z.boolean().optional(),
});

/** A member as every client may see it: no OPENID, no session, nothing private. */
export const memberSchema = z.object({
  userId: z.string(),
  nickName: z.string(),
  peerId: z.string(),
  role: roleSchema,
  stream: streamSchema,
  joinedAt: z.number(),
  version: z.number(),
  /** Raised hand (raiseHand / lowerHand); absent means false. Cleared when the member takes the stage. */
  handRaised: z.boolean().optional(),
  /**
   * The owner allowed this member on stage (inviteToStage, promote): it may setRole(1) in an
   * invite-only room. Cleared by demote; absent means false. Kept on the member (not a list on the
   * room document) so the room document stays small whatever the number of invitations.
   */
  invited: z.boolean().optional(),
});

/** A room's public summary. */
export const roomSchema = z.object({
  roomKey: z.string(),
  appId: z.string(),
  userRoomId: z.string(),
  ownerUserId: z.string(),
  stagePolicy: stagePolicySchema,
  /**
   * The stage cap: joins, setRole(1) and promotions that would add an anchor beyond it answer
   * STAGE_FULL (the owner excepted). Absent: no cap.
   */
  maxAnchors: maxAnchorsSchema.optional(),
  /**
   * The owner muted the whole room (muteAll): every member but the owner keeps its microphone
   * closed, later joiners included; absent means false. Independent of each member's own and admin
   * mute (stream.muted), so lifting it restores each member's own state.
   */
  allMuted: z.boolean().optional(),
  /** How the room's audio travels, fixed when the room is created; absent means `rtmp`. */
  backend: mediaBackendSchema.optional(),
  broadcasterCount: z.number(),
  audienceCount: z.number(),
  version: z.number(),
});

/** Exact member counts of a room. */
export const memberCountSchema = z.object({
  total: z.number(),
  broadcasterCount: z.number(),
  audienceCount: z.number(),
});

/**
 * A signal document of the jrtc_signals collection, as a client's watch delivers it. `to` is a
 * userId, or '*' for the whole room. `payloadJson` is the sender's payload serialised as JSON (a
 * string, so that arbitrary keys such as `$x` or `a.b` never become database field names). `seq`
 * grows with each signal of one sender's session; `(from, seq)` and the document id each identify
 * a signal. A peer signal also carries `_openid` (its recipient's, for the read rule): the schema
 * leaves it out, so parsing drops it.
 */
export const signalSchema = z.object({
  roomKey: z.string(),
  to: z.string(),
  from: z.string(),
  type: z.string(),
  payloadJson: z.string(),
  /**
   * The sender's nickName when it sent, stamped by the server from the sender's session (so it
   * cannot be forged); absent on signals from sessions older than this field.
   */
  fromNickName: z.string().optional(),
  seq: z.number(),
  createdAt: z.number(),
  expiresAt: z.number(),
});

/** A member as the roster shows it. */
export type Member = z.infer<typeof memberSchema>;
/** A member's stream. */
export type Stream = z.infer<typeof streamSchema>;
/** A room's public summary. */
export type RoomSummary = z.infer<typeof roomSchema>;
/** Exact member counts. */
export type MemberCount = z.infer<typeof memberCountSchema>;
/** A signal as a client's watch delivers it. */
export type Signal = z.infer<typeof signalSchema>;

/** UTF-8 length of a string, without TextEncoder (absent from some mini program runtimes). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** A signal payload: any JSON value, at most Limits.signalPayloadMaxBytes once serialised. */
export const signalPayloadSchema = z
  .json()
  .refine((v) => utf8Length(JSON.stringify(v)) <= Limits.signalPayloadMaxBytes, {
    message: `at most ${Limits.signalPayloadMaxBytes} bytes of JSON`,
  });
