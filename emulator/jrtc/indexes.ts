import { Collections } from '../../shared/constants';

/**
 * The indexes of the jrtc collections, shaped by the local store's candidate selection
 * (emulator/store/collection.ts), which picks ONE index per query from the conditions at the top
 * level of the query and of its `$and`s, in this order:
 *   1. `_id` compared for equality, or with `$in`;
 *   2. a compound index all of whose fields the query compares for equality with a string, number
 *      or boolean (the one with the most fields), as MongoDB prefers the index matching more of
 *      the query's equalities;
 *   3. a single-field index whose field the query so compares;
 *   4. a single-field index used with `$in`;
 *   5. a single-field index used with `$lt`/`$lte`/`$gt`/`$gte` (bounds all numbers or all strings);
 * and otherwise scans the whole collection. Every other condition is then checked document by
 * document, so an index is only as good as the set it narrows to. On CloudBase, MongoDB's planner
 * chooses among the same indexes by trial.
 *
 * `_id` is always indexed, which serves every get/set/update/remove by id.
 */
export const defaultIndexes: Record<string, string[][]> = {
  /**
   * Read by id (roomKey); the timer sweep asks `{countsDirty: true}` for rooms to recount
   * (cloudfunctions/jrtc/src/sweep.ts reconcileCounts).
   */
  [Collections.rooms]: [['countsDirty']],
  /**
   * `{roomKey, role}` (+ `userId: {$gt: cursor}`, sorted by userId) is the roster query. A compound
   * index narrows it to one role of one room (rule 2); a single-field index on roomKey or role
   * would only narrow to the whole room, or to every audience member of every room.
   */
  [Collections.members]: [['roomKey', 'role']],
  /**
   * A heartbeat reads the live phases of its room: `{roomKey, expiresAt: {$gte: now}}`, at most 13.
   * The roomKey index serves it (rule 3, before the range of rule 5) and stops after 13 matches. The global sweep asks
   * `{expiresAt: {$lt: now}}`: the range index yields only the expired documents. A room sweep
   * (`{roomKey, expiresAt: {$lt: now}}`, at most once a second per room and instance, sweepGate.ts)
   * goes through the room's documents by the roomKey index, checking each lease.
   */
  [Collections.presence]: [['roomKey'], ['expiresAt']],
  /** By id (appId:userId), and records binding no OPENID purged with `{purgeAt: {$lt: now}}`. */
  [Collections.users]: [['purgeAt']],
  /**
   * Clients watch `{roomKey, to: '*'}` (room-wide) and `{roomKey, _openid}` (their inbox): a compound
   * index serves each (rule 2). The sweep purges `{expiresAt: {$lt: now}}` through the range index
   * (rule 5). Each index costs upkeep on every signal written: no single-field one on roomKey, which
   * the compound indexes serve better.
   */
  [Collections.signals]: [['roomKey', 'to'], ['roomKey', '_openid'], ['expiresAt']],
};
