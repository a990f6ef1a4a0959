import * as path from 'path';
import Datastore from '@seald-io/nedb';
import { IdIndex } from './idIndex';
import { nedbModel } from './nedbModel';
import type { MongoQuery, StoredDoc } from './storeTypes';

/** The NeDB side of the document store: one datastore per collection, opened with its indexes. */

/** One collection's NeDB datastore. */
export type Collection = Datastore<Record<string, unknown>>;

/**
 * The NeDB internals we use: its index table, its candidate selection (see `DocumentStore.explain`)
 * and the synchronous index maintenance under its insert / update / remove (lib/datastore.js
 * `_addToIndexes`, `_updateIndexes`, `_removeFromIndexes`, @seald-io/nedb 4.x).
 */
export interface NedbInternals {
  indexes: Record<string, { getMatching(value: unknown): unknown[] }>;
  _getCandidatesAsync(query: MongoQuery, dontExpireStaleDocs?: boolean): Promise<unknown[]>;
  _getRawCandidates(query: MongoQuery): StoredDoc[];
  compareStrings?: (a: string, b: string) => number;
  _addToIndexes(doc: StoredDoc): void;
  _updateIndexes(oldDoc: StoredDoc, newDoc: StoredDoc): void;
  _removeFromIndexes(doc: StoredDoc): void;
}

/**
 * Opens collection `name`: in memory when `dir` is undefined, else loaded from `<dir>/<name>.db`;
 * then makes its indexes exactly `indexLists` (plus `_id`).
 */
export async function openCollection(dir: string | undefined, name: string, indexLists: string[][]): Promise<Collection> {
  const ds: Collection =
    dir === undefined
      ? new Datastore<Record<string, unknown>>({ inMemoryOnly: true })
      : new Datastore<Record<string, unknown>>({ filename: path.join(dir, `${name}.db`) });
  if (dir !== undefined) await ds.loadDatabaseAsync();
  // The file remembers indexes created earlier; drop those no longer configured, because NeDB
  // would keep choosing them (an index on a field most documents share scans most of the collection).
  const wanted = new Map<string, string[]>();
  for (const fields of indexLists) wanted.set([...fields].sort().join(','), fields);
  for (const existing of Object.keys((ds as unknown as NedbInternals).indexes)) {
    if (existing !== '_id' && !wanted.has(existing)) await ds.removeIndexAsync(existing);
  }
  for (const [key, fields] of wanted) {
    if (key === '_id') continue;
    await ds.ensureIndexAsync({ fieldName: fields.length === 1 ? fields[0] : fields });
  }
  // After loading: NeDB's load rebuilds `_id` as its own tree index.
  const internals = ds as unknown as NedbInternals;
  internals.indexes._id = new IdIndex(ds.getAllData() as StoredDoc[]);
  return ds;
}

/** The collection's `_id` index (installed by openCollection). */
function idIndexOf(ds: Collection): IdIndex {
  return (ds as unknown as NedbInternals).indexes._id as IdIndex;
}

/**
 * The document stored under `id`, read synchronously from the `_id` index: the object NeDB holds,
 * which callers must copy before handing it out and must never mutate.
 */
export function storedById(ds: Collection, id: string): StoredDoc | null {
  return idIndexOf(ds).get(id) ?? null;
}

/**
 * Makes the collection hold `after` (null = nothing) under `id`, where it held `before`, with
 * NeDB's own synchronous index maintenance. The store persists commits itself (storeJournal.ts),
 * so NeDB's insert / update / remove, which would append to the collection file, are bypassed.
 * `after` is owned by the collection from now on.
 */
export function replaceInCollection(ds: Collection, before: StoredDoc | null, after: StoredDoc | null): void {
  const internals = ds as unknown as NedbInternals;
  if (before && after) internals._updateIndexes(before, after);
  else if (after) internals._addToIndexes(after);
  else if (before) internals._removeFromIndexes(before);
}

/**
 * The documents matching `query`, as NeDB's Cursor selects them (lib/cursor.js `_execAsync`: the
 * candidates of one index, the matcher, then sort with its comparison and skip / limit, where 0
 * means none), but synchronously: no executor queue, no promise per step. The store never creates
 * TTL indexes, the one thing `_getCandidatesAsync` adds to `_getRawCandidates`. Returns the stored
 * objects: callers copy them.
 */
export function findInCollection(
  ds: Collection,
  query: MongoQuery,
  options: { sort?: Record<string, 1 | -1>; skip?: number; limit?: number },
): StoredDoc[] {
  const internals = ds as unknown as NedbInternals;
  const candidates = internals._getRawCandidates(query);
  const sort = options.sort && Object.keys(options.sort).length > 0 ? Object.entries(options.sort) : null;
  const skip = options.skip ?? 0;
  const limit = options.limit ?? 0;
  let res: StoredDoc[] = [];
  let skipped = 0;
  for (const candidate of candidates) {
    if (!nedbModel.match(candidate, query)) continue;
    if (sort) res.push(candidate);
    else if (skip > skipped) skipped += 1;
    else {
      res.push(candidate);
      if (limit && limit <= res.length) break;
    }
  }
  if (sort) {
    res.sort((a, b) => {
      for (const [key, direction] of sort) {
        const compare = direction * nedbModel.compareThings(nedbModel.getDotValue(a, key), nedbModel.getDotValue(b, key), internals.compareStrings);
        if (compare !== 0) return compare;
      }
      return 0;
    });
    res = res.slice(skip, skip + (limit || res.length));
  }
  return res;
}

/** How many documents match `query` (NeDB's count: candidates through the matcher). */
export function countInCollection(ds: Collection, query: MongoQuery): number {
  let n = 0;
  for (const candidate of (ds as unknown as NedbInternals)._getRawCandidates(query)) if (nedbModel.match(candidate, query)) n += 1;
  return n;
}
