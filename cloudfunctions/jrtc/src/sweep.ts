/**
 * Ghost removal: members whose lease ran out (the client vanished without leaving). Every action
 * that touches a room sweeps that room (at most once a second per function instance), so a ghost
 * goes within one lease plus one call while the room is alive; the timer function sweeps
 * everything else once a minute.
 */
import { Collections } from '../../../shared';
import type { CoreDeps, SweepDeps } from './deps';
import type { Database } from './ports';
import { parseDoc, presenceDocSchema, readDoc } from './records';
import { removeMember } from './roster';
import { transact } from './transact';

/** What a full sweep removed. */
export interface SweepStats {
  removedMembers: number;
  /**
   * User records that bind no OPENID and whose every nonce and kick has expired (records that bind
   * one stay, and drop their expired entries whenever they are written).
   */
  removedUsers: number;
  /** Signals past their TTL (Timing.signalTtlMs). */
  removedSignals: number;
}

/** Documents per query of the timer sweep. */
const BATCH = 100;

/**
 * Removes one ghost in its own transaction, re-checking inside it that the presence document is
 * still the same expired session: a rejoin or heartbeat that landed after the query wins.
 */
async function removeGhost(db: Database, memberId: string, sessionId: string, now: number): Promise<boolean> {
  return transact(db, async (tx) => {
    const presence = await readDoc(tx, Collections.presence, memberId, presenceDocSchema);
    if (!presence || presence.sessionId !== sessionId || presence.expiresAt >= now) return false;
    await removeMember(tx, db.command, presence.roomKey, memberId, now);
    return true;
  });
}

/**
 * Removes each expired presence of a query result; returns how many were removed. One ghost that
 * fails (logged) does not keep the others in the room.
 */
async function removeGhosts(db: Database, docs: Record<string, unknown>[], now: number): Promise<number> {
  let removed = 0;
  for (const data of docs) {
    try {
      const presence = parseDoc(presenceDocSchema, data, 'presence');
      if (!presence || typeof data._id !== 'string') continue;
      if (await removeGhost(db, data._id, presence.sessionId, now)) removed += 1;
    } catch (err) {
      console.error(`jrtc: removing ghost ${String(data._id)} failed`, err);
    }
  }
  return removed;
}

/**
 * Removes up to `limit` ghosts of one room (member, presence and counts, each in its own
 * transaction). Returns how many it removed. Throws on database errors (see trySweepRoom).
 */
export async function sweepRoom(deps: SweepDeps, roomKey: string, limit = 20): Promise<number> {
  const now = deps.clock.now();
  const _ = deps.db.command;
  const { data } = await deps.db
    .collection(Collections.presence)
    .where({ roomKey, expiresAt: _.lt(now) })
    .limit(limit)
    .get();
  return removeGhosts(deps.db, data, now);
}

/**
 * sweepRoom for actions, spaced out by the instance's SweepGate (sweepGate.ts). A failed sweep is
 * logged and must not fail the caller's action, which has already done its own work (the next call
 * or the timer sweeps again).
 */
export async function trySweepRoom(deps: SweepDeps & Pick<CoreDeps, 'sweepGate'>, roomKey: string): Promise<number> {
  if (!deps.sweepGate.admit(roomKey, deps.clock.now())) return 0;
  try {
    return await sweepRoom(deps, roomKey);
  } catch (err) {
    console.error(`jrtc: sweeping room ${roomKey} failed`, err);
    return 0;
  }
}

/**
 * The timer's sweep: ghosts of every room, `BATCH` at a time for at most `maxBatches` batches (the
 * rest waits for the next run, so one run stays within the function's time limit), then the user
 * records left with nothing live (no binding; every nonce's token and every ban ended: a replay of
 * an expired token fails TOKEN_EXPIRED anyway), and expired signals.
 */
export async function sweepAll(deps: SweepDeps, options: { maxBatches?: number } = {}): Promise<SweepStats> {
  const maxBatches = options.maxBatches ?? 10;
  const now = deps.clock.now();
  const _ = deps.db.command;
  let removedMembers = 0;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const { data } = await deps.db
      .collection(Collections.presence)
      .where({ expiresAt: _.lt(now) })
      .limit(BATCH)
      .get();
    removedMembers += await removeGhosts(deps.db, data, now);
    if (data.length < BATCH) break;
  }
  const purge = async (collection: string, field = 'expiresAt'): Promise<number> =>
    (await deps.db.collection(collection).where({ [field]: _.lt(now) }).remove()).stats.removed;
  return {
    removedMembers,
    removedUsers: await purge(Collections.users, 'purgeAt'),
    removedSignals: await purge(Collections.signals),
  };
}
