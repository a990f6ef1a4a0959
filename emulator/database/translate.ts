/**
 * The one translator from the vendor's wire (both SDKs serialise `db.command` alike) to the store,
 * for the Admin API, the client's /web endpoint and its realtime watches.
 * The wire's queries, updates, orders and projections (already EJSON-decoded) as the store's.
 * @cloudbase/database serialises `db.command` to Mongo operators before sending, e.g.
 * `{a: _.gt(1).and(_.lt(5)), 'o.p': true}` arrives as
 * `{"o.p": true, "$and": [{"a": {"$gt": 1}}, {"a": {"$lt": 5}}]}`, so this is mostly a check
 * that only operators the store matches as CloudBase does get through, plus the rewrite of dates
 * (see ejson.ts). The store validates the result once more (assertMongoQuery, checkUpdate).
 * `{f: null}` / `{$eq: null}` / `{$ne: null}` pass through as they are: the store gives null its
 * MongoDB meaning, null or missing, for every caller alike (store/mongoQuery.ts).
 */
import { invalid as requestFailed, isPlainObject } from '../store/docData';
import type { FindOptions, MongoQuery, MongoUpdate, StoredDoc } from '../store/storeTypes';
import { DATE_KEY, isStoredDate } from './ejson';
/* eslint-disable @typescript-eslint/no-require-imports */
// mingo's subpath modules, as store/mongoQuery.ts loads them (the project's moduleResolution does not read `exports`).
const { Context } = require('mingo/core') as typeof import('mingo/types/core');
const { Query } = require('mingo/query') as typeof import('mingo/types/query');
/* eslint-enable @typescript-eslint/no-require-imports */

/** No projection operators: only 0 / 1 paths reach mingo. */
const projectionContext = Context.init({});

const rangeOperators = new Set(['$lt', '$lte', '$gt', '$gte']);

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && !isStoredDate(value) && Object.keys(value).some((k) => k.startsWith('$'));
}

/** One field's operator object as store conditions: [path, condition] pairs. */
function fieldConditions(path: string, ops: Record<string, unknown>): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [op, operand] of Object.entries(ops)) {
    if (!op.startsWith('$')) throw requestFailed(`query.${path}: operators and fields may not be mixed`);
    if (op === '$eq') out.push([path, operand]);
    else if (op === '$ne' || op === '$neq') out.push([path, { $ne: operand }]);
    else if (rangeOperators.has(op)) {
      // A range compares values of its operand's type (MongoDB); a stored date is compared by its number.
      if (isStoredDate(operand)) out.push([`${path}.${DATE_KEY}`, { [op]: operand[DATE_KEY] }]);
      else out.push([path, { [op]: operand }]);
    } else if (op === '$in' || op === '$nin' || op === '$exists') out.push([path, { [op]: operand }]);
    else throw requestFailed(`query.${path}: operator ${op} is not supported by the local cloud`);
  }
  return out;
}

/** A decoded wire query as a store query; throws a DATABASE_REQUEST_FAILED failure on what it cannot match. */
export function toStoreQuery(query: unknown, where = 'query'): MongoQuery {
  if (!isPlainObject(query)) throw requestFailed(`${where}: must be an object`);
  const out: MongoQuery = {};
  const extra: MongoQuery[] = [];
  const put = (path: string, condition: unknown): void => {
    // The same path twice (a field beside an $and on it) cannot share one key: AND them instead.
    if (Object.prototype.hasOwnProperty.call(out, path)) extra.push({ [path]: condition });
    else out[path] = condition;
  };
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) throw requestFailed(`${where}.${key}: needs a non-empty array`);
      const subs = value.map((sub: unknown, i) => toStoreQuery(sub, `${where}.${key}[${i}]`));
      if (key === '$and') extra.push(...subs);
      else put('$or', subs);
    } else if (key.startsWith('$')) {
      throw requestFailed(`${where}: operator ${key} is not supported by the local cloud`);
    } else if (isOperatorObject(value)) {
      for (const [p, condition] of fieldConditions(key, value)) put(p, condition);
    } else {
      put(key, value);
    }
  }
  if (extra.length > 0) out.$and = [...(Array.isArray(out.$and) ? (out.$and as MongoQuery[]) : []), ...extra];
  return out;
}

