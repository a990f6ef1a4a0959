/**
 * Ghost removal: members whose lease ran out (the client vanished without leaving). Every action
 * that touches a room sweeps that room (at most once a second per function instance), so a ghost
 * goes within one lease plus one call while the room is alive; the timer function sweeps
 * everything else once a minute.
 */
import { Collections, ErrorCode, ProtocolError } from '../../../shared';
import type { CoreDeps, SweepDeps } from './deps';
import { parseDoc, presenceDocSchema, readDoc, roomDocSchema } from './records';
import type { RoomDoc } from './records';
import { countMembers, removeMember, transactRoster } from './roster';
import type { Counts } from './roster';
import { leftCallRoom, settleDueCalls } from './calls/roomLeft';
import { EndReason } from '../../../shared/calls';

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
  /** Rooms whose counts were off (a function killed between commit and increment) and were corrected. */
  recountedRooms: number;
  /** Calls whose ring ran out with no phone left to ask (calls/roomLeft.ts settleDueCalls). */
  settledCalls: number;
  /** Ended calls' records and views past CallTiming.recordRetentionMs (at most hourly: SweepOptions.callRecords). */
  removedCallRecords: number;
}

/** Documents per query of the timer sweep. */
const BATCH = 100;

/**
 * Removes one ghost in its own transaction, re-checking inside it that the presence document is
 * still the same expired session: a rejoin or heartbeat that landed after the query wins. Tried
 * once: with many instances sweeping one busy room, they find the same ghosts, and a conflict means
 * another call holds the ghost's documents (removing it, or it rejoined): retrying would only make
 * every sweeping call wait for the others.
 */
async function removeGhost(deps: SweepDeps, memberId: string, sessionId: string, now: number): Promise<boolean> {
  const { db } = deps;
  try {
    const gone = await transactRoster(
      db,
      now,
      async (tx, { counts }) => {
        const presence = await readDoc(tx, Collections.presence, memberId, presenceDocSchema);
        if (!presence || presence.sessionId !== sessionId || presence.expiresAt >= now) return false;
        await removeMember(tx, counts, presence.roomKey, memberId);
        return presence;
      },
      { retry: false },
    );
    if (gone === false) return false;
    // A ghost of a call's room lost its network: its part in the call ends (calls/roomLeft.ts).
    await leftCallRoom(deps, gone.callId, gone.userId, EndReason.NETWORK_LOST);
    return true;
  } catch (err) {
    if (err instanceof ProtocolError && err.code === ErrorCode.BUSY) return false;
    throw err;
  }
}

/** Ghosts removed at once: their transactions touch different documents, so they do not wait on one another. */
const GHOSTS_AT_ONCE = 8;

/**
 * Removes each expired presence of a query result, GHOSTS_AT_ONCE at a time; returns how many were
 * removed. One ghost that fails (logged) does not keep the others in the room.
 */
async function removeGhosts(deps: SweepDeps, docs: Record<string, unknown>[], now: number): Promise<number> {
  let removed = 0;
  const one = async (data: Record<string, unknown>): Promise<void> => {
    try {
      const presence = parseDoc(presenceDocSchema, data, 'presence');
      if (!presence || typeof data._id !== 'string') return;
      if (await removeGhost(deps, data._id, presence.sessionId, now)) removed += 1;
    } catch (err) {
      console.error(`jrtc: removing ghost ${String(data._id)} failed`, err);
    }
  };
  for (let i = 0; i < docs.length; i += GHOSTS_AT_ONCE) await Promise.all(docs.slice(i, i + GHOSTS_AT_ONCE).map(one));
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
  return removeGhosts(deps, data, now);
}

/** Ghosts an action removes from its room at most (one round of GHOSTS_AT_ONCE). */
export const ACTION_SWEEP_LIMIT = GHOSTS_AT_ONCE;

/**
 * sweepRoom for actions, spaced out by the instance's SweepGate (sweepGate.ts). A failed sweep is
 * logged and must not fail the caller's action, which has already done its own work (the next call
 * or the timer sweeps again).
 */
