/** heartbeat: keep the session alive; the reply says when to come back and when the token expires. */
import { Collections, ErrorCode, ProtocolError, Role, memberIdOf, roomKeyOf } from '../../../../shared';
import type { CoreDeps } from '../deps';
import {
  SPREAD_MAX_MEMBERS,
  leaseAfterBeatMs,
  maxPhaseShiftMs,
  nextHeartbeatInMs,
  spreadStep,
} from '../heartbeatSchedule';
import type { PhaseEntry } from '../heartbeatSchedule';
import { presenceDocSchema, readDoc, roomDocSchema } from '../records';
import { removeMember } from '../roster';
import { authenticate, tokenExpired } from '../session';
import type { SessionRef } from '../session';
import { trySweepRoom } from '../sweep';
import type { Handler } from './types';
import { transact } from '../transact';

/**
 * The live phases of a small room (at most SPREAD_MAX_MEMBERS members), for spreadPhase; null for a
 * larger room, whose many beats are dense anyway (and whose roster is not read on every beat). Read
 * before the transaction (CloudBase transactions allow no queries): a phase a little stale only
 * delays the spreading by a beat.
 */
async function smallRoomPhases(deps: CoreDeps, ref: SessionRef, now: number): Promise<PhaseEntry[] | null> {
  const roomKey = roomKeyOf(ref.appId, ref.userRoomId);
  const room = await readDoc(deps.db, Collections.rooms, roomKey, roomDocSchema);
  if (!room || room.broadcasterCount + room.audienceCount > SPREAD_MAX_MEMBERS) return null;
  const members = deps.db.collection(Collections.members);
  // One query per role: the members index is {roomKey, role} (emulator/store/indexes.ts).
  const pages = await Promise.all(
    [Role.ANCHOR, Role.AUDIENCE].map((role) => members.where({ roomKey, role }).limit(SPREAD_MAX_MEMBERS + 1).get()),
  );
  const userIds = pages.flatMap((p) => p.data.map((d) => String(d.userId)));
  if (userIds.length > SPREAD_MAX_MEMBERS) return null;
  const presences = await Promise.all(
    userIds.map((userId) => readDoc(deps.db, Collections.presence, memberIdOf(roomKey, userId), presenceDocSchema)),
  );
  return presences
    .filter((p): p is NonNullable<typeof p> => p !== null && p.expiresAt >= now)
    .map((p) => ({ id: p.userId, phaseMs: p.phaseMs }));
}

/**
 * heartbeat: extends the lease until the next beat asked for plus a grace (leaseAfterBeatMs, at most
 * the configured lease). Writes only the private presence document, so a heartbeat causes no watch
 * traffic for the room's clients. The next beat is steered toward the member's phase
 * (heartbeatSchedule.ts); in a small room the phase itself moves, a few seconds a beat, until the
 * room's beats are evenly spaced (spreadPhase), which keeps the ghost bound for rooms that lost
 * members. A beat that comes after the lease ran out is NOT_IN_ROOM: the client must rejoin. A beat
 * after the session's token expired (not renewed with renewToken) ends the session like a leave and
 * answers TOKEN_EXPIRED. The reply's `tokenExpiresAt` lets the client warn ahead of that.
 */
export const heartbeat: Handler<'heartbeat'> = async (request, { caller, deps }) => {
  const { config } = deps;
  const now = deps.clock.now();
  const maxShiftMs = maxPhaseShiftMs(config.heartbeatMs, config.leaseMs);
  const phases = await smallRoomPhases(deps, request, now);
  const outcome = await transact(deps.db, async (tx) => {
    const s = await authenticate(tx, caller, request, now);
    if (tokenExpired(s.presence, now)) {
      await removeMember(tx, s.roomKey, s.memberId, now);
      return { session: s, expired: true, nextInMs: 0, expiresAt: 0 };
    }
    let phaseMs = s.presence.phaseMs;
    if (phases) {
      const entries = phases.filter((e) => e.id !== request.userId).concat({ id: request.userId, phaseMs });
      phaseMs = spreadStep(entries, request.userId, config.heartbeatMs, maxShiftMs);
    }
    const nextInMs = nextHeartbeatInMs({ now, phaseMs, intervalMs: config.heartbeatMs, maxShiftMs });
    const expiresAt = now + leaseAfterBeatMs(nextInMs, config.leaseMs);
    const data: Record<string, unknown> = { lastSeen: now, expiresAt };
    if (phaseMs !== s.presence.phaseMs) data.phaseMs = phaseMs;
    await tx.collection(Collections.presence).doc(s.memberId).update({ data });
    return { session: s, expired: false, nextInMs, expiresAt };
  });
  await trySweepRoom(deps, outcome.session.roomKey);
  if (outcome.expired) throw new ProtocolError(ErrorCode.TOKEN_EXPIRED, 'the session token has expired; join again with a new token');
  return {
    nextHeartbeatInMs: outcome.nextInMs,
    expiresAt: outcome.expiresAt,
    tokenExpiresAt: outcome.session.presence.tokenExpiresAt,
  };
};
