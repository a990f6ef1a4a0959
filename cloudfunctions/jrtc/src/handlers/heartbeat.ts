/** heartbeat: keep the session alive; the reply says when to come back. */
import { Collections } from '../../../../shared';
import { maxPhaseShiftMs, nextHeartbeatInMs } from '../heartbeatSchedule';
import { authenticate } from '../session';
import { trySweepRoom } from '../sweep';
import type { Handler } from './types';

/**
 * heartbeat: extends the lease to now + lease. Writes only the private presence document, so a
 * heartbeat causes no watch traffic for the room's clients. The next beat is steered toward the
 * member's phase (heartbeatSchedule.ts). A beat that comes after the lease ran out is NOT_IN_ROOM:
 * the client must rejoin.
 */
export const heartbeat: Handler<'heartbeat'> = async (request, { caller, deps }) => {
  const { config } = deps;
  const now = deps.clock.now();
  const expiresAt = now + config.leaseMs;
  const session = await deps.db.runTransaction(async (tx) => {
    const s = await authenticate(tx, caller, request, now);
    await tx.collection(Collections.presence).doc(s.memberId).update({ data: { lastSeen: now, expiresAt } });
    return s;
  });
  await trySweepRoom(deps, session.roomKey);
  return {
    nextHeartbeatInMs: nextHeartbeatInMs({
      now,
      phaseMs: session.presence.phaseMs,
      intervalMs: config.heartbeatMs,
      maxShiftMs: maxPhaseShiftMs(config.heartbeatMs, config.leaseMs),
    }),
    expiresAt,
  };
};