export async function trySweepRoom(deps: SweepDeps & Pick<CoreDeps, 'sweepGate'>, roomKey: string): Promise<number> {
  if (!deps.sweepGate.admit(roomKey, deps.clock.now())) return 0;
  try {
    // A handful per call: the caller waits for it, and the next call (or the timer) takes the rest.
    return await sweepRoom(deps, roomKey, ACTION_SWEEP_LIMIT);
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
export async function sweepAll(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepStats> {
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
    removedMembers += await removeGhosts(deps, data, now);
    if (data.length < BATCH) break;
  }
  const stats: SweepStats = { removedMembers, removedUsers: 0, removedSignals: 0, recountedRooms: 0, settledCalls: 0, removedCallRecords: 0 };
  if (options.housekeeping === false) return stats;
  const purge = async (collection: string, field = 'expiresAt'): Promise<number> =>
    (await deps.db.collection(collection).where({ [field]: _.lt(now) }).remove()).stats.removed;
  stats.removedUsers = await purge(Collections.users, 'purgeAt');
  stats.removedSignals = await purge(Collections.signals);
  stats.recountedRooms = await reconcileCounts(deps, options.recounts ?? new RecountMemory());
  stats.settledCalls = await settleDueCalls(deps);
  if (options.callRecords !== false) {
    stats.removedCallRecords = (await purge(Collections.calls, 'purgeAt')) + (await purge(Collections.callParties, 'purgeAt'));
  }
  return stats;
}

/** Options of sweepAll. */
export interface SweepOptions {
  /** Batches of expired presences at most (the rest waits for the next run). */
  maxBatches?: number;
  /** Recounts kept between runs (the timer function's instance keeps one). */
  recounts?: RecountMemory;
  /** false: ghosts only, no purges or recounts (default true). See HOUSEKEEPING_EVERY_MS. */
  housekeeping?: boolean;
  /** false: the housekeeping leaves old call records for a later run (default true; see CALL_RECORDS_EVERY_MS). */
  callRecords?: boolean;
}

/**
 * How often the timer sweep purges expired records and recounts rooms; ghosts it removes every
 * run. CloudBase bills each database call, and an idle deployment's sweep runs 1,440 times a day:
 * a run with nothing to do then costs its invocation and one indexed read, plus three calls every
 * five minutes, instead of four calls every minute. Expired user records and signals are refused
 * by their expiry anyway, and a recount matters only after a function died mid-call.
 */
export const HOUSEKEEPING_EVERY_MS = 5 * 60_000;

/**
 * How often the housekeeping also deletes call records past their retention: they wait days, so
 * hourly costs the idle deployment two calls an hour rather than two every five minutes.
 */
export const CALL_RECORDS_EVERY_MS = 3_600_000;

/** Decides, run by run, whether the timer sweep does its housekeeping (kept by the warm instance). */
export class HousekeepingSchedule {
  private last = Number.NEGATIVE_INFINITY;
  private lastCallRecords = Number.NEGATIVE_INFINITY;

  /** True on the first housekeeping of an instance and every CALL_RECORDS_EVERY_MS after (ask only when `due`). */
  callRecordsDue(now: number): boolean {
    if (now - this.lastCallRecords < CALL_RECORDS_EVERY_MS) return false;
    this.lastCallRecords = now;
    return true;
  }

  /**
   * True on the first run of an instance, every HOUSEKEEPING_EVERY_MS after, and while a recount
   * waits to be confirmed (reconcileCounts needs a second run).
   */
  due(now: number, recounts: RecountMemory): boolean {
    if (now - this.last < HOUSEKEEPING_EVERY_MS && recounts.rooms.size === 0) return false;
    this.last = now;
    return true;
  }
}

/**
 * How long a recount must stand before it is written: longer than the jrtc function may run (its
 * 10 s timeout, cloudbaserc.json), so an increment that was on its way when the members were
 * counted has landed by then (and moved the room's version) or never will.
 */
export const COUNT_SETTLE_MS = 12_000;

/** A room's member counts as counted at `version`, kept between sweep runs. */
interface Recount {
  version: number;
  counts: Counts;
  at: number;
}

/**
 * The recounts a sweep instance remembers between its runs (module state of the timer function: a
 * warm instance keeps it; a cold one counts again, a minute later). Nothing is written until a
 * recount has stood for COUNT_SETTLE_MS, so the sweep never sleeps.
 */
export class RecountMemory {
  readonly rooms = new Map<string, Recount>();
}

/**
 * Recounts the rooms whose counts moved since they were last checked (`countsDirty`, set by every
 * increment, roster.ts) from their member documents. A recount is written on a later run, and only
 * if the room's version has not moved since it was counted (a conditional update): then no
 * increment landed in between, and none can still be on its way. A busy room stays dirty until it
 * is quiet. Returns how many rooms had wrong counts and were corrected.
 */
export async function reconcileCounts(deps: SweepDeps, memory: RecountMemory, limit = BATCH): Promise<number> {
  const { db } = deps;
  const _ = db.command;
  const now = deps.clock.now();
  const rooms = db.collection(Collections.rooms);
  const { data } = await rooms.where({ countsDirty: true }).limit(limit).get();
  const dirty = new Map<string, RoomDoc>();
  for (const d of data) {
    const room = parseDoc(roomDocSchema, d, 'room');
    if (room) dirty.set(room.roomKey, room);
  }
  for (const roomKey of [...memory.rooms.keys()]) if (!dirty.has(roomKey)) memory.rooms.delete(roomKey);
  let corrected = 0;
  await Promise.all(
    [...dirty.values()].map(async (room) => {
      const seen = memory.rooms.get(room.roomKey);
      if (!seen || seen.version !== room.version) {
        memory.rooms.set(room.roomKey, { version: room.version, counts: await countMembers(db, room.roomKey), at: now });
        return;
      }
      if (now - seen.at < COUNT_SETTLE_MS) return;
      memory.rooms.delete(room.roomKey);
      const { counts } = seen;
      const right = room.broadcasterCount === counts.broadcasterCount && room.audienceCount === counts.audienceCount;
      const update = right ? { countsDirty: false } : { ...counts, countsDirty: false, version: _.inc(1), updatedAt: now };
      const { stats } = await rooms.where({ _id: room.roomKey, version: room.version }).update({ data: update });
      if (!right && stats.updated === 1) corrected += 1;
    }),
  );
  return corrected;
}
