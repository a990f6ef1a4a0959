/* eslint-disable @typescript-eslint/no-require-imports */
// mingo's subpath modules, typed by the declarations it ships: the project's `moduleResolution`
// (node) does not read package `exports`, Node's `require` does.
const { Context } = require('mingo/core') as typeof import('mingo/types/core');
const { $and, $eq, $exists, $gt, $gte, $in, $lt, $lte, $ne, $nin, $or } = require('mingo/operators/query') as typeof import('mingo/types/operators/query');
const { Query } = require('mingo/query') as typeof import('mingo/types/query');
const { compare, resolve } = require('mingo/util') as typeof import('mingo/types/util');
/* eslint-enable @typescript-eslint/no-require-imports */
import type { FindOptions, MongoQuery, StoredDoc } from './storeTypes';

/**
 * The store's matcher and sort order: MongoDB's, as CloudBase's database (MongoDB-compatible)
 * answers them. Matching is mingo's (https://github.com/kofrasa/mingo), through its public API,
 * with a context holding only the operators the store accepts (docData.ts `assertMongoQuery`;
 * `$eq` is what a plain field condition compiles to). mingo follows the MongoDB manual: `{f: null}`
 * matches a missing field and `$ne: null` only present non-null ones ("Query for Null or Missing
 * Fields", https://www.mongodb.com/docs/manual/tutorial/query-for-null-fields/),
 * a range operator matches only values of its operand's type ("Comparison/Sort Order", type
 * bracketing), and a condition on an array field holds when it holds for an element.
 */
const context = Context.init({ query: { $and, $eq, $exists, $gt, $gte, $in, $lt, $lte, $ne, $nin, $or } });

/** The compiled form of each query object seen recently: a watch tests every change with one query. */
const compiled = new WeakMap<MongoQuery, InstanceType<typeof Query<StoredDoc>>>();

/**
 * The predicate of a validated store query. Compiling costs some microseconds (mingo copies its
 * context per query), so it is done once per query object.
 */
export function compileQuery(query: MongoQuery): (doc: StoredDoc) => boolean {
  let q = compiled.get(query);
  if (!q) {
    q = new Query<StoredDoc>(query, { context });
    compiled.set(query, q);
  }
  const test = q;
  return (doc) => test.test(doc);
}

/** Whether `doc` matches `query` (MongoDB's meaning). */
export function matchesQuery(doc: StoredDoc, query: MongoQuery): boolean {
  return compileQuery(query)(doc);
}

/**
 * The values a condition on dot path `path` is tested against, MongoDB-style, by mingo's `resolve`:
 * none when the path is missing, the elements when it leads into or to arrays.
 */
export function valuesAt(doc: StoredDoc, path: string): unknown[] {
  const value: unknown = resolve(doc, path);
  return value === undefined ? [] : Array.isArray(value) ? value.flat(Infinity) : [value];
}

/** An empty array, which MongoDB sorts before null and missing. */
const EMPTY_ARRAY = Symbol('empty array');

/** MongoDB's order of values (null < numbers < strings < objects < booleans), mingo's `compare`. */
function compareValues(a: unknown, b: unknown): number {
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) return a === b ? 0 : a === EMPTY_ARRAY ? -1 : 1;
  return compare(a, b);
}

/**
 * The sort key of `doc` for one field, as MongoDB sorts: a missing field as null, an array by its
 * smallest element ascending and its largest descending, an empty array before null (MongoDB
 * manual, "cursor.sort()", https://www.mongodb.com/docs/manual/reference/method/cursor.sort/).
 */
function sortKey(doc: StoredDoc, path: string, direction: 1 | -1): unknown {
  const value: unknown = resolve(doc, path);
  if (!Array.isArray(value)) return value ?? null;
  const values = value.flat(Infinity);
  if (values.length === 0) return EMPTY_ARRAY;
  return values.reduce((best: unknown, v: unknown) => (compareValues(v, best) * direction < 0 ? v : best));
}

/** A comparator of documents for `sort` (keys in order, each 1 ascending or -1 descending). */
export function sortComparator(sort: NonNullable<FindOptions['sort']>): (a: StoredDoc, b: StoredDoc) => number {
  const fields = Object.entries(sort);
  const keys = new Map<StoredDoc, unknown[]>();
  const keyOf = (doc: StoredDoc): unknown[] => keys.get(doc) ?? keys.set(doc, fields.map(([path, dir]) => sortKey(doc, path, dir))).get(doc) ?? [];
  return (a, b) => {
    const [ka, kb] = [keyOf(a), keyOf(b)];
    for (let i = 0; i < fields.length; i += 1) {
      const c = compareValues(ka[i], kb[i]);
      if (c !== 0) return c * fields[i][1];
    }
    return 0;
  };
}
