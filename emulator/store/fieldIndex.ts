import { valuesAt } from './mongoQuery';
import type { StoredDoc } from './storeTypes';

/** What an index is keyed by: the primitive values of a field (a compound index: their JSON tuple). */
export type IndexKey = string | number | boolean;

/** Whether `value` can be an index key. */
export function isKey(value: unknown): value is IndexKey {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * A secondary index of one collection: the ids of the documents under each value of its field,
 * or of each combination of values of its fields (a compound index). Like a MongoDB multikey
 * index, a document whose field is an array is listed under each element. Only strings, numbers
 * and booleans are keys: a condition on null, an object or a whole array is answered by a scan,
 * so an index never hides a document the matcher would accept. A single-field index also keeps its
 * number and string keys sorted, for range conditions.
 */
export class FieldIndex {
  private readonly byKey = new Map<IndexKey, Set<string>>();
  /** Sorted distinct keys of each type that ranges compare (single-field indexes only). */
  private readonly sorted: { number: number[]; string: string[] } | null;
  /** Documents listed under more than one key: then a range may only use one of its bounds. */
  private multikeyDocs = 0;

  constructor(readonly fields: readonly string[]) {
    this.sorted = fields.length === 1 ? { number: [], string: [] } : null;
  }

  /** The keys `doc` is listed under. */
  keysOf(doc: StoredDoc): IndexKey[] {
    const perField = this.fields.map((f) => [...new Set(valuesAt(doc, f).filter(isKey))]);
    if (perField.length === 1) return perField[0];
    let tuples: IndexKey[][] = [[]];
    for (const values of perField) tuples = tuples.flatMap((t) => values.map((v) => [...t, v]));
    return tuples.map((t) => JSON.stringify(t));
  }

  /** The key of an equality on every field of the index (values in `fields` order). */
  keyOf(values: readonly IndexKey[]): IndexKey {
    return this.fields.length === 1 ? values[0] : JSON.stringify(values);
  }

  /** Moves document `id` from the keys of `before` to those of `after` (null = absent). */
  replace(id: string, before: StoredDoc | null, after: StoredDoc | null): void {
    const old = before ? this.keysOf(before) : [];
    const now = after ? this.keysOf(after) : [];
    if (old.length === now.length && old.every((k, i) => k === now[i])) return;
    this.multikeyDocs += Number(now.length > 1) - Number(old.length > 1);
    for (const k of old) if (!now.includes(k)) this.unlist(k, id);
    for (const k of now) if (!old.includes(k)) this.list(k, id);
  }

  /** The ids listed under `key`. */
  ids(key: IndexKey): ReadonlySet<string> {
    return this.byKey.get(key) ?? new Set();
  }

  /**
   * The ids listed under the keys within the `$gt`/`$gte`/`$lt`/`$lte` bounds of `condition` (a
   * superset of the documents matching them), or null when this index cannot answer them: no
   * bounds, a compound index, or bounds not all numbers or all strings (type bracketing).
   */
  range(condition: Record<string, unknown>): Set<string> | null {
    const { $gt: gt, $gte: gte, $lt: lt, $lte: lte } = condition;
    const operands = [gt, gte, lt, lte].filter((v) => v !== undefined);
    const type = typeof operands[0];
    if (!this.sorted || (type !== 'number' && type !== 'string') || operands.some((v) => typeof v !== type)) return null;
    const keys: IndexKey[] = this.sorted[type];
    const low = (gt ?? gte) as IndexKey | undefined;
    // A multikey document can meet each bound with a different element: then only one is used.
    const high = (this.multikeyDocs > 0 && low !== undefined ? undefined : lt ?? lte) as IndexKey | undefined;
    const lo = low === undefined ? 0 : bound(keys, low, gt !== undefined);
    const hi = high === undefined ? keys.length : bound(keys, high, lt === undefined);
    const out = new Set<string>();
    for (let i = lo; i < hi; i += 1) for (const id of this.byKey.get(keys[i]) ?? []) out.add(id);
    return out;
  }

  private list(key: IndexKey, id: string): void {
    let ids = this.byKey.get(key);
    if (!ids) {
      ids = new Set();
      this.byKey.set(key, ids);
      const keys = this.sortedFor(key);
      keys?.splice(bound(keys, key), 0, key);
    }
    ids.add(id);
  }

  private unlist(key: IndexKey, id: string): void {
    const ids = this.byKey.get(key);
    if (!ids) return;
    ids.delete(id);
    if (ids.size > 0) return;
    this.byKey.delete(key);
    const keys = this.sortedFor(key);
    keys?.splice(bound(keys, key), 1);
  }

  private sortedFor(key: IndexKey): IndexKey[] | null {
    if (!this.sorted || typeof key === 'boolean') return null;
    return typeof key === 'number' ? this.sorted.number : this.sorted.string;
  }
}

/** The first position in sorted `keys` whose key is > `key` (`after`), or >= it. */
function bound(keys: readonly IndexKey[], key: IndexKey, after = false): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key || (after && keys[mid] === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
