/**
 * The one way every action after joinRoom proves who it is: the presence record of `roomKey:userId`
 * must hold the caller's session and OPENID and must not have expired.
 */
import { Collections, ErrorCode, ProtocolError, memberIdOf, roomKeyOf } from '../../../shared';
import type { CallerContext } from '../../../shared/ports';
import { presenceDocSchema, readDoc } from './records';
import type { Ban, DocReader, PresenceDoc } from './records';
import { banOf, readUser } from './userRecord';

/** The fields that name a session (shared `sessionFields`). */
export interface SessionRef {
  appId: string;
  userRoomId: string;
  userId: string;
  sessionId: string;
}

/** An authenticated session. */
export interface Session {
  roomKey: string;
  /** The member and presence document id. */
  memberId: string;
  presence: PresenceDoc;
}

/** The KICKED error of a kick, with the reason and the end of the ban as details. */
export function kickedError(ban: Ban): ProtocolError {
  return new ProtocolError(ErrorCode.KICKED, 'removed from this room by its owner', {
    reason: ban.reason,
    bannedUntil: ban.bannedUntil,
  });
}

/** True when the token the session holds has expired at `now` (a token is valid up to its timestamp). */
export function tokenExpired(presence: PresenceDoc, now: number): boolean {
  return presence.tokenExpiresAt < now;
}

/**
 * Authenticates `ref` for `caller` at time `now`, reading through `reader` (the database, or a
 * transaction when the action then writes, so the check and the write see the same state).
 * Throws NOT_IN_ROOM (no live presence, including one whose lease ran out but is not yet swept),
 * KICKED (no presence because the owner kicked this very session; only then is the user record
 * read, so the common path costs one read), SESSION_REPLACED (a newer join holds the seat) or
 * IDENTITY_MISMATCH (right session, wrong OPENID).
 * The session is compared first: after a join from another device, even under another OPENID when
 * binding is off, the older device learns that it was replaced rather than that it is someone else.
 */
export async function authenticate(
  reader: DocReader,
  caller: CallerContext,
  ref: SessionRef,
  now: number,
): Promise<Session> {
  const roomKey = roomKeyOf(ref.appId, ref.userRoomId);
  const memberId = memberIdOf(roomKey, ref.userId);
  const presence = await readDoc(reader, Collections.presence, memberId, presenceDocSchema);
  if (!presence) {
    const ban = banOf(await readUser(reader, ref.appId, ref.userId), roomKey);
    if (ban && ban.sessionId === ref.sessionId && ban.expiresAt >= now) throw kickedError(ban);
    throw new ProtocolError(ErrorCode.NOT_IN_ROOM, 'not in this room');
  }
  return checkSession(presence, caller, ref, now);
}

/**
 * authenticate's checks on a presence already read (the caller's own, found another way: a heartbeat
 * finds it among its room's live presences).
 */
export function checkSession(presence: PresenceDoc, caller: CallerContext, ref: SessionRef, now: number): Session {
  const roomKey = roomKeyOf(ref.appId, ref.userRoomId);
  const memberId = memberIdOf(roomKey, ref.userId);
  if (presence.sessionId !== ref.sessionId) {
    throw new ProtocolError(ErrorCode.SESSION_REPLACED, 'this session was replaced by a newer join');
  }
  if (presence.openid !== caller.OPENID) {
    throw new ProtocolError(ErrorCode.IDENTITY_MISMATCH, 'this session belongs to another WeChat user');
  }
  if (presence.expiresAt < now) throw new ProtocolError(ErrorCode.NOT_IN_ROOM, 'the session lease has run out');
  return { roomKey, memberId, presence };
}
