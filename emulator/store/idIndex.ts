import { nedbModel } from './nedbModel';
import type { StoredDoc } from './storeTypes';

/**
 * The `_id` index of every collection: a hash map standing in for NeDB's own, which is an AVL tree
 * of string comparisons through the general-purpose `compareThings`. Every document the store
 * creates goes into the `_id` index, and rebalancing that tree was about a fifth of a join's cost
 * in the local cloud (the join benchmark), while nothing needs `_id` in order: point lookups and
 * `$in` are what the store and NeDB's candidate selection ask of it. It is also the store's
 * lookup by id (nedbCollection.ts `storedById`), so a document lives in one map, not two.
 *
 * It implements the members of NeDB's `Index` (lib/indexes.js, @seald-io/nedb 4.x) that the
 * datastore calls on `_id`: insert / remove / update / revertUpdate (one document or a list, all
 * or nothing), getMatching (a value, or the values of a `$in`), getBetweenBounds (`$lt`…`$gte` on
 * `_id`, by scanning, as no query here asks for it), getAll and reset. `getAll`
 * lists documents in the order they were first stored (Mongo's natural order) instead of by id;
 * a query that needs an order sorts.
 */
export class IdIndex {
  /** What NeDB reads of an index. */
  readonly fieldName = '_id';
  readonly unique = true;
  readonly sparse = false;
  private readonly byId = new Map<string, StoredDoc>();

  /** Starts with `docs` (the collection as NeDB loaded it). */
  constructor(docs: readonly StoredDoc[] = []) {
    this.insert([...docs]);
  }

  /** The stored document with `id` (the object itself), or undefined. */
  get(id: string): StoredDoc | undefined {
    return this.byId.get(id);
  }

  /** How many documents the collection holds. */
  get size(): number {
    return this.byId.size;
  }

  /** Adds one document or several; throws NeDB's uniqueViolated error (and adds none) on a taken id. */
  insert(doc: StoredDoc | StoredDoc[]): void {
    const docs = Array.isArray(doc) ? doc : [doc];
    const seen = new Set<string>();
    for (const d of docs) {
      if (this.byId.has(d._id) || seen.has(d._id)) throw uniqueViolated(d._id);
      seen.add(d._id);
    }
    for (const d of docs) this.byId.set(d._id, d);
  }

  /** Removes one document or several (absent ones are ignored, as NeDB's tree does). */
  remove(doc: StoredDoc | StoredDoc[]): void {
    for (const d of Array.isArray(doc) ? doc : [doc]) {
      if (this.byId.get(d._id) === d) this.byId.delete(d._id);
    }
  }

  /**
   * Replaces `oldDoc` by `newDoc`, or each pair of a list. An unchanged id keeps its place in the
   * natural order (Mongo updates in place).
   */
  update(oldDoc: StoredDoc | Array<{ oldDoc: StoredDoc; newDoc: StoredDoc }>, newDoc?: StoredDoc): void {
    const pairs = Array.isArray(oldDoc) ? oldDoc : [{ oldDoc, newDoc: newDoc as StoredDoc }];
    // Check first, so a failing list changes nothing (NeDB rolls back the same way).
    const freed = new Set(pairs.filter((p) => p.oldDoc._id !== p.newDoc._id).map((p) => p.oldDoc._id));
    const taken = new Set<string>();
    for (const { oldDoc: o, newDoc: n } of pairs) {
      if (o._id === n._id) continue;
      if ((this.byId.has(n._id) && !freed.has(n._id)) || taken.has(n._id)) throw uniqueViolated(n._id);
      taken.add(n._id);
    }
    for (const { oldDoc: o, newDoc: n } of pairs) {
      if (o._id !== n._id) this.byId.delete(o._id);
    }
    for (const { newDoc: n } of pairs) this.byId.set(n._id, n);
  }

  /** Undoes `update(oldDoc, newDoc)` (NeDB calls it when another index refuses the update). */
  revertUpdate(oldDoc: StoredDoc | Array<{ oldDoc: StoredDoc; newDoc: StoredDoc }>, newDoc?: StoredDoc): void {
    if (Array.isArray(oldDoc)) this.update(oldDoc.map((p) => ({ oldDoc: p.newDoc, newDoc: p.oldDoc })));
    else this.update(newDoc as StoredDoc, oldDoc);
  }

  /** The documents whose `_id` equals `value`, or any of the values of an array (`$in`). */
  getMatching(value: unknown): StoredDoc[] {
    const out: StoredDoc[] = [];
    const seen = new Set<StoredDoc>();
    for (const v of Array.isArray(value) ? value : [value]) {
      const doc = typeof v === 'string' ? this.byId.get(v) : undefined;
      if (doc && !seen.has(doc)) {
        seen.add(doc);
        out.push(doc);
      }
    }
    return out;
  }

  /** The documents whose `_id` lies within the `$gt`/`$gte`/`$lt`/`$lte` bounds of `query`. */
  getBetweenBounds(query: Record<string, unknown>): StoredDoc[] {
    const cmp = (a: unknown, b: unknown): number => nedbModel.compareThings(a, b);
    const has = (op: string): boolean => Object.prototype.hasOwnProperty.call(query, op);
    return [...this.byId.values()].filter(
      ({ _id: id }) =>
        (!has('$gt') || cmp(id, query.$gt) > 0) &&
        (!has('$gte') || cmp(id, query.$gte) >= 0) &&
        (!has('$lt') || cmp(id, query.$lt) < 0) &&
        (!has('$lte') || cmp(id, query.$lte) <= 0),
    );
  }

  /** Every document, in natural order. */
  getAll(): StoredDoc[] {
    return [...this.byId.values()];
  }

  /** Empties the index, then holds `newData` (NeDB calls it when it loads a file). */
  reset(newData?: StoredDoc | StoredDoc[]): void {
    this.byId.clear();
    if (newData !== undefined) this.insert(newData);
  }
}

/** NeDB's error for a taken unique key (its `errorType`, which NeDB's own callers test). */
function uniqueViolated(id: string): Error {
  return Object.assign(new Error(`Can't insert key ${id}, it violates the unique constraint`), { key: id, errorType: 'uniqueViolated' });
}