/**
 * A decoded `data` of modifyDocument with `merge: true` (always operators: the SDK turns plain
 * fields into `$set` dot paths) as a store update. Plain top-level fields count as `$set`.
 */
export function toStoreUpdate(data: unknown): MongoUpdate {
  if (!isPlainObject(data)) throw requestFailed('data: an update must be an object');
  const update: Required<MongoUpdate> = { $set: {}, $inc: {}, $unset: {} };
  for (const [key, value] of Object.entries(data)) {
    if (key === '$set' || key === '$inc' || key === '$unset') {
      if (!isPlainObject(value)) throw requestFailed(`data.${key}: must be an object`);
      for (const [p, v] of Object.entries(value)) {
        if (key === '$set') update.$set[p] = v;
        else if (key === '$unset') update.$unset[p] = true; // the SDK sends "" for _.remove()
        else if (typeof v === 'number') update.$inc[p] = v;
        else throw requestFailed(`data.$inc.${p}: needs a number`);
      }
    } else if (key.startsWith('$')) {
      throw requestFailed(`data: update operator ${key} is not supported by the local cloud`);
    } else {
      update.$set[key] = value;
    }
  }
  // Only the operators that name a path.
  return Object.fromEntries(Object.entries(update).filter(([, paths]) => Object.keys(paths).length > 0)) as MongoUpdate;
}

/** A decoded `data` of modifyDocument with `merge: false` (doc.set): the whole new document. */
export function toReplacement(data: unknown, id: string): Record<string, unknown> {
  if (!isPlainObject(data)) throw requestFailed('data: a document must be an object');
  const { _id: given, ...doc } = data;
  if (given !== undefined && given !== id) throw requestFailed('data: _id cannot be changed');
  return doc;
}

/** A decoded `order` (`{field: 1 | -1}` in orderBy order) as the store's sort. */
export function toSort(order: unknown): FindOptions['sort'] {
  if (order === undefined) return undefined;
  if (!isPlainObject(order)) throw requestFailed('order: must be an object');
  const sort: Record<string, 1 | -1> = {};
  for (const [p, dir] of Object.entries(order)) {
    if (dir !== 1 && dir !== -1) throw requestFailed(`order.${p}: must be 1 or -1`);
    sort[p] = dir;
  }
  return sort;
}

/** A projection (`{path: 0 | 1}`) as a function from a stored document to the returned one. */
export type Projector = (doc: StoredDoc) => Record<string, unknown>;

/**
 * A decoded `projection` as a Projector: inclusion (`1`, `_id` kept unless `_id: 0`) or exclusion
 * (`0`), as MongoDB (mingo's projection, which also projects paths into arrays of objects).
 * `$slice` / `$elemMatch` projections are not supported. The projector may change the document it
 * is given (mingo removes excluded fields in place): callers pass their own copies.
 */
export function toProjector(projection: unknown): Projector {
  if (projection === undefined) return (doc) => doc;
  if (!isPlainObject(projection)) throw requestFailed('projection: must be an object');
  const flags = Object.entries(projection);
  for (const [p, flag] of flags) {
    if (flag !== 0 && flag !== 1) throw requestFailed(`projection.${p}: only 0 and 1 are supported by the local cloud`);
  }
  if (new Set(flags.filter(([p]) => p !== '_id').map(([, flag]) => flag)).size > 1) {
    throw requestFailed('projection: cannot mix inclusion and exclusion');
  }
  const query = new Query<StoredDoc>({}, { context: projectionContext });
  return (doc) => query.find([doc], projection).all()[0] as Record<string, unknown>;
}
