/**
 * kick (owner): removes a member and keeps it out. In one transaction: the member and its presence
 * go (its count after the commit, roster.ts); on the user's record (jrtc_users, one write for both) the nonce of the
 * token its session holds is marked revoked (that token never joins again: TOKEN_REVOKED) and a ban
 * keeps the user out of the room for JRTC_KICK_BAN_SECONDS (KICKED on rejoin with any token) and
 * makes the kicked session's later calls answer KICKED; the same ban goes on the kicked WeChat
 * user's caller record (records.ts callerDocIdOf), so it stays out under any other userId too; and a
 * `jrtc.kicked` signal tells the kicked client at once.
 */
import { Collections, ErrorCode, ProtocolError, SystemSignal } from '../../../../shared';
import { readTarget, runAsOwner } from '../owner';
import { presenceDocSchema, readDoc } from '../records';
import type { Ban, NonceEntry } from '../records';
import { removeMember } from '../roster';
import { changedUser, nonceEntryOf, readCaller, readUser, writeCaller, writeUser } from '../userRecord';
import { writeSignal } from '../signals';
import type { Handler } from './types';
import { leftCallRoom } from '../calls/roomLeft';
import { EndReason } from '../../../../shared/calls';

/** kick (see the file comment). The owner cannot kick itself (BAD_REQUEST: it may leaveRoom). */
export const kick: Handler<'kick'> = async (request, { caller, deps }) => {
  if (request.targetUserId === request.userId) {
    throw new ProtocolError(ErrorCode.BAD_REQUEST, 'the owner cannot kick itself; use leaveRoom');
  }
  const signalId = deps.random.id(12);
  const banMs = deps.config.kickBanSeconds * 1000;
  const kicked = await runAsOwner(deps, caller, request, async (tx, owner, now, { counts }) => {
    const { roomKey } = owner.session;
    const target = await readTarget(tx, roomKey, request.targetUserId);
    const presence = await readDoc(tx, Collections.presence, target.memberId, presenceDocSchema);
    const user = await readUser(tx, request.appId, request.targetUserId);
    // The WeChat user behind the member: its live session's, else the one the userId is bound to.
    const openid = presence?.openid ?? user?.openid;
    const callerRecord = openid === undefined ? null : await readCaller(tx, request.appId, openid);

    // All reads done: write.
    await removeMember(tx, counts, roomKey, target.memberId, target.member);
    const bannedUntil = now + banMs;
    const reason = request.reason ?? null;
    const ban: Ban = {
      roomKey,
      sessionId: presence?.sessionId ?? '',
      nonceId: presence?.nonceId ?? '',
      reason,
      kickedBy: request.userId,
      kickedAt: now,
      bannedUntil,
      expiresAt: Math.max(bannedUntil, presence?.tokenExpiresAt ?? 0),
    };
    // The session's token, revoked; its entry kept (or made) until the token expires.
    let revoked: NonceEntry | undefined;
    if (presence) {
      const entry = nonceEntryOf(user, presence.nonceId);
      const base = entry ?? { id: presence.nonceId, openid: presence.openid, roomKey, expiresAt: 0 };
      revoked = { ...base, expiresAt: Math.max(base.expiresAt, presence.tokenExpiresAt), revoked: true };
    }
    const nextUser = changedUser(user, revoked ? { ban, nonce: revoked } : { ban }, now);
    if (nextUser) await writeUser(tx, request.appId, request.targetUserId, nextUser);
    const nextCaller = openid === undefined ? null : changedUser(callerRecord, { ban }, now);
    if (openid !== undefined && nextCaller) await writeCaller(tx, request.appId, openid, nextCaller);
    if (presence) {
      const to = { userId: request.targetUserId, openid: presence.openid };
      await writeSignal(tx, owner.session, { id: signalId, type: SystemSignal.KICKED, payload: { reason, bannedUntil }, to }, now);
    }
    return { userId: request.targetUserId, bannedUntil, callId: presence?.callId };
  });
  // A member kicked from a call's room is out of the call: the service ended its part.
  await leftCallRoom(deps, kicked.callId, request.targetUserId, EndReason.ENDED_BY_SERVER);
  return { userId: kicked.userId, bannedUntil: kicked.bannedUntil };
};
