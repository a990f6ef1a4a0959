/**
 * The stored documents and their ids. Reads are parsed with these schemas, so a document that does
 * not have the shape we wrote fails loudly (INTERNAL, logged) instead of flowing on half-typed.
 */
import { createHash } from 'crypto';
import { z } from 'zod';
import { mediaBackendSchema, memberSchema, roomSchema, signalSchema } from '../../../shared';
import type { Member, RoomSummary } from '../../../shared';
import type { DocData, DbDocument } from '../../../shared/ports';

/** jrtc_rooms/{roomKey}: public room document. `joinSeq` counts joins, for heartbeat phases. */
export const roomDocSchema = roomSchema.extend({
  joinSeq: z.number(),
  /** The call this room was last rung from (calls/): ringing again from the room adds to it while it is on. */
  callId: z.string().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
/** A stored room. */
export type RoomDoc = z.infer<typeof roomDocSchema>;

/** jrtc_members/{roomKey:userId}: exactly the public member fields plus roomKey. */
export const memberDocSchema = memberSchema.extend({ roomKey: z.string() });
/** A stored member. */
export type MemberDoc = z.infer<typeof memberDocSchema>;

/** jrtc_presence/{roomKey:userId}: private liveness and session of a member. */
export const presenceDocSchema = z.object({
  roomKey: z.string(),
  userId: z.string(),
  openid: z.string(),
  sessionId: z.string(),
  lastSeen: z.number(),
  expiresAt: z.number(),
  /** Where in the heartbeat interval this member's heartbeats should land (ms). */
  phaseMs: z.number(),
  /** The nonce entry (nonceIdOf) of the token the session holds (from joinRoom or the last renewToken): kick revokes it. */
  nonceId: z.string(),
  /** That token's expiry (ms): a heartbeat after it ends the session with TOKEN_EXPIRED. */
  tokenExpiresAt: z.number(),
  /**
   * The member's nickName as it joined (joinRoom writes it), so writeSignal can stamp signals with it
   * without reading the member document. Absent on presences written before the field existed.
   */
  nickName: z.string().optional(),
  /** The `seq` of the session's last signal (absent before its first). */
  signalSeq: z.number().optional(),
  /**
   * The call this member is a party of in this room (calls/): set by `call` for the caller and by the
   * join of a token acceptCall made; leaving the room ends the member's part in it. Members of rooms
   * without calls have none, so their leaves cost nothing more.
   */
  callId: z.string().optional(),
  /** The room's media backend (backends.ts), copied at join so publish and subscribe need not read the room; absent: rtmp. */
  backend: mediaBackendSchema.optional(),
});
/** A stored presence record. */
export type PresenceDoc = z.infer<typeof presenceDocSchema>;

/**
 * A token nonce a join or renewal consumed, kept on its user's record until the token expires: a
 * later presentation of the token by another caller, or for another room, answers TOKEN_REPLAYED.
 * issueToken writes one ahead of any join for a token with an owner grant, so the grant never travels
 * in the token.
 */
export const nonceEntrySchema = z.object({
  /** nonceIdOf(appId, nonce): what a presence's `nonceId` names. */
  id: z.string(),
  openid: z.string(),
  roomKey: z.string(),
  expiresAt: z.number(),
  /** Set when the session holding this token was kicked: the token cannot join again. */
  revoked: z.boolean().optional(),
  /**
   * true: an owner grant not used yet (issueToken with `owner: true`): the token's first joinRoom
   * makes its holder the room's owner and sets it false, so that a reconnect with the same token
   * cannot undo a transferOwnership made since. false: the grant was used, an issued one or an owner
   * proof's (whose first join writes the entry with false at once).
   */
  owner: z.boolean().optional(),
  /**
   * true: a token acceptCall made for a party of a call in this room (calls/): its joins may take the
   * stage even when the room's stage is invite-only, as the call invited the party. Written ahead of
   * the join, like an owner grant, and never spent (the party's rejoins keep their seat anyway).
   */
  stage: z.boolean().optional(),
  /** The call that `stage` token answers (its join records it on the presence). */
  callId: z.string().optional(),
});
/** A consumed nonce. */
export type NonceEntry = z.infer<typeof nonceEntrySchema>;

/**
 * The last kick of a user from a room. While `bannedUntil` is ahead the user cannot rejoin
 * (KICKED); until `expiresAt` the kicked session's calls answer KICKED rather than NOT_IN_ROOM.
 */
export const banSchema = z.object({
  roomKey: z.string(),
  /** The kicked session. */
  sessionId: z.string(),
  /** The nonce of the token that session held (marked revoked). */
  nonceId: z.string(),
  reason: z.string().nullable(),
  kickedBy: z.string(),
  kickedAt: z.number(),
  bannedUntil: z.number(),
  /** The later of bannedUntil and the kicked token's expiry. */
  expiresAt: z.number(),
});
/** A kick record. */
export type Ban = z.infer<typeof banSchema>;

/**
 * jrtc_users/{appId:userId}: everything a join must check about its user, in one document so that
 * checking costs one read (one database round trip on CloudBase) rather than three: the OPENID the
 * userId is bound to (JRTC_BIND_USER_TO_OPENID), the nonces its tokens consumed, and its kicks.
 * Entries past their `expiresAt` are dropped whenever the document is written. `purgeAt`, present
 * only on a document that binds no OPENID, is when its last entry expires: the timer sweep deletes
 * it then.
 */
export const userDocSchema = z.object({
  openid: z.string().optional(),
  nonces: z.array(nonceEntrySchema),
  bans: z.array(banSchema),
  purgeAt: z.number().optional(),
  updatedAt: z.number(),
});
/** A stored user record. */
export type UserDoc = z.infer<typeof userDocSchema>;

/** jrtc_signals/{random id}: a signal; a peer signal adds its recipient's OPENID as `_openid`. */
export const signalDocSchema = signalSchema.extend({ _openid: z.string().optional() });
/** A stored signal. */
export type SignalDoc = z.infer<typeof signalDocSchema>;

/** The id of a user record. */
export function userDocIdOf(appId: string, userId: string): string {
  return `${appId}:${userId}`;
}

/**
 * The id of a caller record: the kicks of one WeChat user (OPENID) in an app, whatever userId it
 * used, in jrtc_users beside the user records (same shape, no binding). `::` never occurs in a user
 * record's id (a userId is never empty), so the two kinds cannot collide.
 */
export function callerDocIdOf(appId: string, openid: string): string {
  return `${appId}::${openid}`;
}

/**
 * The id of a nonce entry: `appId:nonce` for nonces made of [A-Za-z0-9_-] (what generateNonce and
 * JRTC produce), else `appId:#` + SHA-256 hex of the nonce. The protocol lets a nonce be any short
 * string, and free text (dots, slashes, `$`) has no business in an id.
 */
export function nonceIdOf(appId: string, nonce: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(nonce)) return `${appId}:${nonce}`;
  return `${appId}:#${createHash('sha256').update(nonce, 'utf8').digest('hex')}`;
}

/** Parses a stored document (or null) with `schema`; a mismatch is a bug or tampering, so it throws. */
export function parseDoc<T>(schema: z.ZodType<T>, data: DocData | null, what: string): T | null {
  if (data === null) return null;
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new Error(`stored ${what} ${String(data._id)} is malformed: ${parsed.error.message}`);
  return parsed.data;
}

/** Anything documents can be read through: the database or a transaction. */
export interface DocReader {
  collection(name: string): { doc(id: string): DbDocument };
}

/** Reads and parses one document; null when absent. */
export async function readDoc<T>(
  reader: DocReader,
  collection: string,
  id: string,
  schema: z.ZodType<T>,
): Promise<T | null> {
  const { data } = await reader.collection(collection).doc(id).get();
  return parseDoc(schema, data, `${collection}/${id}`);
}

/** The public view of a member: the shared member fields only (drops roomKey and _id). */
export function toPublicMember(doc: MemberDoc | DocData): Member {
  return memberSchema.parse(doc);
}

/** The public view of a room (drops joinSeq, timestamps and _id). */
export function toRoomSummary(doc: RoomDoc): RoomSummary {
  return roomSchema.parse(doc);
}
