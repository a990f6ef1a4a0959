/**
 * The one definition of this product's database: its collections, each one's security rule and
 * its indexes. `npm run deploy` provisions a CloudBase env from it (shared/provision/), the local cloud
 * provisions itself from it through the same code (emulator/jrtc/localCloud.ts), and the local
 * store's query indexes derive from it (`storeIndexes`). Nothing else may list them.
 *
 * A rule is CloudBase's security-rule JSON (`{read, write, create?, update?, delete?}` with
 * `auth.openid`, `doc.*`, `now`), sent as a CUSTOM permission. An index is its fields in order
 * (ascending); CloudBase names it as MongoDB does (`indexName`).
 */
import { Collections } from './constants';

/** A security rule: allow/deny outright, or an expression of the rule language. */
export type RuleValue = boolean | string;

/** CloudBase's security-rule JSON for one collection; `write` is the fallback of create/update/delete. */
export interface SecurityRule {
  read: RuleValue;
  write: RuleValue;
  create?: RuleValue;
  update?: RuleValue;
  delete?: RuleValue;
}

/** One collection as provisioned: its rule and its indexes (each an ordered list of fields). */
export interface CollectionDefinition {
  rule: SecurityRule;
  indexes: readonly (readonly string[])[];
}

/** collection name → its definition. */
export type DatabaseDefinition = Readonly<Record<string, CollectionDefinition>>;

/**
 * The jrtc collections. Their indexes are shaped by the local store's candidate selection
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
 *
 * Rules: clients may read rooms and members, never write them; presence and users are admin-only
 * (cloud functions bypass rules); a signal is readable room-wide (`to: '*'`) or by its recipient.
 */
export const databaseDefinition: DatabaseDefinition = {
  /**
   * Read by id (roomKey); the timer sweep asks `{countsDirty: true}` for rooms to recount
   * (cloudfunctions/jrtc/src/sweep.ts reconcileCounts).
   */
  [Collections.rooms]: { rule: { read: true, write: false }, indexes: [['countsDirty']] },
  /**
   * `{roomKey, role}` (+ `userId: {$gt: cursor}`, sorted by userId) is the roster query. A compound
   * index narrows it to one role of one room (rule 2); a single-field index on roomKey or role
   * would only narrow to the whole room, or to every audience member of every room.
   */
  [Collections.members]: { rule: { read: true, write: false }, indexes: [['roomKey', 'role']] },
  /**
   * A heartbeat reads the live phases of its room: `{roomKey, expiresAt: {$gte: now}}`, at most 13.
   * The roomKey index serves it (rule 3, before the range of rule 5) and stops after 13 matches. The global sweep asks
   * `{expiresAt: {$lt: now}}`: the range index yields only the expired documents. A room sweep
   * (`{roomKey, expiresAt: {$lt: now}}`, at most once a second per room and instance, sweepGate.ts)
   * goes through the room's documents by the roomKey index, checking each lease.
   */
  [Collections.presence]: { rule: { read: false, write: false }, indexes: [['roomKey'], ['expiresAt']] },
  /** By id (appId:userId), and records binding no OPENID purged with `{purgeAt: {$lt: now}}`. */
  [Collections.users]: { rule: { read: false, write: false }, indexes: [['purgeAt']] },
  /**
   * Clients watch `{roomKey, to: '*'}` (room-wide) and `{roomKey, _openid}` (their inbox): a compound
   * index serves each (rule 2). The sweep purges `{expiresAt: {$lt: now}}` through the range index
   * (rule 5). Each index costs upkeep on every signal written: no single-field one on roomKey, which
   * the compound indexes serve better.
   */
  [Collections.signals]: {
    rule: { read: "doc.to == '*' || doc._openid == auth.openid", write: false },
    indexes: [['roomKey', 'to'], ['roomKey', '_openid'], ['expiresAt']],
  },
  /**
   * Calls: read by id; the timer asks `{dueAt: {$lt: now}}` for calls whose ring ran out unseen
   * (rule 5). `dueAt` is left out once nothing rings, so ended calls stay out of that index's range.
   */
  [Collections.calls]: { rule: { read: false, write: false }, indexes: [['dueAt'], ['purgeAt']] },
  /**
   * A phone watches `{_openid: '{openid}', open: true}`, its calls still on (compound, rule 2); a
   * page lists its records with `{_openid: '{openid}'}` sorted by createdAt (rule 3). The rule lets
   * each party read its own views only; the query must say so (a subset of the rule).
   */
  [Collections.callParties]: {
    rule: { read: 'doc._openid == auth.openid', write: false },
    indexes: [['_openid', 'open'], ['_openid'], ['purgeAt']],
  },
  /** By id (appId:userId) only. */
  [Collections.callees]: { rule: { read: false, write: false }, indexes: [] },
};

/** CloudBase's (MongoDB's) name of an ascending index on `fields`: `roomKey_1_role_1`. */
export function indexName(fields: readonly string[]): string {
  return fields.map((f) => `${f}_1`).join('_');
}

/** The local store's indexes (StoreOptions.indexes) of a definition. */
export function storeIndexes(definition: DatabaseDefinition): Record<string, string[][]> {
  return Object.fromEntries(Object.entries(definition).map(([name, c]) => [name, c.indexes.map((fields) => [...fields])]));
}

/** The security rules of a definition, by collection (the local rule engine's RuleSet). */
export function securityRules(definition: DatabaseDefinition): Record<string, SecurityRule> {
  return Object.fromEntries(Object.entries(definition).map(([name, c]) => [name, { ...c.rule }]));
}
