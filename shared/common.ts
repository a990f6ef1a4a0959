import { z } from 'zod';
import { Limits } from './constants';

/** Ids (appId, userId, userRoomId, peerId): short, and free of ':' so composite keys stay unambiguous. */
export const idSchema = z
  .string()
  .min(1)
  .max(Limits.idMaxLength)
  .regex(/^[A-Za-z0-9_.@-]+$/, 'only letters, digits and _ . @ - are allowed');

/** Role 1 (anchor) or 2 (audience). */
export const roleSchema = z.union([z.literal(1), z.literal(2)]);

/** A host name (optionally with port) that a push or pull URL may point at. */
export const domainSchema = z
  .string()
  .min(1)
  .max(Limits.domainMaxLength)
  .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'a host name, optionally with :port');

/** A room's stage policy. */
export const stagePolicySchema = z.enum(['open', 'invite']);

/** The fields every call after joinRoom carries to name its session. */
export const sessionFields = {
  appId: idSchema,
  userRoomId: idSchema,
  userId: idSchema,
  /** Returned by joinRoom; a newer join of the same user replaces it. */
  sessionId: z.string().min(8).max(64),
};

/** A member's media stream as the roster shows it. */
export const streamSchema = z.object({
  streamId: z.string(),
  publishing: z.boolean(),
  muted: z.boolean(),
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
});

/** A room's public summary. */
export const roomSchema = z.object({
  roomKey: z.string(),
  appId: z.string(),
  userRoomId: z.string(),
  ownerUserId: z.string(),
  stagePolicy: stagePolicySchema,
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

/** A member as the roster shows it. */
export type Member = z.infer<typeof memberSchema>;
/** A member's stream. */
export type Stream = z.infer<typeof streamSchema>;
/** A room's public summary. */
export type RoomSummary = z.infer<typeof roomSchema>;
/** Exact member counts. */
export type MemberCount = z.infer<typeof memberCountSchema>;
