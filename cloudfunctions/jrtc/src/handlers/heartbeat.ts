/** heartbeat: keep the session alive; the reply says when to come back and when the token expires. */
import { Collections, ErrorCode, ProtocolError, roomKeyOf } from '../../../../shared';
import type { CoreDeps } from '../deps';
import {
  SPREAD_MAX_MEMBERS,
  leaseAfterBeatMs,
  maxPhaseShiftMs,
  nextHeartbeatInMs,
  spreadStep,
} from '../heartbeatSchedule';
import type { PhaseEntry } from '../heartbeatSchedule';
import { parseDoc, presenceDocSchema } from '../records';
import { removeMember, transactRoster } from '../roster';
import { authenticate, tokenExpired } from '../session';
import type { SessionRef } from '../session';
import { trySweepRoom } from '../sweep';
import type { Handler } from './types';
import { transact } from '../transact';

/**
 * The live phases of a small room (at most SPREAD_MAX_MEMBERS live members), for spreadPhase; null
 * for a larger room, whose many beats are dense anyway. One query over the room's presences
 * (index roomKey, emulator/store/indexes.ts), at most SPREAD_MAX_MEMBERS + 1 small documents
 * whatever the room's size: CloudBase bills a read by the request, so one query is cheaper than
 * the room, roster and presence reads it replaces. A phase a little stale (read beside, not inside,
 * the write) only delays the spreading by a beat.
 */
async function smallRoomPhases(deps: CoreDeps, ref: SessionRef, now: number): Promise<PhaseEntry[] | null> {
  const roomKey = roomKeyOf(ref.appId, ref.userRoomId);
  const page = await deps.db
    .collection(Collections.presence)
    .where({ roomKey, expiresAt: deps.db.command.gte(now) })
    .limit(SPREAD_MAX_MEMBERS + 1)
    .get();
  if (page.data.length > SPREAD_MAX_MEMBERS) return null;
  const entries: PhaseEntry[] = [];
  for (const data of page.data) {
    const presence = parseDoc(presenceDocSchema, data, 'presence');
    if (presence) entries.push({ id: presence.userId, phaseMs: presence.phaseMs });
  }
  return entries;
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
 *
 * The common path runs no transaction: the session check reads in parallel with the phases, and the
 * lease is written by an update conditioned on the session (`_id`, `sessionId`, a lease still live at
 * `now`), which touches nothing when a leave, sweep or rejoin got there first. Then the check runs again to name the
 * reason (NOT_IN_ROOM, SESSION_REPLACED, KICKED). This is the action every member sends every beat,
 * so its database round trips are the platform's bill: two instead of a transaction's four or more.
 */
export const heartbeat: Handler<'heartbeat'> = async (request, { caller, deps }) => {
  const { config } = deps;
  const now = deps.clock.now();
  const maxShiftMs = maxPhaseShiftMs(config.heartbeatMs, config.leaseMs);
  const [phases, s] = await Promise.all([
    smallRoomPhases(deps, request, now),
    authenticate(deps.db, caller, request, now),
  ]);
  if (tokenExpired(s.presence, now)) {
    // Rare, and it removes a member: the check and the removal share a transaction.
    await transactRoster(deps.db, now, async (tx, { counts }) => {
      const current = await authenticate(tx, caller, request, now);
      await removeMember(tx, counts, current.roomKey, current.memberId);
    });
    await trySweepRoom(deps, s.roomKey);
    throw new ProtocolError(ErrorCode.TOKEN_EXPIRED, 'the session token has expired; join again with a new token');
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
  const written = await deps.db
    .collection(Collections.presence)
    .where({ _id: s.memberId, sessionId: s.presence.sessionId, expiresAt: deps.db.command.gte(now) })
    .update({ data });
  if (written.stats.updated === 0) {
    // The seat changed between the read and the write: authenticate names how (it throws).
    await authenticate(deps.db, caller, request, now);
    throw new ProtocolError(ErrorCode.NOT_IN_ROOM, 'not in this room');
  }
  await trySweepRoom(deps, s.roomKey);
  return { nextHeartbeatInMs: nextInMs, expiresAt, tokenExpiresAt: s.presence.tokenExpiresAt };
};
