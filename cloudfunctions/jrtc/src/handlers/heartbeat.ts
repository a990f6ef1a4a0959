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
import type { PresenceDoc } from '../records';
import { removeMember, transactRoster } from '../roster';
import { authenticate, checkSession, tokenExpired } from '../session';
import type { Session, SessionRef } from '../session';
import type { CallerContext } from '../../../../shared/ports';
import type { Handler } from './types';
import { leftCallRoom } from '../calls/roomLeft';
import { EndReason } from '../../../../shared/calls';

/** What a beat reads: the caller's session, and the room's live phases when the room is small. */
interface BeatState {
  session: Session;
  /** The live phases of a small room (for spreadPhase); null for a larger one, whose beats are dense anyway. */
  phases: PhaseEntry[] | null;
}

/**
 * One read in the common case. In a room this instance does not know as large, one query over the
 * room's live presences (index roomKey, at most SPREAD_MAX_MEMBERS + 1 small documents whatever the
 * room's size) gives the phases AND the caller's own presence, which authenticates it. In a room
 * known as large (LargeRooms), only the caller's presence is read. The presence is read again on its
 * own only to name a failure, or when a room turns out large. CloudBase bills a read by the request.
 */
async function readBeatState(deps: CoreDeps, caller: CallerContext, ref: SessionRef, now: number): Promise<BeatState> {
  const roomKey = roomKeyOf(ref.appId, ref.userRoomId);
  if (deps.largeRooms.has(roomKey, now)) return { session: await authenticate(deps.db, caller, ref, now), phases: null };
  const page = await deps.db
    .collection(Collections.presence)
    .where({ roomKey, expiresAt: deps.db.command.gte(now) })
    .limit(SPREAD_MAX_MEMBERS + 1)
    .get();
  if (page.data.length > SPREAD_MAX_MEMBERS) {
    deps.largeRooms.remember(roomKey, now);
    return { session: await authenticate(deps.db, caller, ref, now), phases: null };
  }
  const phases: PhaseEntry[] = [];
  let own: PresenceDoc | null = null;
  for (const data of page.data) {
    const presence = parseDoc(presenceDocSchema, data, 'presence');
    if (!presence) continue;
    phases.push({ id: presence.userId, phaseMs: presence.phaseMs });
    if (presence.userId === ref.userId) own = presence;
  }
  // Not among the live ones: authenticate reads it and names why (NOT_IN_ROOM, KICKED, ...).
  const session = own ? checkSession(own, caller, ref, now) : await authenticate(deps.db, caller, ref, now);
  return { session, phases };
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
 * The common path runs no transaction: one read gives the session and the phases (readBeatState), and the
 * lease is written by an update conditioned on the session (`_id`, `sessionId`, a lease still live at
 * `now`), which touches nothing when a leave, sweep or rejoin got there first. Then the check runs again to name the
 * reason (NOT_IN_ROOM, SESSION_REPLACED, KICKED). This is the action every member sends every beat,
 * so its database calls are the platform's bill: one read and one write.
 */
export const heartbeat: Handler<'heartbeat'> = async (request, { caller, deps }) => {
  const { config } = deps;
  const now = deps.clock.now();
  const maxShiftMs = maxPhaseShiftMs(config.heartbeatMs, config.leaseMs);
  const { session: s, phases } = await readBeatState(deps, caller, request, now);
  if (tokenExpired(s.presence, now)) {
    // Rare, and it removes a member: the check and the removal share a transaction.
    const callId = await transactRoster(deps.db, now, async (tx, { counts }) => {
      const current = await authenticate(tx, caller, request, now);
      await removeMember(tx, counts, current.roomKey, current.memberId);
      return current.presence.callId;
    });
    await leftCallRoom(deps, callId, request.userId, EndReason.ENDED_BY_SERVER);
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
  return { nextHeartbeatInMs: nextInMs, expiresAt, tokenExpiresAt: s.presence.tokenExpiresAt };
};
