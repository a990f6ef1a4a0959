import { isPlainObject } from './docData';
import type { MongoQuery } from './storeTypes';

/**
 * MongoDB's meaning of `null` in a query, which CloudBase's database follows and NeDB does not:
 * `{f: null}` (also `_.eq(null)`, which the SDKs send as `{f: {$eq: null}}`) matches the documents
 * whose `f` is null AND those without a field `f`; `{f: {$ne: null}}` (`_.neq(null)`) is its
 * complement, the documents where `f` exists and is not null; `$in` with null in its list matches
 * a missing field too, and `$nin` with null excludes it. Sources: the MongoDB manual, "Query for
 * Null or Missing Fields" (https://www.mongodb.com/docs/manual/tutorial/query-for-null-fields/,
 * equality filter vs existence check); CloudBase documents `Command.neq` as the opposite of
 * `Command.eq` (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/command/Command.neq.html).
 * NeDB's matcher (@seald-io/nedb lib/model.js `areThingsEqual`, `$ne`) compares a missing field,
 * undefined, with `===`, so `{f: null}` misses it, and its `$ne` answers true for it.
 *
 * `withMongoNulls` rewrites a validated store query into one NeDB answers the MongoDB way, using
 * only operators NeDB has (`$or`, `$and`, `$exists`). Queries without null are returned as they
 * are (the same object), so the common case costs a scan and nothing else. Range operators with
 * a null operand (`$lt: null`, ...) are left as NeDB reads them: they match nothing.
 */
export function withMongoNulls(query: MongoQuery): MongoQuery {
  return mentionsNull(query) ? rewrite(query) : query;
}

/** Whether `null` appears anywhere in the query (the fast path: most queries have none). */
function mentionsNull(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.some(mentionsNull);
  if (isPlainObject(value)) {
    for (const key in value) if (mentionsNull(value[key])) return true;
  }
  return false;
}

const missing = (path: string): MongoQuery => ({ [path]: { $exists: false } });
const present = (path: string): MongoQuery => ({ [path]: { $exists: true } });

function rewrite(query: MongoQuery): MongoQuery {
  const out: MongoQuery = {};
  const and: MongoQuery[] = [];
  for (const [key, value] of Object.entries(query)) {
    if ((key === '$and' || key === '$or') && Array.isArray(value)) {
      const subs = (value as MongoQuery[]).map((sub) => withMongoNulls(sub));
      if (key === '$and') and.push(...subs);
      else out.$or = subs;
    } else if (value === null) {
      // Null or missing. Kept out of the top level, so that an index on the field is not asked
      // for `null` alone (NeDB's candidates would then leave out the documents without it).
      and.push({ $or: [{ [key]: null }, missing(key)] });
    } else if (isOperatorObject(value) && mentionsNull(value)) {
      // Each operator of a field holds on its own (MongoDB ANDs them), so each is rewritten alone.
      for (const [op, operand] of Object.entries(value)) and.push(...operatorClauses(key, op, operand));
    } else {
      // An equality on a whole object or array is matched as stored (a null inside it is data).
      out[key] = value;
    }
  }
  if (and.length > 0) out.$and = and;
  return out;
}

/** One `{path: {op: operand}}` condition as clauses that mean it the MongoDB way. */
function operatorClauses(path: string, op: string, operand: unknown): MongoQuery[] {
  const plain: MongoQuery = { [path]: { [op]: operand } };
  if (op === '$ne' && operand === null) return [plain, present(path)];
  if (op === '$in' && Array.isArray(operand) && operand.includes(null)) return [{ $or: [plain, missing(path)] }];
  if (op === '$nin' && Array.isArray(operand) && operand.includes(null)) return [plain, present(path)];
  return [plain];
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'));
}
