import { FieldIndex, isKey, type IndexKey } from './fieldIndex';
import { compileQuery, sortComparator } from './mongoQuery';
import type { FindOptions, MongoQuery, StoredDoc } from './storeTypes';

/**
 * One collection in memory: its documents by id in natural order (the order they were first
 * stored; an update keeps its place, as in MongoDB), its secondary indexes (fieldIndex.ts) and the
 * selection of the candidates a query's matcher runs on.
 *
 * Candidate selection, from the conditions at the top level of the query and of its `$and`s (an
 * `$or` is matched, never used to select):
 *   1. `_id` equal to a string, or `$in` strings: those documents, from the id map;
 *   2. a compound index all of whose fields are compared for equality with a string, number or
 *      boolean (the one with the most fields);
 *   3. a single-field index whose field is so compared;
 *   4. a single-field index whose field has an `$in` of such values only;
 *   5. a single-field index whose field has `$gt`/`$gte`/`$lt`/`$lte` bounds all numbers or all strings;
 *   6. otherwise every document.
 * Within a rule, indexes are tried in the order they are declared. Every condition is then checked
 * by the matcher, so an index only decides how many documents are examined (`explain`).
 */
export class Collection {
  private readonly byId = new Map<string, StoredDoc>();
  private readonly indexes: FieldIndex[] = [];

  /** A collection holding `docs`, with an index for each field list (`_id` is always indexed). */
  constructor(indexLists: readonly string[][], docs: Iterable<StoredDoc> = []) {
    const seen = new Set<string>();
    for (const fields of indexLists) {
      const key = [...fields].sort().join(',');
      if (key === '_id' || seen.has(key)) continue;
      seen.add(key);
      this.indexes.push(new FieldIndex(fields));
    }
    for (const doc of docs) this.replace(doc._id, doc);
  }

  /** The stored document with `id` (the object itself: callers copy it and never change it), or null. */
  get(id: string): StoredDoc | null {
    return this.byId.get(id) ?? null;
  }

  /** Every document, in natural order (the stored objects). */
  all(): IterableIterator<StoredDoc> {
    return this.byId.values();
  }

  /** Makes the collection hold `after` under `id` (null = nothing); `after` is owned by it from now on. */
  replace(id: string, after: StoredDoc | null): void {
    const before = this.byId.get(id) ?? null;
    for (const index of this.indexes) index.replace(id, before, after);
    if (after) this.byId.set(id, after);
    else this.byId.delete(id);
  }

  /** The stored documents matching `query`, sorted, skipped and limited as `options` say. */
  find(query: MongoQuery, options: FindOptions = {}): StoredDoc[] {
    const test = compileQuery(query);
    const skip = options.skip ?? 0;
    const limit = options.limit ?? Infinity;
    if (options.sort && Object.keys(options.sort).length > 0) {
      const matched: StoredDoc[] = [];
      for (const doc of this.docs(this.candidates(query))) if (test(doc)) matched.push(doc);
      return matched.sort(sortComparator(options.sort)).slice(skip, skip + limit);
    }
    const out: StoredDoc[] = [];
    let skipped = 0;
    if (limit === 0) return out;
    for (const doc of this.docs(this.candidates(query))) {
      if (!test(doc)) continue;
      if (skipped < skip) skipped += 1;
      else if (out.push(doc) >= limit) break;
    }
    return out;
  }

  /** How many documents match `query`. */
  count(query: MongoQuery): number {
    return this.find(query).length;
  }

  /** How many documents the candidate selection hands to the matcher for `query`. */
  explain(query: MongoQuery): number {
    const ids = this.candidates(query);
    return ids ? [...this.docs(ids)].length : this.byId.size;
  }

  /** The ids of the documents `query`'s matcher runs on (see the class comment), null for all. */
  private candidates(query: MongoQuery): Iterable<string> | null {
    const conditions = conditionsOf(query);
    const equal = (path: string): IndexKey | undefined => conditions.get(path)?.find(isKey);
    const inList = (path: string): IndexKey[] | undefined =>
      conditions.get(path)?.find((c): c is { $in: IndexKey[] } => isOperators(c) && Array.isArray(c.$in) && c.$in.every(isKey))?.$in;
    const id = equal('_id');
    if (typeof id === 'string') return [id];
    const idList = inList('_id');
    if (idList?.every((v) => typeof v === 'string')) return new Set(idList as string[]);
    const compound = this.indexes
      .filter((index) => index.fields.length > 1 && index.fields.every((f) => equal(f) !== undefined))
      .reduce<FieldIndex | null>((best, index) => (best && best.fields.length >= index.fields.length ? best : index), null);
    if (compound) return compound.ids(compound.keyOf(compound.fields.map((f) => equal(f) as IndexKey)));
    const single = this.indexes.filter((index) => index.fields.length === 1);
    for (const index of single) {
      const value = equal(index.fields[0]);
      if (value !== undefined) return index.ids(value);
    }
    for (const index of single) {
      const values = inList(index.fields[0]);
      if (values) return new Set(values.flatMap((v) => [...index.ids(v)]));
    }
    for (const index of single) {
      for (const condition of conditions.get(index.fields[0]) ?? []) {
        const ids = isOperators(condition) ? index.range(condition) : null;
        if (ids) return ids;
      }
    }
    return null;
  }

  /** The documents under `ids` (each listed once), or every document for null. */
  private *docs(ids: Iterable<string> | null): IterableIterator<StoredDoc> {
    if (!ids) return yield* this.byId.values();
    for (const id of ids) {
      const doc = this.byId.get(id);
      if (doc) yield doc;
    }
  }
}

function isOperators(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).some((k) => k.startsWith('$'));
}

/** Field path -> its conditions, from the top level of `query` and of its `$and`s. */
function conditionsOf(query: MongoQuery, out = new Map<string, unknown[]>()): Map<string, unknown[]> {
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and') for (const sub of value as MongoQuery[]) conditionsOf(sub, out);
    else if (key !== '$or') out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}
