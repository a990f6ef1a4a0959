import { Collections } from '../../shared/constants';

/**
 * The indexes of the jrtc collections, shaped by NeDB's candidate selection
 * (lib/datastore.js `_getRawCandidates`). NeDB picks ONE index per query, in this order:
 *   1. a single-field index whose field the query compares for equality with a primitive;
 *   2. a compound index all of whose fields the query compares for equality;
 *   3. a single-field index used with `$in`;
 *   4. a single-field index used with `$lt`/`$lte`/`$gt`/`$gte`;
 * and otherwise scans the whole collection. Every other condition is then checked document by
 * document, so an index is only as good as the set it narrows to.
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
   * index narrows it to one role of one room. There must be no single-field index on roomKey or
   * role: rule 1 would win and return the whole room, or every audience member of every room.
   */
  [Collections.members]: [['roomKey', 'role']],
  /**
   * A heartbeat reads the live phases of its room: `{roomKey, expiresAt: {$gte: now}}`, at most 13.
   * The roomKey index serves it (rule 1) and stops after 13 matches. The global sweep asks
   * `{expiresAt: {$lt: now}}`: the range index yields only the expired documents. A room sweep
   * (`{roomKey, expiresAt: {$lt: now}}`, at most once a second per room and instance, sweepGate.ts)
   * goes through the room's documents by the roomKey index, checking each lease.
   */
  [Collections.presence]: [['roomKey'], ['expiresAt']],
  /** By id (appId:userId), and records binding no OPENID purged with `{purgeAt: {$lt: now}}`. */
  [Collections.users]: [['purgeAt']],
  /**
   * Clients watch `{roomKey, to: '*'}` (room-wide) and `{roomKey, _openid}` (their inbox): a compound
   * index serves each. The sweep purges `{expiresAt: {$lt: now}}` through the range index; no
   * single-field index on roomKey, which rule 1 would prefer to either compound index.
   */
  [Collections.signals]: [['roomKey', 'to'], ['roomKey', '_openid'], ['expiresAt']],
};
