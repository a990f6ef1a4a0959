/** heartbeat: keep the session alive; the reply says when to come back and when the token expires. */
import { Collections, ErrorCode, ProtocolError } from '../../../../shared';
import { maxPhaseShiftMs, nextHeartbeatInMs } from '../heartbeatSchedule';
import { removeMember } from '../roster';
import { authenticate, tokenExpired } from '../session';
import { trySweepRoom } from '../sweep';
import type { Handler } from './types';

/**
 * heartbeat: extends the lease to now + lease. Writes only the private presence document, so a
 * heartbeat causes no watch traffic for the room's clients. The next beat is steered toward the
 * member's phase (heartbeatSchedule.ts). A beat that comes after the lease ran out is NOT_IN_ROOM:
 * the client must rejoin. A beat after the session's token expired (not renewed with renewToken)
 * ends the session like a leave and answers TOKEN_EXPIRED. The reply's `tokenExpiresAt` lets the
 * client warn ahead of that.
 */
export const heartbeat: Handler<'heartbeat'> = async (request, { caller, deps }) => {
  const { config } = deps;
  const now = deps.clock.now();
  const expiresAt = now + config.leaseMs;
  const { session, expired } = await deps.db.runTransaction(async (tx) => {
    const s = await authenticate(tx, caller, request, now);
    if (tokenExpired(s.presence, now)) {
      await removeMember(tx, s.roomKey, s.memberId, now);
      return { session: s, expired: true };
    }
    await tx.collection(Collections.presence).doc(s.memberId).update({ data: { lastSeen: now, expiresAt } });
    return { session: s, expired: false };
  });
  await trySweepRoom(deps, session.roomKey);
  if (expired) throw new ProtocolError(ErrorCode.TOKEN_EXPIRED, 'the session token has expired; join again with a new token');
  return {
    nextHeartbeatInMs: nextHeartbeatInMs({
      now,
      phaseMs: session.presence.phaseMs,
      intervalMs: config.heartbeatMs,
      maxShiftMs: maxPhaseShiftMs(config.heartbeatMs, config.leaseMs),
    }),
    expiresAt,
    tokenExpiresAt: session.presence.tokenExpiresAt,
  };
};
