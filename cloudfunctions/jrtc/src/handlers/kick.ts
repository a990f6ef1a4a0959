/**
 * kick (owner): removes a member and keeps it out. In one transaction: the member, its presence and
 * its count go (roster.ts); the nonce of the token its session holds is marked revoked (that token
 * never joins again: TOKEN_REVOKED); a revocation `jrtc_revocations/{roomKey:userId}` bans the
 * user from the room for JRTC_KICK_BAN_SECONDS (KICKED on rejoin with any token) and makes the kicked
 * session's later calls answer KICKED; and a `jrtc.kicked` signal tells the kicked client at once.
 */
import { Collections, ErrorCode, ProtocolError, SystemSignal } from '../../../../shared';
import { readTarget, runAsOwner } from '../owner';
import { nonceDocSchema, presenceDocSchema, readDoc } from '../records';
import type { RevocationDoc } from '../records';
import { removeMember } from '../roster';
import { writeSignal } from '../signals';
import type { Handler } from './types';

/** kick (see the file comment). The owner cannot kick itself (BAD_REQUEST: it may leaveRoom). */
export const kick: Handler<'kick'> = async (request, { caller, deps }) => {
  if (request.targetUserId === request.userId) {
    throw new ProtocolError(ErrorCode.BAD_REQUEST, 'the owner cannot kick itself; use leaveRoom');
  }
  const signalId = deps.random.id(12);
  const banMs = deps.config.kickBanSeconds * 1000;
  return runAsOwner(deps, caller, request, async (tx, owner, now) => {
    const { roomKey } = owner.session;
    const target = await readTarget(tx, roomKey, request.targetUserId);
    const presence = await readDoc(tx, Collections.presence, target.memberId, presenceDocSchema);
    const nonce = presence ? await readDoc(tx, Collections.nonces, presence.nonceId, nonceDocSchema) : null;

    // All reads done: write.
    await removeMember(tx, roomKey, target.memberId, now);
    const bannedUntil = now + banMs;
    const reason = request.reason ?? null;
    const revocation: RevocationDoc = {
      roomKey,
      userId: request.targetUserId,
      sessionId: presence?.sessionId ?? '',
      nonceId: presence?.nonceId ?? '',
      reason,
      kickedBy: request.userId,
      kickedAt: now,
      bannedUntil,
      expiresAt: Math.max(bannedUntil, presence?.tokenExpiresAt ?? 0),
    };
    await tx.collection(Collections.revocations).doc(target.memberId).set({ data: { ...revocation } });
    if (presence && nonce) {
      await tx.collection(Collections.nonces).doc(presence.nonceId).update({ data: { revoked: true } });
    }
    if (presence) {
      const to = { userId: request.targetUserId, openid: presence.openid };
      await writeSignal(tx, owner.session, { id: signalId, type: SystemSignal.KICKED, payload: { reason, bannedUntil }, to }, now);
    }
    return { userId: request.targetUserId, bannedUntil };
  });
};
